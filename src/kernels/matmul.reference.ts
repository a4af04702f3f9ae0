/** Reference matrix products: the textbook triple loops the tiled kernels in matmul.ts must match. */
import type { FloatArray } from '../tensor/tensor.js';

/** C[M x N] += A[M x K] . B[K x N] */
export function matmulAccumulateReference(
  C: FloatArray,
  A: FloatArray,
  B: FloatArray,
  M: number,
  K: number,
  N: number,
): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
      C[i * N + j] += s;
    }
}

/** C[K x N] += A[M x K]^T . B[M x N] */
export function matmulTransAAccumulateReference(
  C: FloatArray,
  A: FloatArray,
  B: FloatArray,
  M: number,
  K: number,
  N: number,
): void {
  for (let k = 0; k < K; k++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += A[i * K + k] * B[i * N + j];
      C[k * N + j] += s;
    }
}

/** C[M x P] += A[M x Q] . B[P x Q]^T */
export function matmulTransBAccumulateReference(
  C: FloatArray,
  A: FloatArray,
  B: FloatArray,
  M: number,
  Q: number,
  P: number,
): void {
  for (let i = 0; i < M; i++)
    for (let p = 0; p < P; p++) {
      let s = 0;
      for (let q = 0; q < Q; q++) s += A[i * Q + q] * B[p * Q + q];
      C[i * P + p] += s;
    }
}
