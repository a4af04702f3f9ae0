/**
 * EXIF orientation (browser-safe). Phones store a photo as the sensor saw it and record how to turn
 * it in the Exif "Orientation" tag; without applying it, a digit photographed with the phone held
 * upright reaches the network lying on its side.
 */
import type { Raster } from './raster.js';

/** The Exif Orientation (1-8) of a JPEG, or 1 if it has none or it cannot be read. */
export function jpegOrientation(b: Uint8Array): number {
  let p = 2;
  while (p + 4 <= b.length && b[p] === 0xff) {
    const marker = b[p + 1];
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no more metadata
    const length = (b[p + 2] << 8) | b[p + 3];
    if (marker === 0xe1 && length >= 16) {
      const o = exifOrientation(b.subarray(p + 4, Math.min(b.length, p + 2 + length)));
      if (o) return o;
    }
    p += 2 + length;
  }
  return 1;
}

/** Reads tag 0x0112 from IFD0 of an APP1 payload ("Exif\0\0" + TIFF); 0 if absent or malformed. */
function exifOrientation(app1: Uint8Array): number {
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0];
  if (app1.length < 14 || !exif.every((v, i) => app1[i] === v)) return 0;
  const tiff = new DataView(app1.buffer, app1.byteOffset + 6, app1.byteLength - 6);
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 0;
  const little = order === 0x4949;
  if (tiff.getUint16(2, little) !== 42) return 0;
  const ifd = tiff.getUint32(4, little);
  if (ifd + 2 > tiff.byteLength) return 0;
  const count = tiff.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.byteLength) return 0;
    if (tiff.getUint16(entry, little) === 0x0112) {
      const value = tiff.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 0;
    }
  }
  return 0;
}

/** The raster turned as Exif orientation `o` says it should be displayed. */
export function applyOrientation(r: Raster, o: number): Raster {
  if (o <= 1 || o > 8) return r;
  const { width: W, height: H } = r;
  const swap = o >= 5;
  const width = swap ? H : W;
  const height = swap ? W : H;
  const data = new (r.data.constructor as Uint8ArrayConstructor | Uint16ArrayConstructor)(
    r.data.length,
  );
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Where display pixel (x, y) is stored, for each of the eight orientations.
      let sx: number;
      let sy: number;
      switch (o) {
        case 2:
          [sx, sy] = [W - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [W - 1 - x, H - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, H - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, H - 1 - x];
          break;
        case 7:
          [sx, sy] = [W - 1 - y, H - 1 - x];
          break;
        default:
          [sx, sy] = [W - 1 - y, x];
          break;
      }
      const src = 4 * (sy * W + sx);
      const dst = 4 * (y * width + x);
      data[dst] = r.data[src];
      data[dst + 1] = r.data[src + 1];
      data[dst + 2] = r.data[src + 2];
      data[dst + 3] = r.data[src + 3];
    }
  }
  return { width, height, data, maxValue: r.maxValue };
}
