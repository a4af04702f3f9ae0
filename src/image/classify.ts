/** Class probabilities for one image: the model's logits through a numerically stable softmax. */
import { predictPixels } from '../model/predict.js';
import type { Sequential } from '../model/sequential.js';

export { softmax } from '../model/predict.js';

/** One class and its probability. */
export interface ClassProbability {
  label: number;
  probability: number;
}

/** Probabilities of every class for one image given as stored bytes (HWC, scaled per the spec). */
export function classify(model: Sequential, pixels: Uint8Array): number[] {
  const { shape } = model.spec.input;
  if (pixels.length !== shape[0] * shape[1] * shape[2]) {
    throw new Error(`the model takes ${shape.join('x')} images, got ${pixels.length} values`);
  }
  return predictPixels(model, pixels)[0];
}

/** The k most probable classes, most probable first (ties: lower label first). */
export function topK(probabilities: readonly number[], k: number): ClassProbability[] {
  return probabilities
    .map((probability, label) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability || a.label - b.label)
    .slice(0, k);
}
