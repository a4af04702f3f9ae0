/** Reference matrix products: the textbook triple loops the tiled kernels in matmul.ts must match. */
import type { FloatArray } from '../tensor/tensor.js';

/**
 * C[rows x cols] += a . b by definition, where a(i, k) = A[i * aRow + k * aInner] and
 * b(k, j) = B[k * bInner + j * bCol]: the strides say which operand is transposed.
 */
function tripleLoop(
  C: FloatArray,
  rows: number,
  inner: number,
  cols: number,
  A: FloatArray,
  [aRow, aInner]: [number, number],
  B: FloatArray,
  [bInner, bCol]: [number, number],
): void {
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += A[i * aRow + k * aInner] * B[k * bInner + j * bCol];
      C[i * cols + j] += s;
    }
}

type Product = (
  C: FloatArray,
  A: FloatArray,
  B: FloatArray,
  M: number,
  K: number,
  N: number,
) => void;

/** C[M x N] += A[M x K] . B[K x N] */
export const matmulAccumulateReference: Product = (C, A, B, M, K, N) =>
  tripleLoop(C, M, K, N, A, [K, 1], B, [N, 1]);

/** C[K x N] += A[M x K]^T . B[M x N] */
export const matmulTransAAccumulateReference: Product = (C, A, B, M, K, N) =>
  tripleLoop(C, K, M, N, A, [1, K], B, [N, 1]);

/** C[M x P] += A[M x Q] . B[P x Q]^T */
export const matmulTransBAccumulateReference: Product = (C, A, B, M, Q, P) =>
  tripleLoop(C, M, Q, P, A, [Q, 1], B, [1, Q]);
