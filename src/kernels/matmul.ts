/**
 * Register-tiled matrix products on flat row-major arrays: the hot loops under dense layers and
 * (through im2col) convolutions. Each accumulates into C (C += ...), as gradients accumulate;
 * callers zero or pre-fill C. Tiles of 2 rows x 4 columns keep eight sums in registers so each
 * loaded value is used more than once. `*Off` arguments are element offsets into the arrays, so
 * callers can work on one image of a batch without allocating views.
 *
 * When the WebAssembly SIMD kernels are available and all three arrays are float32 arrays in
 * the arena (see tensor/arena.ts), the product runs there (4-wide vectors, 4x8 tiles) instead;
 * anything else, float64 included, takes the TypeScript loops below.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { simdFor } from './wasm/simd.js';

/** C[M x N] += A[M x K] . B[K x N] */
export function matmulAccumulate(
  C: FloatArray,
  cOff: number,
  A: FloatArray,
  aOff: number,
  B: FloatArray,
  bOff: number,
  M: number,
  K: number,
  N: number,
): void {
  const simd = simdFor(C, A, B);
  if (simd !== null) {
    simd.gemmNN(C.byteOffset + 4 * cOff, A.byteOffset + 4 * aOff, B.byteOffset + 4 * bOff, M, K, N);
    return;
  }
  const N4 = N - (N % 4);
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = aOff + i * K;
    const a1 = a0 + K;
    const c0 = cOff + i * N;
    const c1 = c0 + N;
    let j = 0;
    for (; j < N4; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0; // prettier-ignore
      let b = bOff + j;
      for (let k = 0; k < K; k++, b += N) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const w0 = B[b];
        const w1 = B[b + 1];
        const w2 = B[b + 2];
        const w3 = B[b + 3];
        s00 += x0 * w0;
        s01 += x0 * w1;
        s02 += x0 * w2;
        s03 += x0 * w3;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s12 += x1 * w2;
        s13 += x1 * w3;
      }
      C[c0 + j] += s00;
      C[c0 + j + 1] += s01;
      C[c0 + j + 2] += s02;
      C[c0 + j + 3] += s03;
      C[c1 + j] += s10;
      C[c1 + j + 1] += s11;
      C[c1 + j + 2] += s12;
      C[c1 + j + 3] += s13;
    }
    for (; j < N; j++) {
      let s0 = 0;
      let s1 = 0;
      for (let k = 0, b = bOff + j; k < K; k++, b += N) {
        s0 += A[a0 + k] * B[b];
        s1 += A[a1 + k] * B[b];
      }
      C[c0 + j] += s0;
      C[c1 + j] += s1;
    }
  }
  if (i < M) {
    const a0 = aOff + i * K;
    const c0 = cOff + i * N;
    let j = 0;
    for (; j < N4; j += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0; // prettier-ignore
      for (let k = 0, b = bOff + j; k < K; k++, b += N) {
        const x = A[a0 + k];
        s0 += x * B[b];
        s1 += x * B[b + 1];
        s2 += x * B[b + 2];
        s3 += x * B[b + 3];
      }
      C[c0 + j] += s0;
      C[c0 + j + 1] += s1;
      C[c0 + j + 2] += s2;
      C[c0 + j + 3] += s3;
    }
    for (; j < N; j++) {
      let s = 0;
      for (let k = 0, b = bOff + j; k < K; k++, b += N) s += A[a0 + k] * B[b];
      C[c0 + j] += s;
    }
  }
}

