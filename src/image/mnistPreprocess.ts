/**
 * Making an arbitrary picture of one handwritten digit look like an MNIST image, following how
 * MNIST was made: white ink on black; the digit's bounding box scaled (aspect kept) so its longer
 * side is 20 pixels, anti-aliased; placed in a 28x28 field so its centre of mass is the centre.
 */

import { estimateBackground } from './background.js';
import { inkBoundingBox } from './inkBox.js';
import type { GrayImage } from './raster.js';
import { resizeArea } from './resize.js';

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;
/** Pixels brighter than this fraction of the brightest ink count towards the bounding box
 * (specks apart: see inkBox.ts). */
const BOX_THRESHOLD = 0.2;
/** Ink weaker than this fraction of the strongest is taken as noise and removed. */
const NOISE_FLOOR = 0.08;

/** A picture made to look like an MNIST image, and how it was read. */
export interface PreprocessedDigit {
  /** 28 * 28 bytes, 0 background, 255 ink, like an MNIST image. */
  readonly pixels: Uint8Array;
  /** True if the picture was dark ink on a light background and so was inverted. */
  readonly inverted: boolean;
  /** The digit's bounding box in the original picture. */
  readonly box: { x: number; y: number; width: number; height: number };
}

/** Mean of the outermost pixels, which a picture of one digit leaves as background. */
function borderMean(img: GrayImage): number {
  const { width: w, height: h, data } = img;
  let sum = 0;
  let n = 0;
  for (let x = 0; x < w; x++) {
    sum += data[x] + data[(h - 1) * w + x];
    n += 2;
  }
  for (let y = 1; y < h - 1; y++) {
    sum += data[y * w] + data[y * w + w - 1];
    n += 2;
  }
  return sum / n;
}

/**
 * Preprocesses a grayscale picture (0..255). `invert` 'auto' inverts when the border is lighter
 * than mid-gray, i.e. the digit is dark on light.
 */
export function preprocessDigit(
  img: GrayImage,
  invert: 'auto' | boolean = 'auto',
): PreprocessedDigit {
  const { width: w, height: h } = img;
  const inverted = invert === 'auto' ? borderMean(img) > 127.5 : invert;
  const ink = new Float32Array(w * h);
  for (let i = 0; i < ink.length; i++) ink[i] = inverted ? 255 - img.data[i] : img.data[i];
  // Ink as brightness above the local paper level, so gray paper, a dim photo or a shadow across
  // it becomes black.
  const paper = estimateBackground(ink, w, h);
  let peak = 0;
  for (let i = 0; i < ink.length; i++) {
    ink[i] = Math.max(0, ink[i] - paper[i]);
    if (ink[i] > peak) peak = ink[i];
  }
  if (peak < 8)
    throw new Error(
      'no digit found: the picture is blank (no ink darker or lighter than its border)',
    );
  // Paper grain and sensor noise survive as a faint haze; MNIST's background is exactly 0.
  const haze = NOISE_FLOOR * peak;
  for (let i = 0; i < ink.length; i++) ink[i] = Math.max(0, ink[i] - haze);
  peak -= haze;
  const found = inkBoundingBox(ink, w, h, BOX_THRESHOLD * peak);
  if (!found) throw new Error('no digit found: no ink above the threshold');
  const { x: x0, y: y0 } = found;
  const boxW = found.width;
  const boxH = found.height;
  const crop = new Float32Array(boxW * boxH);
  const gain = 255 / peak;
  for (let y = 0; y < boxH; y++) {
    for (let x = 0; x < boxW; x++) crop[y * boxW + x] = ink[(y0 + y) * w + x0 + x] * gain;
  }
  const longer = Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round((boxW * MNIST_BOX) / longer));
  const outH = Math.max(1, Math.round((boxH * MNIST_BOX) / longer));
  const small = resizeArea({ width: boxW, height: boxH, data: crop }, outW, outH);
  // Shrinking thins a fine pen stroke to faint gray; MNIST strokes reach full white, so restretch.
  let smallPeak = 0;
  for (const v of small.data) smallPeak = Math.max(smallPeak, v);
  for (let i = 0; i < small.data.length; i++) small.data[i] *= 255 / smallPeak;

  // Centre of mass in pixel-centre coordinates, moved to the field's centre (13.5, 13.5).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = small.data[y * outW + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const centre = (MNIST_SIZE - 1) / 2;
  const dx = Math.round(centre - mx / mass);
  const dy = Math.round(centre - my / mass);
  const pixels = new Uint8Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < outH; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= MNIST_SIZE) continue;
    for (let x = 0; x < outW; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= MNIST_SIZE) continue;
      pixels[ty * MNIST_SIZE + tx] = Math.min(255, Math.round(small.data[y * outW + x]));
    }
  }
  return { pixels, inverted, box: { x: x0, y: y0, width: boxW, height: boxH } };
}
