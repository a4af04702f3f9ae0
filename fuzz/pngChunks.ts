/**
 * A minimal PNG writer for fuzz seeds of the kinds pngjs cannot write: palettes, 1/2/4/16-bit
 * samples, gray with alpha, Adam7 interlacing. Scanlines hold random filter types and bytes,
 * which is valid PNG: any byte is a sample, and the filters only change which sample it is.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Random } from '../src/random/prng.js';
import type { SizeField } from './mutateBytes.js';

export interface PngOptions {
  width: number;
  height: number;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  /** 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  colorType: 0 | 2 | 3 | 4 | 6;
  interlaced: boolean;
  /** Palette entries (colour type 3); default 2^bitDepth. */
  paletteSize?: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** [x0, y0, dx, dy] of the seven Adam7 passes. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function scanlines(rng: Random, o: PngOptions, width: number, height: number): number[] {
  const bytesPerLine = Math.ceil((width * CHANNELS[o.colorType] * o.bitDepth) / 8);
  const out: number[] = [];
  if (width === 0) return out;
  for (let y = 0; y < height; y++) {
    out.push(rng.int(5));
    for (let i = 0; i < bytesPerLine; i++) out.push(rng.int(256));
  }
  return out;
}

/** A PNG file with random pixels, and its size fields (IHDR width and height, chunk lengths). */
export function randomPng(
  rng: Random,
  o: PngOptions,
): { bytes: Uint8Array; sizeFields: SizeField[] } {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, o.width);
  view.setUint32(4, o.height);
  ihdr.set([o.bitDepth, o.colorType, 0, 0, o.interlaced ? 1 : 0], 8);
  let raw: number[] = [];
  if (o.interlaced) {
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((o.width - x0) / dx);
      const h = Math.ceil((o.height - y0) / dy);
      if (w > 0 && h > 0) raw = raw.concat(scanlines(rng, o, w, h));
    }
  } else raw = scanlines(rng, o, o.width, o.height);
  const chunks = [chunk('IHDR', ihdr)];
  if (o.colorType === 3) {
    const n = o.paletteSize ?? 2 ** o.bitDepth;
    chunks.push(
      chunk(
        'PLTE',
        Uint8Array.from({ length: 3 * n }, () => rng.int(256)),
      ),
    );
    chunks.push(
      chunk(
        'tRNS',
        Uint8Array.from({ length: Math.min(n, 4) }, () => rng.int(256)),
      ),
    );
  }
  chunks.push(chunk('IDAT', deflateSync(Uint8Array.from(raw))));
  chunks.push(chunk('IEND', new Uint8Array(0)));
  const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const bytes = new Uint8Array(8 + chunks.reduce((s, c) => s + c.length, 0));
  bytes.set(signature);
  let off = 8;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.length;
  }
  return { bytes, sizeFields: pngSizeFields(bytes) };
}

/** Chunk lengths and the IHDR width and height of a PNG file. */
export function pngSizeFields(bytes: Uint8Array): SizeField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: SizeField[] = [
    { offset: 16, width: 4, littleEndian: false },
    { offset: 20, width: 4, littleEndian: false },
  ];
  for (let p = 8; p + 8 <= bytes.length; p += 12 + view.getUint32(p)) {
    fields.push({ offset: p, width: 4, littleEndian: false });
  }
  return fields;
}

/**
 * Rewrites every whole chunk's CRC (in place) so a damaged PNG gets past the checksum test and
 * into the decoder proper; returns how many chunks it fixed.
 */
export function fixPngCrcs(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fixed = 0;
  for (let p = 8; p + 12 <= bytes.length; ) {
    const length = view.getUint32(p);
    if (p + 12 + length > bytes.length) break;
    view.setUint32(p + 8 + length, crc32(bytes.subarray(p + 4, p + 8 + length)));
    fixed++;
    p += 12 + length;
  }
  return fixed;
}
