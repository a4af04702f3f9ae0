/**
 * Reading an image file's format and size from its first bytes (browser-safe), so absurd or broken
 * files are refused with a clear message BEFORE a decoder allocates width * height * 4 bytes.
 */

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Bits per sample (PNG: 1, 2, 4, 8 or 16; JPEG: usually 8). */
  bitDepth: number;
}

/**
 * The fewest bytes a genuine file of this size can have. deflate shrinks at most 1032:1, and every
 * 8x8 block of every JPEG component costs at least one bit of DC code; a file far below that has a lying header, and
 * decoders would allocate (and for JPEG, spend tens of seconds on) the size it claims.
 */
function minimumFileBytes(header: ImageHeader, pngChannels: number, jpegBlocks: number): number {
  const { width, height, bitDepth } = header;
  if (header.format === 'png') {
    const raw = height * (1 + Math.ceil((width * pngChannels * bitDepth) / 8));
    return Math.floor(raw / 1032);
  }
  return Math.floor(jpegBlocks / 8);
}

/** 100 megapixels: a 4000x3000 photo is 12; decoding 100 already takes about 0.5-1 GB. */
export const MAX_PIXELS = 100_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function pngHeader(b: Uint8Array): ImageHeader {
  if (b.length < 33) throw new Error('truncated PNG (the file ends inside its header)');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = String.fromCharCode(b[12], b[13], b[14], b[15]);
  if (type !== 'IHDR') throw new Error('corrupt PNG (the first chunk is not IHDR)');
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), bitDepth: b[24] };
}

/** Samples per pixel of a PNG colour type (palette indices count as one). */
function pngChannels(colorType: number): number {
  return [1, 0, 3, 1, 2, 0, 4][colorType] ?? 1;
}

const isFrameMarker = (m: number) =>
  m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** Where the marker after the entropy-coded data that starts at `p` is (end of file if none). */
function afterScan(b: Uint8Array, p: number): number {
  // In scan data 0xFF is followed by 0x00 (a stuffed byte) or a restart marker; anything else ends it.
  while (
    p + 1 < b.length &&
    !(b[p] === 0xff && b[p + 1] !== 0 && (b[p + 1] < 0xd0 || b[p + 1] > 0xd7))
  )
    p++;
  return p;
}

/**
 * True if a second frame header follows the first (a file holds one; decoders allocate for each,
 * at whatever size it claims, which the checks here never saw).
 */
function hasSecondFrame(b: Uint8Array, p: number): boolean {
  while (p + 4 <= b.length && b[p] === 0xff) {
    const marker = b[p + 1];
    if (
      marker === 0xff ||
      marker === 0xd8 ||
      marker === 0x01 ||
      (marker >= 0xd0 && marker <= 0xd7)
    ) {
      p += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) return false;
    if (isFrameMarker(marker)) return true;
    const length = (b[p + 2] << 8) | b[p + 3];
    if (length < 2) return false;
    p += 2 + length;
    if (marker === 0xda) p = afterScan(b, p);
  }
  return false;
}

/**
 * Walks the JPEG markers up to the frame header (SOFn), which holds the size and the components;
 * returns the header and the number of 8x8 blocks the components hold.
 */
function jpegHeader(b: Uint8Array): { header: ImageHeader; blocks: number } {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) throw new Error('corrupt JPEG (expected a marker)');
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9) break;
    const length = (b[p + 2] << 8) | b[p + 3];
    if (isFrameMarker(marker)) {
      const components = b[p + 9];
      if (p + 10 + 3 * components > b.length) break;
      if (components < 1 || components > 4)
        throw new Error(`corrupt JPEG (${components} colour components, expected 1 to 4)`);
      // Sampling factors are 1 to 4 (ITU T.81 B.2.2); each multiplies the blocks a decoder holds.
      let hMax = 1;
      let vMax = 1;
      let blocksPerUnit = 0;
      for (let i = 0; i < components; i++) {
        const h = b[p + 11 + 3 * i] >> 4;
        const v = b[p + 11 + 3 * i] & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4)
          throw new Error(`corrupt JPEG (sampling factors ${h}x${v}, expected 1 to 4)`);
        hMax = Math.max(hMax, h);
        vMax = Math.max(vMax, v);
        blocksPerUnit += h * v;
      }
      if (hasSecondFrame(b, p + 2 + length))
        throw new Error('corrupt JPEG (a second frame header)');
      const header: ImageHeader = {
        format: 'jpeg',
        bitDepth: b[p + 4],
        height: (b[p + 5] << 8) | b[p + 6],
        width: (b[p + 7] << 8) | b[p + 8],
      };
      const units = Math.ceil(header.width / 8 / hMax) * Math.ceil(header.height / 8 / vMax);
      return { header, blocks: units * blocksPerUnit };
    }
    if (length < 2) throw new Error('corrupt JPEG (bad segment length)');
    p += 2 + length;
  }
  throw new Error('truncated JPEG (no frame header with the image size)');
}

/** Format and size of a PNG or JPEG, checked: non-zero and at most MAX_PIXELS. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  let header: ImageHeader;
  let channels = 1;
  let blocks = 0;
  if (isPng(bytes)) {
    header = pngHeader(bytes);
    channels = pngChannels(bytes[25]);
  } else if (isJpeg(bytes)) ({ header, blocks } = jpegHeader(bytes));
  else throw new Error('not a PNG or JPEG image');
  const { width, height } = header;
  if (width === 0 || height === 0) {
    throw new Error(`image is ${width}x${height}: it has no pixels`);
  }
  if (width * height > MAX_PIXELS) {
    throw new Error(
      `image is ${width}x${height} = ${Math.round((width * height) / 1e6)} megapixels, more than the limit of ${MAX_PIXELS / 1e6}`,
    );
  }
  const minimum = minimumFileBytes(header, channels, blocks);
  if (bytes.length < minimum) {
    throw new Error(
      `truncated or corrupt ${header.format.toUpperCase()}: its header claims ${width}x${height} pixels, which need at least ${minimum} bytes, but the file has ${bytes.length}`,
    );
  }
  return header;
}
