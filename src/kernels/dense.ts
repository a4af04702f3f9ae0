/**
 * Fully connected kernels (the tutorial's `Softmax` layer without the softmax, 3.1.5 and 3.1.7).
 * input [N, I] (any trailing shape, flattened), weights [I, U], bias [U], output [N, U].
 */
import type { FloatArray } from '../tensor/tensor.js';
import { zeroRange } from './bulk.js';
import { addColumnSums } from './columnSums.js';
import { matmulAccumulate, matmulTransAAccumulate, matmulTransBAccumulate } from './matmul.js';

/** out = input . weights + bias. Overwrites out. */
export function denseForward(
  out: FloatArray,
  input: FloatArray,
  weights: FloatArray,
  bias: FloatArray | null,
  N: number,
  I: number,
  U: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let u = 0; u < U; u++) out[n * U + u] = bias ? bias[u] : 0;
  }
  matmulAccumulate(out, 0, input, 0, weights, 0, N, I, U);
}

/** dWeights += input^T . dOut, dBias += sum of dOut over the batch. Accumulates. */
export function denseBackwardParams(
  dWeights: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  N: number,
  I: number,
  U: number,
): void {
  matmulTransAAccumulate(dWeights, 0, input, 0, dOut, 0, N, I, U);
  if (dBias) addColumnSums(dBias, dOut, 0, N, U);
}

/** dIn = dOut . weights^T. Overwrites dIn. */
export function denseBackwardInput(
  dIn: FloatArray,
  dOut: FloatArray,
  weights: FloatArray,
  N: number,
  I: number,
  U: number,
): void {
  zeroRange(dIn, 0, N * I);
  matmulTransBAccumulate(dIn, 0, dOut, 0, weights, 0, N, U, I);
}
