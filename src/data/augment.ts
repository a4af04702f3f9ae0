/**
 * Seeded data augmentation on a normalised NHWC batch: each image is shifted by a whole number
 * of pixels in [-maxShift, maxShift] per axis and rotated by an angle in
 * [-maxRotateDegrees, maxRotateDegrees] about its centre. Pixels that come from outside the image
 * take the background value (a zero byte after input scaling). Without rotation a shift is an
 * exact copy; with rotation the source is sampled bilinearly. augment.reference.ts is the
 * straightforward twin the tests compare with, bit for bit.
 */
import type { Random } from '../random/prng.js';
import type { FloatArray } from '../tensor/tensor.js';

/** Random transforms applied to each training image, drawn from the seeded generator. */
export interface AugmentConfig {
  maxShift: number;
  maxRotateDegrees: number;
}

export function augmentBatch(
  batch: FloatArray,
  scratch: FloatArray,
  n: number,
  h: number,
  w: number,
  c: number,
  config: AugmentConfig,
  background: number,
  rng: Random,
): void {
  const px = h * w * c;
  for (let b = 0; b < n; b++) {
    const { dx, dy, angle } = drawTransform(config, rng);
    if (dx === 0 && dy === 0 && angle === 0) continue;
    const off = b * px;
    scratch.set(batch.subarray(off, off + px), 0);
    const image = { out: batch, off, src: scratch, h, w, c, background };
    if (angle === 0) shiftImage(image, dx, dy);
    else rotateShiftImage(image, angle, dx, dy);
  }
}

/**
 * One image's transform: a whole-pixel shift and an angle (radians), drawn in a fixed order so a
 * run repeats whatever the config.
 */
export function drawTransform(
  config: AugmentConfig,
  rng: Random,
): { dx: number; dy: number; angle: number } {
  const s = config.maxShift;
  const dx = s > 0 ? rng.int(2 * s + 1) - s : 0;
  const dy = s > 0 ? rng.int(2 * s + 1) - s : 0;
  const angle =
    config.maxRotateDegrees > 0
      ? ((2 * rng.uniform() - 1) * config.maxRotateDegrees * Math.PI) / 180
      : 0;
  return { dx, dy, angle };
}

/** One image to transform: written to `out` from index `off`, read from its copy `src` (h x w x c);
 * pixels from outside the image take `background`. */
interface ImageInBatch {
  out: FloatArray;
  off: number;
  src: FloatArray;
  h: number;
  w: number;
  c: number;
  background: number;
}

function shiftImage(image: ImageInBatch, dx: number, dy: number): void {
  const { out, off, src, h, w, c, background } = image;
  const row = w * c;
  // Whole rows: the part of the source row that lands inside, background on either side.
  const x0 = Math.max(0, dx);
  const x1 = Math.min(w, w + dx);
  for (let y = 0; y < h; y++) {
    const o = off + y * row;
    const sy = y - dy;
    if (sy < 0 || sy >= h || x1 <= x0) {
      out.fill(background, o, o + row);
      continue;
    }
    out.fill(background, o, o + x0 * c);
    const from = (sy * w + x0 - dx) * c;
    for (let i = 0; i < (x1 - x0) * c; i++) out[o + x0 * c + i] = src[from + i];
    out.fill(background, o + x1 * c, o + row);
  }
}

/** Border of background around the padded source: reads this far outside need no checks. */
const PAD = 8;
/**
 * The source image inside a border of background, in float64 so that both the image's values
 * and the background (a float64 that float32 storage would round) are read back exactly.
 */
let padded = new Float64Array(0);

/** Output pixel (x, y) samples the source at the inverse rotation of (x - dx, y - dy). */
function rotateShiftImage(image: ImageInBatch, angle: number, dx: number, dy: number): void {
  const { out, off, src, h, w, c, background } = image;
  const pw = w + 2 * PAD;
  const size = (h + 2 * PAD) * pw * c;
  if (padded.length < size) padded = new Float64Array(size);
  const p = padded;
  p.fill(background, 0, size);
  for (let y = 0; y < h; y++) {
    const to = ((y + PAD) * pw + PAD) * c;
    const from = y * w * c;
    for (let i = 0; i < w * c; i++) p[to + i] = src[from + i];
  }
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const down = pw * c;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // The reference's arithmetic, step for step: the same bits.
      const ux = x - dx - cx;
      const uy = y - dy - cy;
      const sx = cos * ux + sin * uy + cx;
      const sy = -sin * ux + cos * uy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = off + (y * w + x) * c;
      if (x0 < -PAD || x0 >= w + PAD - 1 || y0 < -PAD || y0 >= h + PAD - 1) {
        // All four neighbours are outside the image (the border holds every nearer one).
        for (let k = 0; k < c; k++) {
          const top = background * (1 - fx) + background * fx;
          out[o + k] = top * (1 - fy) + top * fy;
        }
        continue;
      }
      const q = ((y0 + PAD) * pw + x0 + PAD) * c;
      for (let k = 0; k < c; k++) {
        const top = p[q + k] * (1 - fx) + p[q + c + k] * fx;
        const bottom = p[q + down + k] * (1 - fx) + p[q + down + c + k] * fx;
        out[o + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}
