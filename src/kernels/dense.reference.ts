/** Reference dense kernels: the sums written out by definition for tests to compare against. */
import type { FloatArray } from '../tensor/tensor.js';
import type { denseForward } from './dense.js';

export const denseForwardReference: typeof denseForward = (out, input, weights, bias, N, I, U) => {
  for (let n = 0; n < N; n++)
    for (let u = 0; u < U; u++) {
      let s = bias ? bias[u] : 0;
      for (let i = 0; i < I; i++) s += input[n * I + i] * weights[i * U + u];
      out[n * U + u] = s;
    }
};

export function denseBackwardReference(
  dIn: FloatArray,
  dWeights: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  weights: FloatArray,
  N: number,
  I: number,
  U: number,
): void {
  for (let n = 0; n < N; n++)
    for (let i = 0; i < I; i++) {
      let s = 0;
      for (let u = 0; u < U; u++) {
        s += dOut[n * U + u] * weights[i * U + u];
        dWeights[i * U + u] += input[n * I + i] * dOut[n * U + u];
      }
      dIn[n * I + i] = s;
    }
  if (dBias) for (let n = 0; n < N; n++) for (let u = 0; u < U; u++) dBias[u] += dOut[n * U + u];
}
