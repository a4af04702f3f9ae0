/**
 * The register tiles the GEMM loops in gemm.ts are made of, inlined into them. A tile adds
 * (1 or 4 rows of A, read along the reduction) . (1, 4 or 8 columns of B) to the matching block
 * of C, keeping every sum of the block in registers across the whole reduction, so each loaded
 * value feeds several multiplies. Vectors run along the columns of B and C (4 floats per v128):
 * an 8-column tile is two vectors per row. Addresses are byte offsets; rowB and rowC are row
 * lengths of B and C in bytes.
 *
 * The reduction walks A as `outer` runs of `inner` steps: step (o, t) reads A at
 * a + o*outerStride + t*innerStride (+ o0..o3 for the 4 rows of a 4-row tile) and the next row
 * of B. For C += A . B (gemmNN) a run is a contiguous stretch of an A row (innerStride 4, rows
 * rowA bytes apart); for C += A^T . B (gemmTN) a run is a row of pixels and o0..o3 pick four
 * elements of each pixel.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** C[cp .. cp+32) += s0 ++ s1: one row of an 8-column tile. */
// @ts-ignore: decorator
@inline
function addRow8(cp: usize, s0: v128, s1: v128): void {
  v128.store(cp, f32x4.add(v128.load(cp), s0));
  v128.store(cp, f32x4.add(v128.load(cp, 16), s1), 16);
}

// @ts-ignore: decorator
@inline
function addRow4(cp: usize, s: v128): void {
  v128.store(cp, f32x4.add(v128.load(cp), s));
}

// @ts-ignore: decorator
@inline
function addRow1(cp: usize, s: f32): void {
  store<f32>(cp, load<f32>(cp) + s);
}

/** 4 rows x 8 columns. */
// @ts-ignore: decorator
@inline
export function tile4x8(
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
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
  let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      const w0 = v128.load(bp);
      const w1 = v128.load(bp, 16);
      const x0 = f32x4.splat(load<f32>(ap + o0));
      const x1 = f32x4.splat(load<f32>(ap + o1));
      const x2 = f32x4.splat(load<f32>(ap + o2));
      const x3 = f32x4.splat(load<f32>(ap + o3));
      s00 = f32x4.add(s00, f32x4.mul(x0, w0));
      s01 = f32x4.add(s01, f32x4.mul(x0, w1));
      s10 = f32x4.add(s10, f32x4.mul(x1, w0));
      s11 = f32x4.add(s11, f32x4.mul(x1, w1));
      s20 = f32x4.add(s20, f32x4.mul(x2, w0));
      s21 = f32x4.add(s21, f32x4.mul(x2, w1));
      s30 = f32x4.add(s30, f32x4.mul(x3, w0));
      s31 = f32x4.add(s31, f32x4.mul(x3, w1));
    }
  }
  addRow8(cp, s00, s01);
  addRow8(cp + rowC, s10, s11);
  addRow8(cp + 2 * rowC, s20, s21);
  addRow8(cp + 3 * rowC, s30, s31);
}

/** 4 rows x 4 columns. */
// @ts-ignore: decorator
@inline
export function tile4x4(
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
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      const w = v128.load(bp);
      s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap + o0)), w));
      s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(ap + o1)), w));
      s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(ap + o2)), w));
      s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(ap + o3)), w));
    }
  }
  addRow4(cp, s0);
  addRow4(cp + rowC, s1);
  addRow4(cp + 2 * rowC, s2);
  addRow4(cp + 3 * rowC, s3);
}

/** 4 rows x 1 column (scalar). */
// @ts-ignore: decorator
@inline
export function tile4x1(
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
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      const w = load<f32>(bp);
      s0 += load<f32>(ap + o0) * w;
      s1 += load<f32>(ap + o1) * w;
      s2 += load<f32>(ap + o2) * w;
      s3 += load<f32>(ap + o3) * w;
    }
  }
  addRow1(cp, s0);
  addRow1(cp + rowC, s1);
  addRow1(cp + 2 * rowC, s2);
  addRow1(cp + 3 * rowC, s3);
}

/** 1 row x 8 columns. */
// @ts-ignore: decorator
@inline
export function tile1x8(
  cp: usize,
  a: usize,
  bj: usize,
  outer: i32,
  outerStride: usize,
  inner: i32,
  innerStride: usize,
  rowB: usize,
): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      const x = f32x4.splat(load<f32>(ap));
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
    }
  }
  addRow8(cp, s0, s1);
}

/** 1 row x 4 columns. */
// @ts-ignore: decorator
@inline
export function tile1x4(
  cp: usize,
  a: usize,
  bj: usize,
  outer: i32,
  outerStride: usize,
  inner: i32,
  innerStride: usize,
  rowB: usize,
): void {
  let s0 = f32x4.splat(0);
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
    }
  }
  addRow4(cp, s0);
}

/** 1 row x 1 column (scalar). */
// @ts-ignore: decorator
@inline
export function tile1x1(
  cp: usize,
  a: usize,
  bj: usize,
  outer: i32,
  outerStride: usize,
  inner: i32,
  innerStride: usize,
  rowB: usize,
): void {
  let sum: f32 = 0;
  let bp = bj;
  for (let o = 0; o < outer; o++) {
    let ap = a + <usize>o * outerStride;
    for (let t = 0; t < inner; t++, ap += innerStride, bp += rowB) {
      sum += load<f32>(ap) * load<f32>(bp);
    }
  }
  addRow1(cp, sum);
}
