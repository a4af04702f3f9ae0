/**
 * The tutorial's Sobel filters (3.1.3.1, Figures 3 and 10) applied to an image with the library's
 * own conv kernel, `same` padding so the output keeps the input's size. Like the tutorial (and
 * most CNN code) this is cross-correlation: the filter is not flipped, so the vertical filter
 * gives a positive response where the image gets brighter to the right.
 */
import { grayscaleRows } from './grayscale.js';
import type { Raster } from './raster.js';
import { convolveSameInStrips, type RowSource } from './stripConv.js';

/** Responds to vertical edges (brightness changing left to right). */
export const SOBEL_VERTICAL = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];

/** Responds to horizontal edges (brightness changing top to bottom; bright above is positive). */
export const SOBEL_HORIZONTAL = [
  [1, 2, 1],
  [0, 0, 0],
  [-1, -2, -1],
];

/** Both filters as one HWIO conv weight [3, 3, 1, 2]: output channel 0 vertical, 1 horizontal. */
export function sobelFilters(): Float32Array {
  const w = new Float32Array(3 * 3 * 2);
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++) {
      w[(ky * 3 + kx) * 2] = SOBEL_VERTICAL[ky][kx];
      w[(ky * 3 + kx) * 2 + 1] = SOBEL_HORIZONTAL[ky][kx];
    }
  }
  return w;
}

/** The vertical and horizontal Sobel responses of a grayscale image. */
export interface SobelResult {
  readonly width: number;
  readonly height: number;
  /** Raw filter responses on the 0..255 gray scale, [height, width] each. */
  readonly vertical: Float32Array;
  readonly horizontal: Float32Array;
}

/** Sobel responses of a one-channel image given row by row (0..255 scale). */
export function sobelOfRows(
  source: RowSource,
  width: number,
  height: number,
  stripRows = 64,
): SobelResult {
  const vertical = new Float32Array(width * height);
  const horizontal = new Float32Array(width * height);
  const sink = (y0: number, y1: number, strip: Float32Array) => {
    const base = y0 * width;
    for (let i = 0, n = (y1 - y0) * width; i < n; i++) {
      vertical[base + i] = strip[2 * i];
      horizontal[base + i] = strip[2 * i + 1];
    }
  };
  convolveSameInStrips(source, width, height, sobelFilters(), 3, 2, sink, stripRows);
  return { width, height, vertical, horizontal };
}

/** Sobel responses of a decoded image, converted to BT.601 gray one strip at a time. */
export function sobel(raster: Raster, stripRows = 64): SobelResult {
  return sobelOfRows(
    (y0, y1, out) => grayscaleRows(raster, y0, y1, out),
    raster.width,
    raster.height,
    stripRows,
  );
}

/** Gradient magnitude sqrt(v^2 + h^2) per pixel. */
export function gradientMagnitude(s: SobelResult): Float32Array {
  const m = new Float32Array(s.vertical.length);
  for (let i = 0; i < m.length; i++) {
    const v = s.vertical[i];
    const h = s.horizontal[i];
    m[i] = Math.sqrt(v * v + h * h);
  }
  return m;
}
