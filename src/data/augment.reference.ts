/**
 * Reference augmentation: augment.ts's transforms written pixel by pixel, every source read
 * bounds-checked, for tests to compare the fast version with (the same draws, drawTransform,
 * and the same arithmetic, so the same bits).
 */
import type { Random } from '../random/prng.js';
import type { FloatArray } from '../tensor/tensor.js';
import { type AugmentConfig, drawTransform } from './augment.js';

/** augmentBatch of augment.ts, the straightforward way. */
export function augmentBatchReference(
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
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      for (let k = 0; k < c; k++) {
        out[off + (y * w + x) * c + k] = inside ? src[(sy * w + sx) * c + k] : background;
      }
    }
  }
}

/** Output pixel (x, y) samples the source at the inverse rotation of (x - dx, y - dy). */
function rotateShiftImage(image: ImageInBatch, angle: number, dx: number, dy: number): void {
  const { out, off, src, h, w, c, background } = image;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const at = (yy: number, xx: number, k: number) =>
    yy >= 0 && yy < h && xx >= 0 && xx < w ? src[(yy * w + xx) * c + k] : background;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ux = x - dx - cx;
      const uy = y - dy - cy;
      const sx = cos * ux + sin * uy + cx;
      const sy = -sin * ux + cos * uy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let k = 0; k < c; k++) {
        const top = at(y0, x0, k) * (1 - fx) + at(y0, x0 + 1, k) * fx;
        const bottom = at(y0 + 1, x0, k) * (1 - fx) + at(y0 + 1, x0 + 1, k) * fx;
        out[off + (y * w + x) * c + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}
