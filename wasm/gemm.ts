/**
 * Matrix products (GEMM), the f32 SIMD twins of src/kernels/matmul.ts: same maths, same
 * accumulate-into-C contract. Each variant here is only a loop order over the register tiles of
 * gemmTiles.ts: which tile sizes cover C, and in which order.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { tile1x1, tile1x4, tile1x8, tile4x1, tile4x4, tile4x8 } from './gemmTiles';

/** C[M x N] += A[M x K] . B[K x N] */
export function gemmNN(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void {
  gemmNNSegmented(c, a, b, M, (<usize>K) << 2, 1, K, 0, N);
}

/** C[K x N] += A[M x K]^T . B[M x N]  (weight gradients: inputs^T . dOut) */
export function gemmTN(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32): void {
  if (M < 4) {
    // A few rank-1 updates (a dense layer at batch size 1): one pass over C per sample beats
    // 4x8 tiles, whose set-up and column tails dominate when the reduction is this short.
    const N4 = N & ~3;
    const rowC = (<usize>N) << 2;
    for (let i = 0; i < M; i++) {
      const ai = a + <usize>i * ((<usize>K) << 2);
      const bi = b + <usize>i * rowC;
      let cp = c;
      for (let k = 0; k < K; k++, cp += rowC) {
        const x = load<f32>(ai + ((<usize>k) << 2));
        const xv = f32x4.splat(x);
        let j = 0;
        for (; j < N4; j += 4) {
          const o = (<usize>j) << 2;
          v128.store(cp + o, f32x4.add(v128.load(cp + o), f32x4.mul(xv, v128.load(bi + o))));
        }
        for (; j < N; j++) {
          const o = (<usize>j) << 2;
          store<f32>(cp + o, load<f32>(cp + o) + x * load<f32>(bi + o));
        }
      }
    }
    return;
  }
  gemmTNSegmented(c, a, b, 1, M, 0, (<usize>K) << 2, 1, K, 0, N);
}

/**
 * C[M x N] += A . B[K x N] where row i of A is `segs` runs of `segLen` floats, run s starting at
 * a + i*rowA + s*segStride (a plain GEMM: one run of K floats; a convolution: one run per kernel
 * row, read straight from the image).
 */
// @ts-ignore: decorator
@inline
export function gemmNNSegmented(
  c: usize,
  a: usize,
  b: usize,
  M: i32,
  rowA: usize,
  segs: i32,
  segLen: i32,
  segStride: usize,
  N: i32,
): void {
  // Wide B: walk it one 8-column block at a time so the block stays in L1 (conv layers,
  // ~25% faster). Narrow B (a 10-unit dense layer): keep each row tile of A in L1 instead.
  if (N >= 16) gemmNNColumnBlocks(c, a, b, M, rowA, segs, segLen, segStride, N);
  else gemmNNRowTiles(c, a, b, M, rowA, segs, segLen, segStride, N);
}

/**
 * gemmNNSegmented, column blocks outermost: one block of B (K x 8) stays in L1 while every row
 * tile of A streams past it.
 */
// @ts-ignore: decorator
@inline
function gemmNNColumnBlocks(
  c: usize,
  a: usize,
  b: usize,
  M: i32,
  rowA: usize,
  segs: i32,
  segLen: i32,
  segStride: usize,
  N: i32,
): void {
  const N8 = N & ~7;
  const N4 = N & ~3;
  const M4 = M & ~3;
  const rowB = (<usize>N) << 2;
  const rowC = (<usize>N) << 2;
  const rowA2 = 2 * rowA;
  const rowA3 = 3 * rowA;
  let j = 0;
  for (; j < N8; j += 8) {
    const bj = b + ((<usize>j) << 2);
    let i = 0;
    for (; i < M4; i += 4) {
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      const ai = a + <usize>i * rowA;
      tile4x8(cp, ai, bj, segs, segStride, segLen, 4, rowB, rowC, 0, rowA, rowA2, rowA3);
    }
    for (; i < M; i++) {
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      tile1x8(cp, a + <usize>i * rowA, bj, segs, segStride, segLen, 4, rowB);
    }
  }
  for (; j < N4; j += 4) {
    const bj = b + ((<usize>j) << 2);
    let i = 0;
    for (; i < M4; i += 4) {
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      const ai = a + <usize>i * rowA;
      tile4x4(cp, ai, bj, segs, segStride, segLen, 4, rowB, rowC, 0, rowA, rowA2, rowA3);
    }
    for (; i < M; i++) {
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      tile1x4(cp, a + <usize>i * rowA, bj, segs, segStride, segLen, 4, rowB);
    }
  }
  for (; j < N; j++) {
    const bj = b + ((<usize>j) << 2);
    for (let i = 0; i < M; i++) {
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      tile1x1(cp, a + <usize>i * rowA, bj, segs, segStride, segLen, 4, rowB);
    }
  }
}

/** gemmNNSegmented, row tiles outermost: each tile of A (4 rows) stays in L1 across all of B. */
// @ts-ignore: decorator
@inline
function gemmNNRowTiles(
  c: usize,
  a: usize,
  b: usize,
  M: i32,
  rowA: usize,
  segs: i32,
  segLen: i32,
  segStride: usize,
  N: i32,
): void {
  const N8 = N & ~7;
  const N4 = N & ~3;
  const rowB = (<usize>N) << 2;
  const rowC = (<usize>N) << 2;
  const rowA2 = 2 * rowA;
  const rowA3 = 3 * rowA;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let j = 0;
    for (; j < N8; j += 8) {
      const o = (<usize>j) << 2;
      tile4x8(c0 + o, a0, b + o, segs, segStride, segLen, 4, rowB, rowC, 0, rowA, rowA2, rowA3);
    }
    for (; j < N4; j += 4) {
      const o = (<usize>j) << 2;
      tile4x4(c0 + o, a0, b + o, segs, segStride, segLen, 4, rowB, rowC, 0, rowA, rowA2, rowA3);
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 2;
      tile4x1(c0 + o, a0, b + o, segs, segStride, segLen, 4, rowB, rowC, 0, rowA, rowA2, rowA3);
    }
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let j = 0;
    for (; j < N8; j += 8) {
      const o = (<usize>j) << 2;
      tile1x8(c0 + o, a0, b + o, segs, segStride, segLen, 4, rowB);
    }
    for (; j < N4; j += 4) {
      const o = (<usize>j) << 2;
      tile1x4(c0 + o, a0, b + o, segs, segStride, segLen, 4, rowB);
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 2;
      tile1x1(c0 + o, a0, b + o, segs, segStride, segLen, 4, rowB);
    }
  }
}

