/**
 * Node-only image codecs: PNG (pngjs) and JPEG (jpeg-js) bytes to and from the browser-safe
 * rasters of src/image, JPEGs turned upright by their Exif orientation. The header is checked (format, non-zero size, at most 100 megapixels)
 * before any decoder runs; every decoder failure becomes one line naming the file.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type ImageHeader, MAX_PIXELS, readImageHeader } from '../image/imageHeader.js';
import { applyOrientation, jpegOrientation } from '../image/orientation.js';
import type { Gray8, Raster } from '../image/raster.js';
import { readFileOrThrow, writeFileAtomic } from './files.js';

function decoderMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // pngjs reports running out of data in its own words; say what it means.
  if (/read requests waitng|finished stream|unexpected end|Unexpected end/i.test(m)) {
    return 'the file is truncated';
  }
  // jpeg-js names the marker it missed; say what that usually means.
  if (/marker/i.test(m)) return `${m} (the file is truncated or corrupt)`;
  // A TypeError or RangeError is the decoder tripping over bytes it did not expect.
  if (e instanceof TypeError || e instanceof RangeError)
    return `the file is corrupt (the decoder failed: ${m.split('\n')[0]})`;
  return m.split('\n')[0];
}

function decodePng(bytes: Uint8Array, header: ImageHeader): Raster {
  // Keep 16-bit samples as they are (pngjs would round them to 8 bits); other depths come as 8.
  const sixteen = header.bitDepth === 16;
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    skipRescale: sixteen,
  });
  const data: Uint8Array | Uint16Array = sixteen
    ? (png.data as unknown as Uint16Array)
    : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  return { width: png.width, height: png.height, data, maxValue: sixteen ? 65535 : 255 };
}

function decodeJpeg(bytes: Uint8Array): Raster {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    tolerantDecoding: false,
    maxResolutionInMP: MAX_PIXELS / 1e6,
    maxMemoryUsageInMB: 4096,
  });
  return { width: img.width, height: img.height, data: img.data, maxValue: 255 };
}

/** Decodes PNG or JPEG bytes; `name` (a path) starts every error message. */
export function decodeImage(bytes: Uint8Array, name: string): Raster {
  let header: ImageHeader;
  try {
    header = readImageHeader(bytes);
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
  let raster: Raster;
  try {
    raster = header.format === 'png' ? decodePng(bytes, header) : decodeJpeg(bytes);
  } catch (e) {
    throw new Error(`${name}: cannot decode ${header.format.toUpperCase()}: ${decoderMessage(e)}`);
  }
  if (raster.width !== header.width || raster.height !== header.height) {
    throw new Error(`${name}: decoded size does not match the header`);
  }
  // Turn phone photos upright as their Exif orientation says (PNGs rarely carry one).
  return header.format === 'jpeg' ? applyOrientation(raster, jpegOrientation(bytes)) : raster;
}

/** Reads and decodes a PNG or JPEG file; any error names the file. */
export function readImage(path: string): Raster {
  return decodeImage(readFileOrThrow(path, 'image'), path);
}

/**
 * What `PNG.sync.write` reads (size, pixels, gamma), without constructing a `PNG`: the constructor
 * opens a zlib deflate stream for streaming output that is never closed, so each one kept about
 * 32 KB for good (writing 10,000 small PNGs grew RSS by 370 MB).
 */
function pngToWrite(width: number, height: number, pixels: Uint8Array): PNG {
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return { width, height, data, gamma: 0 } as Partial<PNG> as PNG;
}

/** An 8-bit grayscale PNG (colour type 0). */
export function encodeGrayPng(img: Gray8): Uint8Array {
  const png = pngToWrite(img.width, img.height, img.data);
  // pngjs tries all five row filters per row by default; on photo-sized pictures the Sub filter
  // alone is 2.5x faster for files about 10% larger.
  const filterType = img.width * img.height > 4_000_000 ? 1 : -1;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, filterType });
}

/** An 8-bit RGB PNG from RGB bytes (width * height * 3). */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const png = pngToWrite(width, height, rgb);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, bitDepth: 8 });
}

/** A baseline JPEG from RGBA bytes (width * height * 4), quality 1-100. */
export function encodeJpeg(
  width: number,
  height: number,
  rgba: Uint8Array,
  quality = 90,
): Uint8Array {
  return jpeg.encode({ width, height, data: rgba }, quality).data;
}

/** Writes a grayscale image as an 8-bit PNG, atomically. */
export function writeGrayPng(path: string, img: Gray8): void {
  writeFileAtomic(path, encodeGrayPng(img));
}
