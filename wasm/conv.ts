/**
 * Convolution helpers of src/kernels/conv2d.ts in f32 SIMD: direct convolution of an image when
 * no window touches padding (no im2col matrix: the GEMM reads the image in place), and im2col
 * and its adjoint col2im for every other case. `input`/`dIn` point at one image, not the batch.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { gemmNNSegmented, gemmTNSegmented } from './gemm';

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
 * sums[c] += m[r][c] summed over rows r, for an m of `rows` x `cols` floats: a layer's bias
 * gradient (dOut summed over the batch's pixels). Each column adds its rows in order, as the
 * TypeScript loop does, so the sums are the same to the bit.
 */
export function addColumnSums(sums: usize, m: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  const vectorBytes = (<usize>(cols & ~3)) << 2;
  let row = m;
  for (let r = 0; r < rows; r++, row += rowBytes) {
    let o: usize = 0;
    for (; o < vectorBytes; o += 16) v128.store(sums + o, f32x4.add(v128.load(sums + o), v128.load(row + o)));
    for (; o < rowBytes; o += 4) store<f32>(sums + o, load<f32>(sums + o) + load<f32>(row + o));
  }
}
