/**
 * WebAssembly SIMD matrix products, written in AssemblyScript and compiled at build time by
 * scripts/buildWasm.mjs into src/kernels/wasm/simdModule.generated.ts. Each function is the
 * f32 twin of one kernel in src/kernels/matmul.ts (same maths, same accumulate-into-C contract);
 * arguments are byte addresses into the imported memory and row-major sizes. No allocation, no
 * runtime: the JS side owns every buffer (src/kernels/wasm/arena.ts).
 *
 * Vectors run along the contiguous dimension of C (4 floats per v128), tiles of 4 rows x 8
 * columns keep 8 accumulators in registers so each loaded value feeds several multiplies.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

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
 * Direct convolution of one image when no window touches padding: out += conv(input, filters).
 * No im2col matrix is built: output pixel ox of row oy reads the image where im2col would have
 * copied from, one contiguous run per kernel row.
 */
export function convForwardValid(
  out: usize,
  input: usize,
  filters: usize,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
  N: i32,
): void {
  const lineBytes = (<usize>(inW * C)) << 2;
  const outRowBytes = (<usize>(outW * N)) << 2;
  for (let oy = 0; oy < outH; oy++) {
    gemmNNSegmented(
      out + <usize>oy * outRowBytes,
      input + <usize>(oy * stride) * lineBytes,
      filters,
      outW,
      (<usize>(stride * C)) << 2,
      kH,
      kW * C,
      lineBytes,
      N,
    );
  }
}

/** dFilters += im2col(input)^T . dOut for one image with no padding, without building im2col. */
export function convBackwardFilterValid(
  dFilters: usize,
  input: usize,
  dOut: usize,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
  N: i32,
): void {
  const lineBytes = (<usize>(inW * C)) << 2;
  gemmTNSegmented(
    dFilters,
    input,
    dOut,
    outH,
    outW,
    <usize>stride * lineBytes,
    (<usize>(stride * C)) << 2,
    kH,
    kW * C,
    lineBytes,
    N,
  );
}

/**
 * C[M x N] += A . B[K x N] where row i of A is `segs` runs of `segLen` floats, run s starting at
 * a + i*rowA + s*segStride (a plain GEMM: one run of K floats; a convolution: one run per kernel
 * row, read straight from the image).
 */
// @ts-ignore: decorator
@inline
function gemmNNSegmented(
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

/** gemmNNSegmented, column blocks outermost. */
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
  // Column blocks outermost: one block of B (K x 8 floats) stays in L1 while every row tile of A
  // streams past it.
  let j = 0;
  for (; j < N8; j += 8) {
    const bj = b + ((<usize>j) << 2);
    let i = 0;
    for (; i < M4; i += 4) {
      const a0 = a + <usize>i * rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let bp = bj;
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const w0 = v128.load(bp);
          const w1 = v128.load(bp, 16);
          const x0 = f32x4.splat(load<f32>(ap));
          const x1 = f32x4.splat(load<f32>(ap + rowA));
          const x2 = f32x4.splat(load<f32>(ap + 2 * rowA));
          const x3 = f32x4.splat(load<f32>(ap + 3 * rowA));
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
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s00));
      v128.store(cp, f32x4.add(v128.load(cp, 16), s01), 16);
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC), s10));
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC, 16), s11), 16);
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC), s20));
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC, 16), s21), 16);
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC), s30));
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC, 16), s31), 16);
    }
    for (; i < M; i++) {
      const a0 = a + <usize>i * rowA;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let bp = bj;
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const x = f32x4.splat(load<f32>(ap));
          s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
          s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
        }
      }
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
      v128.store(cp, f32x4.add(v128.load(cp, 16), s1), 16);
    }
  }
  for (; j < N4; j += 4) {
    const bj = b + ((<usize>j) << 2);
    let i = 0;
    for (; i < M4; i += 4) {
      const a0 = a + <usize>i * rowA;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let bp = bj;
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const w = v128.load(bp);
          s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), w));
          s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(ap + rowA)), w));
          s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(ap + 2 * rowA)), w));
          s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(ap + 3 * rowA)), w));
        }
      }
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC), s1));
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC), s2));
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC), s3));
    }
    for (; i < M; i++) {
      const a0 = a + <usize>i * rowA;
      let s0 = f32x4.splat(0);
      let bp = bj;
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
        }
      }
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
    }
  }
  for (; j < N; j++) {
    const bj = b + ((<usize>j) << 2);
    for (let i = 0; i < M; i++) {
      const a0 = a + <usize>i * rowA;
      let sum: f32 = 0;
      let bp = bj;
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) sum += load<f32>(ap) * load<f32>(bp);
      }
      const cp = c + <usize>i * rowC + ((<usize>j) << 2);
      store<f32>(cp, load<f32>(cp) + sum);
    }
  }
}

