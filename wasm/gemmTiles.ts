/**
 * The register tile the GEMM loops in gemm.ts are made of, inlined into them. A tile adds
 * (1 or 4 rows of A, read along the reduction) . (1, 4 or 8 columns of B) to the matching block
 * of C, keeping every sum of the block in registers across the whole reduction, so each loaded
 * value feeds several multiplies. Vectors run along the columns of B and C (4 floats per v128):
 * an 8-column tile is two vectors per row, a 1-column tile uses lane 0 only. Addresses are byte
 * offsets; rowB and rowC are row lengths of B and C in bytes.
 *
 * The reduction walks A as `outer` runs of `inner` steps: step (o, t) reads A at
 * a + o*outerStride + t*innerStride (+ o0..o3 for the 4 rows of a 4-row tile, + o0 for a 1-row
 * tile) and the next row of B. For C += A . B (gemmNN) a run is a contiguous stretch of an A row
 * (innerStride 4, rows rowA bytes apart); for C += A^T . B (gemmTN) a run is a row of pixels and
 * o0..o3 pick four elements of each pixel.
 *
 * `rows` and `cols` are constants at every call, so after inlining each call compiles to the
 * loop of its own tile size, with no branch left.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { madd } from './madd';

/** Columns [0, cols) of the B row at p (lane 0 only when cols is 1). */
// @ts-ignore: decorator
@inline
function loadB(cols: i32, p: usize): v128 {
  return cols == 1 ? v128.load32_zero(p) : v128.load(p);
}

/** The A element at p in every lane of a `cols`-column tile (lane 0 alone when cols is 1). */
// @ts-ignore: decorator
@inline
function loadA(cols: i32, p: usize): v128 {
  return cols == 1 ? v128.load32_zero(p) : f32x4.splat(load<f32>(p));
}

/** C[cp .. cp + 4*cols) += the first cols lanes of s0 ++ s1. */
// @ts-ignore: decorator
@inline
function addToC(cols: i32, cp: usize, s0: v128, s1: v128): void {
  if (cols == 1) {
    store<f32>(cp, load<f32>(cp) + f32x4.extract_lane(s0, 0));
  } else {
    v128.store(cp, f32x4.add(v128.load(cp), s0));
    if (cols == 8) v128.store(cp, f32x4.add(v128.load(cp, 16), s1), 16);
  }
}

/** C[rows x cols block at cp] += A rows . B columns; rows is 1 or 4, cols 1, 4 or 8. */
// @ts-ignore: decorator
@inline
export function tile(
  rows: i32,
  cols: i32,
  cp: usize,
  a: usize,
  bj: usize,
  outer: i32,
  outerStride: usize,
  inner: i32,
  innerStride: usize,
  rowB: usize,
  rowC: usize,
  o0: usize,
  o1: usize,
  o2: usize,
  o3: usize,
): void {
  const zero = f32x4.splat(0);
  const fuse = rows == 4 && cols == 8; // 8 running sums: see madd.ts
  // s<row><half>: row r of the block, columns 0-3 (half 0) and 4-7 (half 1).
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero;
  let s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      const w0 = loadB(cols, bp);
      const w1 = cols == 8 ? v128.load(bp, 16) : zero;
      const x0 = loadA(cols, ap + o0);
      const x1 = rows == 4 ? loadA(cols, ap + o1) : zero;
      const x2 = rows == 4 ? loadA(cols, ap + o2) : zero;
      const x3 = rows == 4 ? loadA(cols, ap + o3) : zero;
      s00 = madd(x0, w0, s00, fuse);
      if (cols == 8) s01 = madd(x0, w1, s01, fuse);
      if (rows == 4) {
        s10 = madd(x1, w0, s10, fuse);
        if (cols == 8) s11 = madd(x1, w1, s11, fuse);
        s20 = madd(x2, w0, s20, fuse);
        if (cols == 8) s21 = madd(x2, w1, s21, fuse);
        s30 = madd(x3, w0, s30, fuse);
        if (cols == 8) s31 = madd(x3, w1, s31, fuse);
      }
    }
  }
  addToC(cols, cp, s00, s01);
  if (rows == 4) {
    addToC(cols, cp + rowC, s10, s11);
    addToC(cols, cp + 2 * rowC, s20, s21);
    addToC(cols, cp + 3 * rowC, s30, s31);
  }
}
