/** Class probabilities for one image: the model's logits through a numerically stable softmax. */
import type { Sequential } from '../model/sequential.js';
import { allocate, release } from '../tensor/tensor.js';

export interface ClassProbability {
  label: number;
  probability: number;
}

/** softmax(z) computed as exp(z - max z) / sum, so large logits cannot overflow. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const e = Array.from(logits, (z) => Math.exp(z - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/** Probabilities of every class for one image given as stored bytes (HWC, scaled per the spec). */
export function classify(model: Sequential, pixels: Uint8Array): number[] {
  const { shape, scale, offset } = model.spec.input;
  if (pixels.length !== shape[0] * shape[1] * shape[2]) {
    throw new Error(`the model takes ${shape.join('x')} images, got ${pixels.length} values`);
  }
  const x = allocate(model.dtype, pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] * scale + offset;
  try {
    const logits = model.forward({ shape: [1, ...shape], data: x }, false);
    return softmax(logits.data);
  } finally {
    // Per-call scratch: back to the arena now, not at some later garbage collection.
    release(x);
  }
}

/** The k most probable classes, most probable first (ties: lower label first). */
export function topK(probabilities: readonly number[], k: number): ClassProbability[] {
  return probabilities
    .map((probability, label) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability || a.label - b.label)
    .slice(0, k);
}
