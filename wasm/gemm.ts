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
 * gemmTN reading A through `panel` (64 * M bytes): each strip of 16 columns of A (M x 16 floats)
 * is first copied there, so the tiles read one short run instead of M rows 4*K bytes apart (in a
 * wide dense layer a page or more each: a TLB lookup per step), and C is covered in 32-column
 * chunks so the chunk of B (M x 32) stays in L1 for the strip's four row bands. Every element of
 * C gets the same tile, so the same sums in the same order, as in gemmTN.
 */
export function gemmTNPacked(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, panel: usize): void {
  if (M < 4) {
    gemmTN(c, a, b, M, K, N);
    return;
  }
  const rowA = (<usize>K) << 2;
  const rowC = (<usize>N) << 2;
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    packStrip(panel, a + ((<usize>k) << 2), rowA, M, 4);
    panelBands(c + <usize>k * rowC, panel, 64, 4, b, M, N);
  }
  for (; k + 4 <= K; k += 4) {
    packStrip(panel, a + ((<usize>k) << 2), rowA, M, 1);
    panelBands(c + <usize>k * rowC, panel, 16, 1, b, M, N);
  }
  for (; k < K; k++) rowBand(1, c + <usize>k * rowC, a, b, N, 1, 0, M, rowA, (<usize>k) << 2, 0, 0, 0);
}

/** Copies `vectors` x 4 floats from each of M rows (rowA bytes apart, from src) to panel, back to back. */
// @ts-ignore: decorator
@inline
function packStrip(panel: usize, src: usize, rowA: usize, M: i32, vectors: i32): void {
  let dst = panel;
  for (let q = 0; q < M; q++, src += rowA) {
    for (let v = 0; v < vectors; v++, dst += 16) v128.store(dst, v128.load(src + ((<usize>v) << 4)));
  }
}

/**
 * C[4 * bands rows from ck] += panel^T . B[M x N]: the panel holds `bands` groups of 4 columns of
 * A per row, rows `stride` bytes apart. Tiles of 8, then 4, then 1 columns, as rowBand uses them.
 */
