/**
 * Colour to grayscale, one formula everywhere: ITU-R BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B
 * on samples scaled to 0..255, with transparency composited over white (a drawing on a transparent
 * canvas reads as ink on paper). Works a band of rows at a time so huge photos need no full copy.
 */
import type { GrayImage, Raster } from './raster.js';

export const LUMA_R = 0.299;
export const LUMA_G = 0.587;
export const LUMA_B = 0.114;

/** Writes the gray values of rows [y0, y1) into out (at outOffset), row-major. */
export function grayscaleRows(
  raster: Raster,
  y0: number,
  y1: number,
  out: Float32Array | Float64Array,
  outOffset = 0,
): void {
  const { data, width } = raster;
  const toByteScale = 255 / raster.maxValue;
  const alphaScale = 1 / raster.maxValue;
  let o = outOffset;
  for (let p = y0 * width * 4, end = y1 * width * 4; p < end; p += 4) {
    const luma = (LUMA_R * data[p] + LUMA_G * data[p + 1] + LUMA_B * data[p + 2]) * toByteScale;
    const alpha = data[p + 3] * alphaScale;
    out[o++] = luma * alpha + 255 * (1 - alpha);
  }
}

/** A grayscale image (BT.601 luma, transparency over white) from a decoded RGBA image. */
export function grayscale(raster: Raster): GrayImage {
  const data = new Float32Array(raster.width * raster.height);
  grayscaleRows(raster, 0, raster.height, data);
  return { width: raster.width, height: raster.height, data };
}
