/**
 * Images as plain arrays (browser-safe). A decoded file is a `Raster`: RGBA interleaved, row-major,
 * 8 or 16 bits per sample as the file had them, so 16-bit detail survives into the maths. Working
 * images are `GrayImage` floats on the 0..255 scale; images to be written are `Gray8` bytes.
 */

/** A decoded image: RGBA samples, 8 or 16 bits. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 samples: R, G, B, A. */
  readonly data: Uint8Array | Uint16Array;
  /** Largest sample value: 255 for 8-bit files, 65535 for 16-bit ones. */
  readonly maxValue: number;
}

/** A grayscale working image, floats on the 0..255 scale. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** width * height intensities, 0 = black, 255 = white (floats, not clamped). */
  readonly data: Float32Array;
}

/** A grayscale image as bytes, ready to be written. */
export interface Gray8 {
  readonly width: number;
  readonly height: number;
  /** width * height bytes, 0 = black. */
  readonly data: Uint8Array;
}

/** An 8-bit RGBA raster from a Gray8, e.g. to feed a grayscale picture back through a decoder path. */
export function rasterFromGray8(img: Gray8): Raster {
  const data = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    const v = img.data[i];
    data[4 * i] = v;
    data[4 * i + 1] = v;
    data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return { width: img.width, height: img.height, data, maxValue: 255 };
}