/** gemmNNSegmented, row tiles outermost. */
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
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let j = 0;
    for (; j < N8; j += 8) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const w0 = v128.load(bp);
          const w1 = v128.load(bp, 16);
          const x0 = f32x4.splat(load<f32>(ap));
          const x1 = f32x4.splat(load<f32>(ap + rowA));
          const x2 = f32x4.splat(load<f32>(ap + 2 * rowA));
          const x3 = f32x4.splat(load<f32>(ap + 3 * rowA));
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
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s00));
      v128.store(cp, f32x4.add(v128.load(cp, 16), s01), 16);
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC), s10));
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC, 16), s11), 16);
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC), s20));
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC, 16), s21), 16);
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC), s30));
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC, 16), s31), 16);
    }
    for (; j < N4; j += 4) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const w = v128.load(bp);
          s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), w));
          s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(ap + rowA)), w));
          s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(ap + 2 * rowA)), w));
          s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(ap + 3 * rowA)), w));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC), s1));
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC), s2));
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC), s3));
    }
    for (; j < N; j++) {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let bp = b + ((<usize>j) << 2);
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const w = load<f32>(bp);
          s0 += load<f32>(ap) * w;
          s1 += load<f32>(ap + rowA) * w;
          s2 += load<f32>(ap + 2 * rowA) * w;
          s3 += load<f32>(ap + 3 * rowA) * w;
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      store<f32>(cp, load<f32>(cp) + s0);
      store<f32>(cp + rowC, load<f32>(cp + rowC) + s1);
      store<f32>(cp + 2 * rowC, load<f32>(cp + 2 * rowC) + s2);
      store<f32>(cp + 3 * rowC, load<f32>(cp + 3 * rowC) + s3);
    }
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>i * rowC;
    let j = 0;
    for (; j < N8; j += 8) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          const x = f32x4.splat(load<f32>(ap));
          s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
          s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
      v128.store(cp, f32x4.add(v128.load(cp, 16), s1), 16);
    }
    for (; j < N4; j += 4) {
      let s0 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) {
          s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
    }
    for (; j < N; j++) {
      let sum: f32 = 0;
      let bp = b + ((<usize>j) << 2);
      for (let s = 0; s < segs; s++) {
        let ap = a0 + <usize>s * segStride;
        for (let t = 0; t < segLen; t++, bp += rowB, ap += 4) sum += load<f32>(ap) * load<f32>(bp);
      }
      const cp = c0 + ((<usize>j) << 2);
      store<f32>(cp, load<f32>(cp) + sum);
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
 * a + r*rowStride + q*pixelStride and segmented as in gemmNNSegmented; B is [R*Q x N].
 */
// @ts-ignore: decorator
@inline
function gemmTNSegmented(
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
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let r = 0; r < R; r++) {
        let ap = a + <usize>r * rowStride;
        for (let q = 0; q < Q; q++, ap += pixelStride, bp += rowB) {
          const d0 = v128.load(bp);
          const d1 = v128.load(bp, 16);
          const x0 = f32x4.splat(load<f32>(ap + o0));
          const x1 = f32x4.splat(load<f32>(ap + o1));
          const x2 = f32x4.splat(load<f32>(ap + o2));
          const x3 = f32x4.splat(load<f32>(ap + o3));
          s00 = f32x4.add(s00, f32x4.mul(x0, d0));
          s01 = f32x4.add(s01, f32x4.mul(x0, d1));
          s10 = f32x4.add(s10, f32x4.mul(x1, d0));
          s11 = f32x4.add(s11, f32x4.mul(x1, d1));
          s20 = f32x4.add(s20, f32x4.mul(x2, d0));
          s21 = f32x4.add(s21, f32x4.mul(x2, d1));
          s30 = f32x4.add(s30, f32x4.mul(x3, d0));
          s31 = f32x4.add(s31, f32x4.mul(x3, d1));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s00));
      v128.store(cp, f32x4.add(v128.load(cp, 16), s01), 16);
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC), s10));
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC, 16), s11), 16);
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC), s20));
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC, 16), s21), 16);
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC), s30));
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC, 16), s31), 16);
    }
    for (; j < N4; j += 4) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let r = 0; r < R; r++) {
        let ap = a + <usize>r * rowStride;
        for (let q = 0; q < Q; q++, ap += pixelStride, bp += rowB) {
          const d = v128.load(bp);
          s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap + o0)), d));
          s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(ap + o1)), d));
          s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(ap + o2)), d));
          s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(ap + o3)), d));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
      v128.store(cp + rowC, f32x4.add(v128.load(cp + rowC), s1));
      v128.store(cp + 2 * rowC, f32x4.add(v128.load(cp + 2 * rowC), s2));
      v128.store(cp + 3 * rowC, f32x4.add(v128.load(cp + 3 * rowC), s3));
    }
    for (; j < N; j++) {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let bp = b + ((<usize>j) << 2);
      for (let r = 0; r < R; r++) {
        let ap = a + <usize>r * rowStride;
        for (let q = 0; q < Q; q++, ap += pixelStride, bp += rowB) {
          const d = load<f32>(bp);
          s0 += load<f32>(ap + o0) * d;
          s1 += load<f32>(ap + o1) * d;
          s2 += load<f32>(ap + o2) * d;
          s3 += load<f32>(ap + o3) * d;
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      store<f32>(cp, load<f32>(cp) + s0);
      store<f32>(cp + rowC, load<f32>(cp + rowC) + s1);
      store<f32>(cp + 2 * rowC, load<f32>(cp + 2 * rowC) + s2);
      store<f32>(cp + 3 * rowC, load<f32>(cp + 3 * rowC) + s3);
    }
  }
  for (; k < K; k++) {
    const c0 = c + <usize>k * rowC;
    const o0 = segOffset(k, segLen, segStride);
    let j = 0;
    for (; j < N8; j += 8) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let r = 0; r < R; r++) {
        let ap = a + <usize>r * rowStride + o0;
        for (let q = 0; q < Q; q++, ap += pixelStride, bp += rowB) {
          const x = f32x4.splat(load<f32>(ap));
          s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
          s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
      v128.store(cp, f32x4.add(v128.load(cp, 16), s1), 16);
    }
    for (; j < N4; j += 4) {
      let s0 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      for (let r = 0; r < R; r++) {
        let ap = a + <usize>r * rowStride + o0;
        for (let q = 0; q < Q; q++, ap += pixelStride, bp += rowB) {
          s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
        }
      }
      const cp = c0 + ((<usize>j) << 2);
      v128.store(cp, f32x4.add(v128.load(cp), s0));
    }
    for (; j < N; j++) {
      let sum: f32 = 0;
      let bp = b + ((<usize>j) << 2);
      for (let r = 0; r < R; r++) {
        let ap = a + <usize>r * rowStride + o0;
        for (let q = 0; q < Q; q++, ap += pixelStride, bp += rowB) sum += load<f32>(ap) * load<f32>(bp);
      }
      const cp = c0 + ((<usize>j) << 2);
      store<f32>(cp, load<f32>(cp) + sum);
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

/**
 * Copies image `n`'s receptive fields into cols [outH*outW, kH*kW*C] (zeros over the padding):
 * the im2col of src/kernels/conv2d.ts. `input` points at the image, not the batch.
 */
export function im2col(
  cols: usize,
  input: usize,
  inH: i32,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const rowBytes = (<usize>(kW * C)) << 2;
  const pixelBytes = (<usize>C) << 2;
  let cp = cols;
  if (padTop == 0 && padLeft == 0 && (outH - 1) * stride + kH <= inH && (outW - 1) * stride + kW <= inW) {
    // No padding anywhere: every kernel row is one contiguous run of kW*C floats.
    const rowLen = kW * C;
    const stepBytes = (<usize>(stride * C)) << 2;
    const lineBytes = (<usize>(inW * C)) << 2;
    for (let oy = 0; oy < outH; oy++) {
      let src = input + <usize>(oy * stride) * lineBytes;
      for (let ox = 0; ox < outW; ox++, src += stepBytes) {
        let line = src;
        for (let ky = 0; ky < kH; ky++, line += lineBytes) {
          for (let t = 0; t < rowLen; t++, cp += 4) store<f32>(cp, load<f32>(line + ((<usize>t) << 2)));
        }
      }
    }
    return;
  }
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padLeft;
      for (let ky = 0; ky < kH; ky++) {
        const y = y0 + ky;
        if (y < 0 || y >= inH) {
          zero(cp, rowBytes);
          cp += rowBytes;
          continue;
        }
        const rowPtr = input + ((<usize>(y * inW)) * pixelBytes);
        if (x0 >= 0 && x0 + kW <= inW) {
          copy(cp, rowPtr + <usize>x0 * pixelBytes, rowBytes);
          cp += rowBytes;
        } else {
          for (let kx = 0; kx < kW; kx++) {
            const x = x0 + kx;
            if (x < 0 || x >= inW) zero(cp, pixelBytes);
            else copy(cp, rowPtr + <usize>x * pixelBytes, pixelBytes);
            cp += pixelBytes;
          }
        }
      }
    }
  }
}

// Short runs (a 3x3 kernel row of one channel is 12 bytes): plain loops beat memory.copy calls.
// @ts-ignore: decorator
@inline
function copy(dst: usize, src: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
}

// @ts-ignore: decorator
@inline
function zero(dst: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, f32x4.splat(0));
  for (; i < bytes; i += 4) store<f32>(dst + i, 0);
}