/** Byte offset of element k within a segmented A row (see gemmNNSegmented). */
// @ts-ignore: decorator
@inline
function segOffset(k: i32, segLen: i32, segStride: usize): usize {
  return <usize>(k / segLen) * segStride + ((<usize>(k % segLen)) << 2);
}

/**
 * C[K x N] += A^T . B where the rows of A are pixels (r, q), r < R, q < Q, row (r, q) starting at
 * a + r*rowStride + q*pixelStride and segmented as in gemmNNSegmented; B is [R*Q x N]. Row tiles
 * of C (4 elements of a pixel) outermost.
 */
// @ts-ignore: decorator
@inline
export function gemmTNSegmented(
  c: usize,
  a: usize,
  b: usize,
  R: i32,
  Q: i32,
  rowStride: usize,
  pixelStride: usize,
  segs: i32,
  segLen: i32,
  segStride: usize,
  N: i32,
): void {
  const K = segs * segLen;
  const N8 = N & ~7;
  const N4 = N & ~3;
  const rowB = (<usize>N) << 2;
  const rowC = (<usize>N) << 2;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const c0 = c + <usize>k * rowC;
    const o0 = segOffset(k, segLen, segStride);
    const o1 = segOffset(k + 1, segLen, segStride);
    const o2 = segOffset(k + 2, segLen, segStride);
    const o3 = segOffset(k + 3, segLen, segStride);
    let j = 0;
    for (; j < N8; j += 8) {
      const o = (<usize>j) << 2;
      tile4x8(c0 + o, a, b + o, R, rowStride, Q, pixelStride, rowB, rowC, o0, o1, o2, o3);
    }
    for (; j < N4; j += 4) {
      const o = (<usize>j) << 2;
      tile4x4(c0 + o, a, b + o, R, rowStride, Q, pixelStride, rowB, rowC, o0, o1, o2, o3);
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 2;
      tile4x1(c0 + o, a, b + o, R, rowStride, Q, pixelStride, rowB, rowC, o0, o1, o2, o3);
    }
  }
  for (; k < K; k++) {
    const c0 = c + <usize>k * rowC;
    const o0 = segOffset(k, segLen, segStride);
    let j = 0;
    for (; j < N8; j += 8) {
      const o = (<usize>j) << 2;
      tile1x8(c0 + o, a + o0, b + o, R, rowStride, Q, pixelStride, rowB);
    }
    for (; j < N4; j += 4) {
      const o = (<usize>j) << 2;
      tile1x4(c0 + o, a + o0, b + o, R, rowStride, Q, pixelStride, rowB);
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 2;
      tile1x1(c0 + o, a + o0, b + o, R, rowStride, Q, pixelStride, rowB);
    }
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** C[M x P] += A[M x Q] . B[P x Q]^T  (input gradients: dOut . weights^T) */
export function gemmNT(c: usize, a: usize, b: usize, M: i32, Q: i32, P: i32): void {
  const Q4 = Q & ~3;
  const rowA = (<usize>Q) << 2;
  const rowB = (<usize>Q) << 2;
  const rowC = (<usize>P) << 2;
  const P4 = P & ~3;
  for (let i = 0; i < M; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let p = 0;
    for (; p < P4; p += 4) {
      const b0 = b + <usize>p * rowB;
      const b1 = b0 + rowB;
      const b2 = b1 + rowB;
      const b3 = b2 + rowB;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let q = 0;
      for (; q < Q4; q += 4) {
        const qq = (<usize>q) << 2;
        const x = v128.load(a0 + qq);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b0 + qq)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + qq)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + qq)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + qq)));
      }
      let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (; q < Q; q++) {
        const qq = (<usize>q) << 2;
        const x = load<f32>(a0 + qq);
        t0 += x * load<f32>(b0 + qq);
        t1 += x * load<f32>(b1 + qq);
        t2 += x * load<f32>(b2 + qq);
        t3 += x * load<f32>(b3 + qq);
      }
      const cp = c0 + ((<usize>p) << 2);
      store<f32>(cp, load<f32>(cp) + t0);
      store<f32>(cp, load<f32>(cp, 4) + t1, 4);
      store<f32>(cp, load<f32>(cp, 8) + t2, 8);
      store<f32>(cp, load<f32>(cp, 12) + t3, 12);
    }
    for (; p < P; p++) {
      const b0 = b + <usize>p * rowB;
      let s0 = f32x4.splat(0);
      let q = 0;
      for (; q < Q4; q += 4) {
        const qq = (<usize>q) << 2;
        s0 = f32x4.add(s0, f32x4.mul(v128.load(a0 + qq), v128.load(b0 + qq)));
      }
      let t0 = hsum(s0);
      for (; q < Q; q++) t0 += load<f32>(a0 + ((<usize>q) << 2)) * load<f32>(b0 + ((<usize>q) << 2));
      const cp = c0 + ((<usize>p) << 2);
      store<f32>(cp, load<f32>(cp) + t0);
    }
  }
}
