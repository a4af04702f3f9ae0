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
 * 8x8 JPEG block costs at least one bit of DC code; a file far below that has a lying header, and
 * decoders would allocate (and for JPEG, spend tens of seconds on) the size it claims.
 */
function minimumFileBytes(header: ImageHeader, pngChannels: number): number {
  const { width, height, bitDepth } = header;
  if (header.format === 'png') {
    const raw = height * (1 + Math.ceil((width * pngChannels * bitDepth) / 8));
    return Math.floor(raw / 1032);
  }
  return Math.floor((Math.ceil(width / 8) * Math.ceil(height / 8)) / 8);
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

/** Walks the JPEG markers up to the frame header (SOFn), which holds the size. */
function jpegHeader(b: Uint8Array): ImageHeader {
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
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (p + 9 > b.length) break;
      return {
        format: 'jpeg',
        bitDepth: b[p + 4],
        height: (b[p + 5] << 8) | b[p + 6],
        width: (b[p + 7] << 8) | b[p + 8],
      };
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
  if (isPng(bytes)) {
    header = pngHeader(bytes);
    channels = pngChannels(bytes[25]);
  } else if (isJpeg(bytes)) header = jpegHeader(bytes);
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
  const minimum = minimumFileBytes(header, channels);
  if (bytes.length < minimum) {
    throw new Error(
      `truncated or corrupt ${header.format.toUpperCase()}: its header claims ${width}x${height} pixels, which need at least ${minimum} bytes, but the file has ${bytes.length}`,
    );
  }
  return header;
}
