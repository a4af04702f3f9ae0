/**
 * Making an arbitrary picture of one handwritten digit look like an MNIST image, following how
 * MNIST was made: white ink on black; the digit's bounding box scaled (aspect kept) so its longer
 * side is 20 pixels, anti-aliased; placed in a 28x28 field so its centre of mass is the centre.
 */

import { inkBoundingBox } from './inkBox.js';
import type { GrayImage } from './raster.js';
import { resizeArea } from './resize.js';

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;
/** Pixels brighter than this fraction of the brightest ink count towards the bounding box
 * (specks apart: see inkBox.ts). */
const BOX_THRESHOLD = 0.2;

export interface PreprocessedDigit {
  /** 28 * 28 bytes, 0 background, 255 ink, like an MNIST image. */
  readonly pixels: Uint8Array;
  /** True if the picture was dark ink on a light background and so was inverted. */
  readonly inverted: boolean;
  /** The digit's bounding box in the original picture. */
  readonly box: { x: number; y: number; width: number; height: number };
}

/** Mean and median of the outermost pixels, which a picture of one digit leaves as background. */
function borderStats(img: GrayImage): { mean: number; median: number } {
  const { width: w, height: h, data } = img;
  const values: number[] = [];
  for (let x = 0; x < w; x++) values.push(data[x], data[(h - 1) * w + x]);
  for (let y = 1; y < h - 1; y++) values.push(data[y * w], data[y * w + w - 1]);
  values.sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, median: values[values.length >> 1] };
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
  const border = borderStats(img);
  const inverted = invert === 'auto' ? border.mean > 127.5 : invert;
  // Ink as brightness above the background level, so gray paper or a dim photo becomes black.
  const background = inverted ? 255 - border.median : border.median;
  const ink = new Float32Array(w * h);
  let peak = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = (inverted ? 255 - img.data[i] : img.data[i]) - background;
    ink[i] = Math.max(0, v);
    if (ink[i] > peak) peak = ink[i];
  }
  if (peak < 8)
    throw new Error(
      'no digit found: the picture is blank (no ink darker or lighter than its border)',
    );
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
