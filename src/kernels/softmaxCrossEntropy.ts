/**
 * Softmax and cross-entropy fused into one stable kernel (tutorial 3.1.5.2 and 3.1.7).
 * Per sample: loss = logsumexp(z) - z[label] with the max subtracted before exp, so large logits
 * neither overflow nor produce NaN; the gradient of the loss with respect to the logits is
 * p - onehot(label), which is what the tutorial's chain rule (dL/dout * dout/dt) simplifies to.
 * logits, probs and dLogits are [N, C]; dLogits is scaled by `gradScale` (1/N for a batch mean).
 * Returns the SUM of the per-sample losses.
 */
import type { FloatArray } from '../tensor/tensor.js';

/** Softmax probabilities, the summed cross-entropy loss and (if dLogits is given) its gradient, for a batch of logits. */
export function softmaxCrossEntropy(
  probs: FloatArray,
  dLogits: FloatArray | null,
  logits: FloatArray,
  labels: ArrayLike<number>,
  N: number,
  C: number,
  gradScale: number,
): number {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const off = n * C;
    let max = logits[off];
    for (let c = 1; c < C; c++) if (logits[off + c] > max) max = logits[off + c];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(logits[off + c] - max);
      probs[off + c] = e;
      sum += e;
    }
    const label = labels[n];
    total += Math.log(sum) + max - logits[off + label];
    const inv = 1 / sum;
    for (let c = 0; c < C; c++) probs[off + c] *= inv;
    if (dLogits) {
      for (let c = 0; c < C; c++)
        dLogits[off + c] = (probs[off + c] - (c === label ? 1 : 0)) * gradScale;
    }
  }
  return total;
}