/** C[K x N] += A[M x K]^T . B[M x N]  (weight gradients: inputs^T . dOut) */
export function matmulTransAAccumulate(
  C: FloatArray,
  cOff: number,
  A: FloatArray,
  aOff: number,
  B: FloatArray,
  bOff: number,
  M: number,
  K: number,
  N: number,
): void {
  const simd = simdFor(C, A, B);
  if (simd !== null) {
    simd.gemmTN(C.byteOffset + 4 * cOff, A.byteOffset + 4 * aOff, B.byteOffset + 4 * bOff, M, K, N);
    return;
  }
  const N4 = N - (N % 4);
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const c0 = cOff + k * N;
    const c1 = c0 + N;
    let j = 0;
    for (; j < N4; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0; // prettier-ignore
      let a = aOff + k;
      let b = bOff + j;
      for (let i = 0; i < M; i++, a += K, b += N) {
        const x0 = A[a];
        const x1 = A[a + 1];
        const d0 = B[b];
        const d1 = B[b + 1];
        const d2 = B[b + 2];
        const d3 = B[b + 3];
        s00 += x0 * d0;
        s01 += x0 * d1;
        s02 += x0 * d2;
        s03 += x0 * d3;
        s10 += x1 * d0;
        s11 += x1 * d1;
        s12 += x1 * d2;
        s13 += x1 * d3;
      }
      C[c0 + j] += s00;
      C[c0 + j + 1] += s01;
      C[c0 + j + 2] += s02;
      C[c0 + j + 3] += s03;
      C[c1 + j] += s10;
      C[c1 + j + 1] += s11;
      C[c1 + j + 2] += s12;
      C[c1 + j + 3] += s13;
    }
    for (; j < N; j++) {
      let s0 = 0;
      let s1 = 0;
      for (let i = 0, a = aOff + k, b = bOff + j; i < M; i++, a += K, b += N) {
        s0 += A[a] * B[b];
        s1 += A[a + 1] * B[b];
      }
      C[c0 + j] += s0;
      C[c1 + j] += s1;
    }
  }
  if (k < K) {
    const c0 = cOff + k * N;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0, a = aOff + k, b = bOff + j; i < M; i++, a += K, b += N) s += A[a] * B[b];
      C[c0 + j] += s;
    }
  }
}

/** C[M x P] += A[M x Q] . B[P x Q]^T  (input gradients: dOut . weights^T) */
export function matmulTransBAccumulate(
  C: FloatArray,
  cOff: number,
  A: FloatArray,
  aOff: number,
  B: FloatArray,
  bOff: number,
  M: number,
  Q: number,
  P: number,
): void {
  const simd = simdFor(C, A, B);
  if (simd !== null) {
    simd.gemmNT(C.byteOffset + 4 * cOff, A.byteOffset + 4 * aOff, B.byteOffset + 4 * bOff, M, Q, P);
    return;
  }
  const P4 = P - (P % 4);
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = aOff + i * Q;
    const a1 = a0 + Q;
    const c0 = cOff + i * P;
    const c1 = c0 + P;
    let p = 0;
    for (; p < P4; p += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0; // prettier-ignore
      const b0 = bOff + p * Q;
      const b1 = b0 + Q;
      const b2 = b1 + Q;
      const b3 = b2 + Q;
      for (let q = 0; q < Q; q++) {
        const x0 = A[a0 + q];
        const x1 = A[a1 + q];
        const w0 = B[b0 + q];
        const w1 = B[b1 + q];
        const w2 = B[b2 + q];
        const w3 = B[b3 + q];
        s00 += x0 * w0;
        s01 += x0 * w1;
        s02 += x0 * w2;
        s03 += x0 * w3;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s12 += x1 * w2;
        s13 += x1 * w3;
      }
      C[c0 + p] += s00;
      C[c0 + p + 1] += s01;
      C[c0 + p + 2] += s02;
      C[c0 + p + 3] += s03;
      C[c1 + p] += s10;
      C[c1 + p + 1] += s11;
      C[c1 + p + 2] += s12;
      C[c1 + p + 3] += s13;
    }
    for (; p < P; p++) {
      let s0 = 0;
      let s1 = 0;
      const b = bOff + p * Q;
      for (let q = 0; q < Q; q++) {
        s0 += A[a0 + q] * B[b + q];
        s1 += A[a1 + q] * B[b + q];
      }
      C[c0 + p] += s0;
      C[c1 + p] += s1;
    }
  }
  if (i < M) {
    const a0 = aOff + i * Q;
    const c0 = cOff + i * P;
    for (let p = 0; p < P; p++) {
      let s = 0;
      const b = bOff + p * Q;
      for (let q = 0; q < Q; q++) s += A[a0 + q] * B[b + q];
      C[c0 + p] += s;
    }
  }
}
