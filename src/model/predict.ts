/**
 * Class probabilities from raw pixel bytes (browser-safe). `Sequential.predict` takes a batch
 * already scaled for the network; `predictPixels` takes the bytes as an image or an IDX file
 * stores them and applies the model's own input scaling, as training did.
 */
import { allocate, release, sizeOf } from '../tensor/tensor.js';
import type { Sequential } from './sequential.js';

/** Images per forward pass: bounds the memory of a large call. */
const CHUNK = 100;

/** softmax(z) computed as exp(z - max z) / sum, so large logits cannot overflow. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const e = Array.from(logits, (z) => Math.exp(z - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/**
 * Probabilities of every class for each image in `pixels`: N images of the model's input shape
 * (HWC, e.g. 28 * 28 bytes each for MNIST), values as stored (0..255). Each byte is scaled by the
 * spec's input `scale` and `offset` (the tutorial's `x / 255 - 0.5`), then the model runs in
 * inference mode. Returns one row of probabilities per image, summing to 1.
 */
export function predictPixels(model: Sequential, pixels: ArrayLike<number>): number[][] {
  const { shape, scale, offset } = model.spec.input;
  const size = sizeOf(shape);
  if (pixels.length === 0 || pixels.length % size !== 0) {
    throw new Error(
      `the model takes ${shape.join('x')} images (${size} values each), got ${pixels.length} values`,
    );
  }
  const count = pixels.length / size;
  const rows: number[][] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const n = Math.min(CHUNK, count - start);
    const x = allocate(model.dtype, n * size);
    for (let i = 0, j = start * size; i < x.length; i++, j++) x[i] = pixels[j] * scale + offset;
    try {
      const logits = model.forward({ shape: [n, ...shape], data: x }, false);
      const classes = logits.shape[1];
      for (let b = 0; b < n; b++) {
        rows.push(softmax(logits.data.subarray(b * classes, (b + 1) * classes)));
      }
    } finally {
      // Per-call scratch: back to the arena now, not at some later garbage collection.
      release(x);
    }
  }
  return rows;
}
