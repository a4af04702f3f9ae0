/**
 * Matrix products (GEMM), the f32 SIMD twins of src/kernels/matmul.ts: same maths, same
 * accumulate-into-C contract. Each variant here is only a loop order over the register tile of
 * gemmTiles.ts: which tile sizes cover C, and in which order.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { tile } from './gemmTiles';
import { madd } from './madd';

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
          v128.store(cp + o, madd(xv, v128.load(bi + o), v128.load(cp + o), true));
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
  const rowB = (<usize>N) << 2;
  let j = 0;
  for (; j < N8; j += 8) {
    const o = (<usize>j) << 2;
    columnBand(8, c + o, a, b + o, M, rowA, segs, segLen, segStride, rowB);
  }
  for (; j < N4; j += 4) {
    const o = (<usize>j) << 2;
    columnBand(4, c + o, a, b + o, M, rowA, segs, segLen, segStride, rowB);
  }
  for (; j < N; j++) {
    const o = (<usize>j) << 2;
    columnBand(1, c + o, a, b + o, M, rowA, segs, segLen, segStride, rowB);
  }
}

/** `cols` columns of C (from cj, B's from bj) down all M rows: 4-row tiles, then single rows. */
// @ts-ignore: decorator
@inline
function columnBand(
  cols: i32,
  cj: usize,
  a: usize,
  bj: usize,
  M: i32,
  rowA: usize,
  segs: i32,
  segLen: i32,
  segStride: usize,
  rowB: usize,
): void {
  const rowC = rowB; // C and B are both N wide
  const M4 = M & ~3;
  const rowA2 = 2 * rowA;
  const rowA3 = 3 * rowA;
  let i = 0;
  for (; i < M4; i += 4) {
    const ai = a + <usize>i * rowA;
    const cp = cj + <usize>i * rowC;
    tile(4, cols, cp, ai, bj, segs, segStride, segLen, 4, rowB, rowC, 0, rowA, rowA2, rowA3);
  }
  for (; i < M; i++) {
    const ai = a + <usize>i * rowA;
    tile(1, cols, cj + <usize>i * rowC, ai, bj, segs, segStride, segLen, 4, rowB, rowC, 0, 0, 0, 0);
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
  const rowC = (<usize>N) << 2;
  const rowA2 = 2 * rowA;
  const rowA3 = 3 * rowA;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const ai = a + <usize>i * rowA;
    const ci = c + <usize>i * rowC;
    rowBand(4, ci, ai, b, N, segs, segStride, segLen, 4, 0, rowA, rowA2, rowA3);
  }
  for (; i < M; i++) {
    rowBand(1, c + <usize>i * rowC, a + <usize>i * rowA, b, N, segs, segStride, segLen, 4, 0, 0, 0, 0);
  }
}

/**
 * `rows` rows of C (from ci) across all N columns: 8-column tiles, then 4, then single columns.
 * The reduction and o0..o3 are as in tile(); B is [K x N] from b.
 */
// @ts-ignore: decorator
@inline
function rowBand(
  rows: i32,
  ci: usize,
  a: usize,
  b: usize,
  N: i32,
  outer: i32,
  outerStride: usize,
  inner: i32,
  innerStride: usize,
  o0: usize,
  o1: usize,
  o2: usize,
  o3: usize,
): void {
  const N8 = N & ~7;
  const N4 = N & ~3;
  const rowB = (<usize>N) << 2;
  const rowC = rowB;
  let j = 0;
  for (; j < N8; j += 8) {
    const o = (<usize>j) << 2;
    tile(rows, 8, ci + o, a, b + o, outer, outerStride, inner, innerStride, rowB, rowC, o0, o1, o2, o3);
  }
  for (; j < N4; j += 4) {
    const o = (<usize>j) << 2;
    tile(rows, 4, ci + o, a, b + o, outer, outerStride, inner, innerStride, rowB, rowC, o0, o1, o2, o3);
  }
  for (; j < N; j++) {
    const o = (<usize>j) << 2;
    tile(rows, 1, ci + o, a, b + o, outer, outerStride, inner, innerStride, rowB, rowC, o0, o1, o2, o3);
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
  const rowC = (<usize>N) << 2;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o0 = segOffset(k, segLen, segStride);
    const o1 = segOffset(k + 1, segLen, segStride);
    const o2 = segOffset(k + 2, segLen, segStride);
    const o3 = segOffset(k + 3, segLen, segStride);
    rowBand(4, c + <usize>k * rowC, a, b, N, R, rowStride, Q, pixelStride, o0, o1, o2, o3);
  }
  for (; k < K; k++) {
    const o0 = segOffset(k, segLen, segStride);
    rowBand(1, c + <usize>k * rowC, a, b, N, R, rowStride, Q, pixelStride, o0, 0, 0, 0);
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
  const rowA = (<usize>Q) << 2;
  const rowB = (<usize>Q) << 2;
  const rowC = (<usize>P) << 2;
  for (let i = 0; i < M; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let p = 0;
    for (; p + 4 <= P; p += 4) dotRows(4, c0 + ((<usize>p) << 2), a0, b + <usize>p * rowB, rowB, Q);
    for (; p < P; p++) dotRows(1, c0 + ((<usize>p) << 2), a0, b + <usize>p * rowB, rowB, Q);
  }
}

/**
 * C[cp .. cp + 4*rows) += the dot products of the A row at a0 with `rows` (1 or 4) rows of B
 * from b0, rowB bytes apart, all Q floats long: 4 lanes at a time, then the tail.
 */
// @ts-ignore: decorator
@inline
function dotRows(rows: i32, cp: usize, a0: usize, b0: usize, rowB: usize, Q: i32): void {
  const b1 = b0 + rowB;
  const b2 = b1 + rowB;
  const b3 = b2 + rowB;
  const zero = f32x4.splat(0);
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
  let q = 0;
  for (; q + 4 <= Q; q += 4) {
    const qq = (<usize>q) << 2;
    const x = v128.load(a0 + qq);
    s0 = madd(x, v128.load(b0 + qq), s0, false);
    if (rows == 4) {
      s1 = madd(x, v128.load(b1 + qq), s1, false);
      s2 = madd(x, v128.load(b2 + qq), s2, false);
      s3 = madd(x, v128.load(b3 + qq), s3, false);
    }
  }
  let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
  for (; q < Q; q++) {
    const qq = (<usize>q) << 2;
    const x = load<f32>(a0 + qq);
    t0 += x * load<f32>(b0 + qq);
    if (rows == 4) {
      t1 += x * load<f32>(b1 + qq);
      t2 += x * load<f32>(b2 + qq);
      t3 += x * load<f32>(b3 + qq);
    }
  }
  store<f32>(cp, load<f32>(cp) + t0);
  if (rows == 4) {
    store<f32>(cp, load<f32>(cp, 4) + t1, 4);
    store<f32>(cp, load<f32>(cp, 8) + t2, 8);
    store<f32>(cp, load<f32>(cp, 12) + t3, 12);
  }
}