// @ts-ignore: decorator
@inline
function panelBands(ck: usize, panel: usize, stride: usize, bands: i32, b: usize, M: i32, N: i32): void {
  const rowB = (<usize>N) << 2;
  const rowC = rowB;
  const N8 = N & ~7;
  const N4 = N & ~3;
  for (let j0 = 0; j0 < N8; j0 += 32) {
    const j1 = min(j0 + 32, N8);
    for (let s = 0; s < bands; s++) {
      const o = (<usize>s) << 4;
      const cs = ck + <usize>(4 * s) * rowC;
      for (let j = j0; j < j1; j += 8) {
        const jj = (<usize>j) << 2;
        tile(4, 8, cs + jj, panel, b + jj, 1, 0, M, stride, rowB, rowC, o, o + 4, o + 8, o + 12);
      }
    }
  }
  for (let s = 0; s < bands; s++) {
    const o = (<usize>s) << 4;
    const cs = ck + <usize>(4 * s) * rowC;
    let j = N8;
    for (; j < N4; j += 4) {
      const jj = (<usize>j) << 2;
      tile(4, 4, cs + jj, panel, b + jj, 1, 0, M, stride, rowB, rowC, o, o + 4, o + 8, o + 12);
    }
    for (; j < N; j++) {
      const jj = (<usize>j) << 2;
      tile(4, 1, cs + jj, panel, b + jj, 1, 0, M, stride, rowB, rowC, o, o + 4, o + 8, o + 12);
    }
  }
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

/**
 * C[M x P] += A[M x Q] . B[P x Q]^T  (input gradients: dOut . weights^T). Blocks of 4 A rows
 * against 2 B rows (dotTile) load 6 vectors per 8 products where one A row against 4 B rows
 * (dotRows) loads 5 per 4; both give each output the same sums in the same order.
 */
export function gemmNT(c: usize, a: usize, b: usize, M: i32, Q: i32, P: i32): void {
  const rowA = (<usize>Q) << 2;
  const rowB = (<usize>Q) << 2;
  const rowC = (<usize>P) << 2;
  const M4 = M & ~3;
  const P2 = P & ~1;
  // Chunks of 32 B rows (16 KiB at Q = 128) stay in L1 while every block of A rows passes, so B
  // (the weights, megabytes in a wide layer) is read once, not once per block of 4 A rows.
  for (let p0 = 0; p0 < P2; p0 += 32) {
    const p1 = min(p0 + 32, P2);
    for (let i = 0; i < M4; i += 4) {
      const a0 = a + <usize>i * rowA;
      const c0 = c + <usize>i * rowC;
      for (let p = p0; p < p1; p += 2) dotTile(c0 + ((<usize>p) << 2), a0, rowA, b + <usize>p * rowB, rowB, rowC, Q);
    }
  }
  for (let i = 0; i < M4; i += 4) {
    for (let p = P2; p < P; p++) {
      for (let r = 0; r < 4; r++) {
        const ar = a + <usize>(i + r) * rowA;
        dotRows(1, c + <usize>(i + r) * rowC + ((<usize>p) << 2), ar, b + <usize>p * rowB, rowB, Q);
      }
    }
  }
  for (let i = M4; i < M; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let p = 0;
    for (; p + 4 <= P; p += 4) dotRows(4, c0 + ((<usize>p) << 2), a0, b + <usize>p * rowB, rowB, Q);
    for (; p < P; p++) dotRows(1, c0 + ((<usize>p) << 2), a0, b + <usize>p * rowB, rowB, Q);
  }
}

/**
 * C[4 x 2 block at cp] += the dot products of 4 A rows (from a0, rowA bytes apart) with 2 B rows
 * (from b0, rowB apart), Q floats long; each output's sum as in dotRows: 4 lane sums, hsum, then
 * the tail.
 */
// @ts-ignore: decorator
@inline
function dotTile(cp: usize, a0: usize, rowA: usize, b0: usize, rowB: usize, rowC: usize, Q: i32): void {
  const a1 = a0 + rowA;
  const a2 = a1 + rowA;
  const a3 = a2 + rowA;
  const b1 = b0 + rowB;
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero;
  let s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  let q = 0;
  for (; q + 4 <= Q; q += 4) {
    const qq = (<usize>q) << 2;
    const w0 = v128.load(b0 + qq);
    const w1 = v128.load(b1 + qq);
    const x0 = v128.load(a0 + qq);
    s00 = madd(x0, w0, s00, false);
    s01 = madd(x0, w1, s01, false);
    const x1 = v128.load(a1 + qq);
    s10 = madd(x1, w0, s10, false);
    s11 = madd(x1, w1, s11, false);
    const x2 = v128.load(a2 + qq);
    s20 = madd(x2, w0, s20, false);
    s21 = madd(x2, w1, s21, false);
    const x3 = v128.load(a3 + qq);
    s30 = madd(x3, w0, s30, false);
    s31 = madd(x3, w1, s31, false);
  }
  let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
  let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
  for (; q < Q; q++) {
    const qq = (<usize>q) << 2;
    const w0 = load<f32>(b0 + qq);
    const w1 = load<f32>(b1 + qq);
    const x0 = load<f32>(a0 + qq);
    const x1 = load<f32>(a1 + qq);
    const x2 = load<f32>(a2 + qq);
    const x3 = load<f32>(a3 + qq);
    t00 += x0 * w0;
    t01 += x0 * w1;
    t10 += x1 * w0;
    t11 += x1 * w1;
    t20 += x2 * w0;
    t21 += x2 * w1;
    t30 += x3 * w0;
    t31 += x3 * w1;
  }
  addPair(cp, t00, t01);
  addPair(cp + rowC, t10, t11);
  addPair(cp + 2 * rowC, t20, t21);
  addPair(cp + 3 * rowC, t30, t31);
}

/** C[cp], C[cp + 4] += t0, t1. */
// @ts-ignore: decorator
@inline
function addPair(cp: usize, t0: f32, t1: f32): void {
  store<f32>(cp, load<f32>(cp) + t0);
  store<f32>(cp, load<f32>(cp, 4) + t1, 4);
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