/** Adds each row of dCols back onto the input pixels it came from: the adjoint of im2col. */
export function col2imAccumulate(
  dIn: usize,
  dCols: usize,
  inH: i32,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const pixelBytes = (<usize>C) << 2;
  const C4 = C & ~3;
  let cp = dCols;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padLeft;
      for (let ky = 0; ky < kH; ky++) {
        const y = y0 + ky;
        if (y < 0 || y >= inH) {
          cp += <usize>kW * pixelBytes;
          continue;
        }
        const rowPtr = dIn + ((<usize>(y * inW)) * pixelBytes);
        for (let kx = 0; kx < kW; kx++, cp += pixelBytes) {
          const x = x0 + kx;
          if (x < 0 || x >= inW) continue;
          const dst = rowPtr + <usize>x * pixelBytes;
          let c = 0;
          for (; c < C4; c += 4) {
            const o = (<usize>c) << 2;
            v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(cp + o)));
          }
          for (; c < C; c++) {
            const o = (<usize>c) << 2;
            store<f32>(dst + o, load<f32>(dst + o) + load<f32>(cp + o));
          }
        }
      }
    }
  }
}

/**
 * Max pooling, no padding: out = window maxima and argmax = the element index (into the whole
 * input batch) of the FIRST maximum in row-major window order, as src/kernels/maxPool2d.ts.
 */
