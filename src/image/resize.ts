/**
 * Resizing by area averaging: each output pixel is the mean of the source area it covers, with
 * partial pixels weighted by their overlap. Shrinking a 280-pixel digit to 20 pixels this way
 * anti-aliases the strokes the way MNIST's own normalisation did; it also works for enlarging.
 */
import type { GrayImage } from './raster.js';

interface Tap {
  index: number;
  weight: number;
}

/** For each of `dst` output positions, the source positions it covers and their weights. */
function areaTaps(src: number, dst: number): Tap[][] {
  const scale = src / dst;
  const taps: Tap[][] = [];
  for (let o = 0; o < dst; o++) {
    const start = o * scale;
    const end = start + scale;
    const row: Tap[] = [];
    for (let i = Math.floor(start); i < Math.min(src, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 0) row.push({ index: i, weight: overlap / scale });
    }
    taps.push(row);
  }
  return taps;
}

export function resizeArea(img: GrayImage, width: number, height: number): GrayImage {
  if (width < 1 || height < 1) throw new Error(`cannot resize to ${width}x${height}`);
  const xTaps = areaTaps(img.width, width);
  const yTaps = areaTaps(img.height, height);
  // Rows first, then columns: the separable form of the 2-D area average.
  const rows = new Float32Array(img.height * width);
  for (let y = 0; y < img.height; y++) {
    const src = y * img.width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (const t of xTaps[x]) s += img.data[src + t.index] * t.weight;
      rows[y * width + x] = s;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (const t of yTaps[y]) {
      const src = t.index * width;
      for (let x = 0; x < width; x++) out[y * width + x] += rows[src + x] * t.weight;
    }
  }
  return { width, height, data: out };
}
