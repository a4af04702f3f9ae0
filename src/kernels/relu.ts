/**
 * ReLU kernels over flat arrays of any shape. So small that they are their own reference: the
 * tests check them against TF.js and finite differences instead of a slower twin.
 */
import type { FloatArray } from '../tensor/tensor.js';

/** out = max(input, 0). Overwrites out. */
export function reluForward(out: FloatArray, input: FloatArray, length: number): void {
  for (let i = 0; i < length; i++) out[i] = Math.max(input[i], 0);
}

/** dIn = dOut where input > 0, else 0 (the subgradient at 0 is 0, as in TF.js). Overwrites dIn. */
export function reluBackward(
  dIn: FloatArray,
  dOut: FloatArray,
  input: FloatArray,
  length: number,
): void {
  for (let i = 0; i < length; i++) dIn[i] = input[i] > 0 ? dOut[i] : 0;
}