export function maxPoolForward(
  out: usize,
  argmax: usize,
  input: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
): void {
  const C4 = C & ~3;
  const lanes = i32x4(0, 1, 2, 3);
  let o: usize = 0;
  for (let n = 0; n < batch; n++) {
    const imageOff = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = imageOff + (oy * stride * inW + ox * stride) * C;
        let c = 0;
        for (; c < C4; c += 4, o += 4) {
          let best = i32x4.add(i32x4.splat(corner + c), lanes);
          let max = v128.load(input + ((<usize>(corner + c)) << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const v = v128.load(input + ((<usize>idx) << 2));
              const gt = f32x4.gt(v, max);
              max = v128.bitselect(v, max, gt);
              best = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), best, gt);
            }
          }
          v128.store(out + (o << 2), max);
          v128.store(argmax + (o << 2), best);
        }
        for (; c < C; c++, o++) {
          let best = corner + c;
          let max = load<f32>(input + ((<usize>best) << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const v = load<f32>(input + ((<usize>idx) << 2));
              if (v > max) {
                max = v;
                best = idx;
              }
            }
          }
          store<f32>(out + (o << 2), max);
          store<i32>(argmax + (o << 2), best);
        }
      }
    }
  }
}

/** dIn += dOut routed to every input equal to its window's maximum (the tutorial's rule). */
export function maxPoolBackwardAllTies(
  dIn: usize,
  dOut: usize,
  input: usize,
  out: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
): void {
  const C4 = C & ~3;
  let o: usize = 0;
  for (let n = 0; n < batch; n++) {
    const imageOff = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = imageOff + (oy * stride * inW + ox * stride) * C;
        let c = 0;
        for (; c < C4; c += 4, o += 4) {
          const max = v128.load(out + (o << 2));
          const d = v128.load(dOut + (o << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const p = (<usize>idx) << 2;
              const hit = f32x4.eq(v128.load(input + p), max);
              v128.store(dIn + p, f32x4.add(v128.load(dIn + p), v128.and(d, hit)));
            }
          }
        }
        for (; c < C; c++, o++) {
          const max = load<f32>(out + (o << 2));
          const d = load<f32>(dOut + (o << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const p = (<usize>idx) << 2;
              if (load<f32>(input + p) == max) store<f32>(dIn + p, load<f32>(dIn + p) + d);
            }
          }
        }
      }
    }
  }
}

/** value -= lr * grad, then grad = 0, over n floats: the SGD step of src/kernels/sgd.ts. */
export function sgdUpdate(value: usize, grad: usize, n: i32, lr: f32): void {
  const rate = f32x4.splat(lr);
  const zeros = f32x4.splat(0);
  const bytes = (<usize>n) << 2;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    v128.store(value + i, f32x4.sub(v128.load(value + i), f32x4.mul(rate, v128.load(grad + i))));
    v128.store(grad + i, zeros);
  }
  for (; i < bytes; i += 4) {
    store<f32>(value + i, load<f32>(value + i) - lr * load<f32>(grad + i));
    store<f32>(grad + i, 0);
  }
}
