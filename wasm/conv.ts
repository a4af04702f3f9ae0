/**
 * Convolution helpers of src/kernels/conv2d.ts in f32 SIMD: direct convolution of an image when
 * no window touches padding (no im2col matrix: the GEMM reads the image in place), and im2col
 * and its adjoint col2im for every other case. `input`/`dIn` point at one image, not the batch.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { gemmNNSegmented, gemmTNSegmented } from './gemm';
import { Geometry } from './geometry';

/**
 * Direct convolution of one image when no window touches padding: out += conv(input, filters).
 * No im2col matrix is built: output pixel ox of row oy reads the image where im2col would have
 * copied from, one contiguous run per kernel row. `inW` is the width of the image at `input`
 * (a zero-bordered copy's when the geometry pads), `geometry` a Geometry record's address.
 */
export function convForwardValid(out: usize, input: usize, filters: usize, inW: i32, geometry: usize): void {
  const g = changetype<Geometry>(geometry);
  const lineBytes = (<usize>(inW * g.inC)) << 2;
  const outRowBytes = (<usize>(g.outW * g.outC)) << 2;
  for (let oy = 0; oy < g.outH; oy++) {
    gemmNNSegmented(
      out + <usize>oy * outRowBytes,
      input + <usize>(oy * g.stride) * lineBytes,
      filters,
      g.outW,
      (<usize>(g.stride * g.inC)) << 2,
      g.kernelH,
      g.kernelW * g.inC,
      lineBytes,
      g.outC,
    );
  }
}

/** dFilters += im2col(input)^T . dOut for one image read in place, as convForwardValid reads it. */
export function convBackwardFilterValid(dFilters: usize, input: usize, dOut: usize, inW: i32, geometry: usize): void {
  const g = changetype<Geometry>(geometry);
  const lineBytes = (<usize>(inW * g.inC)) << 2;
  gemmTNSegmented(
    dFilters,
    input,
    dOut,
    g.outH,
    g.outW,
    <usize>g.stride * lineBytes,
    (<usize>(g.stride * g.inC)) << 2,
    g.kernelH,
    g.kernelW * g.inC,
    lineBytes,
    g.outC,
  );
}

/**
 * Copies the image's receptive fields into cols [outH*outW, kH*kW*C] (zeros over the padding):
 * the im2col of src/kernels/conv2d.ts. `input` points at the image, not the batch.
 */
export function im2col(cols: usize, input: usize, geometry: usize): void {
  const g = changetype<Geometry>(geometry);
  const kH = g.kernelH;
  const rowLen = g.kernelW * g.inC;
  if (g.padTop == 0 && g.padLeft == 0 && (g.outH - 1) * g.stride + kH <= g.inH && (g.outW - 1) * g.stride + g.kernelW <= g.inW) {
    // No padding anywhere: every kernel row is one contiguous run of kW*C floats.
    const stepBytes = (<usize>(g.stride * g.inC)) << 2;
    const lineBytes = (<usize>(g.inW * g.inC)) << 2;
    const outH = g.outH;
    const outW = g.outW;
    const rowStepBytes = <usize>g.stride * lineBytes;
    let cp = cols;
    for (let oy = 0, row = input; oy < outH; oy++, row += rowStepBytes) {
      let src = row;
      for (let ox = 0; ox < outW; ox++, src += stepBytes) {
        let line = src;
        for (let ky = 0; ky < kH; ky++, line += lineBytes) {
          for (let t = 0; t < rowLen; t++, cp += 4) store<f32>(cp, load<f32>(line + ((<usize>t) << 2)));
        }
      }
    }
    return;
  }
  windows(input, cols, g, false);
}

/** Adds each row of dCols back onto the input pixels it came from: the adjoint of im2col. */
export function col2imAccumulate(dIn: usize, dCols: usize, geometry: usize): void {
  windows(dIn, dCols, changetype<Geometry>(geometry), true);
}

/**
 * The walk im2col and its adjoint share: kernel row by kernel row of every window, in the order
 * of cols' rows, either copying the image's pixels into cols (zeros where the window hangs over
 * the padding) or, `adjoint`, adding cols back onto those pixels. Inlined with `adjoint` a
 * constant, each caller keeps only its own branch.
 */
// @ts-ignore: decorator
@inline
function windows(image: usize, cols: usize, g: Geometry, adjoint: bool): void {
  // Locals, not record fields, in the loops: the stores through cp would make every field reload.
  const inH = g.inH;
  const inW = g.inW;
  const outH = g.outH;
  const outW = g.outW;
  const kH = g.kernelH;
  const kW = g.kernelW;
  const stride = g.stride;
  const padTop = g.padTop;
  const padLeft = g.padLeft;
  const pixelBytes = (<usize>g.inC) << 2;
  const rowBytes = <usize>kW * pixelBytes;
  let cp = cols;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padLeft;
      for (let ky = 0; ky < kH; ky++, cp += rowBytes) {
        const y = y0 + ky;
        if (y < 0 || y >= inH) {
          if (!adjoint) zero(cp, rowBytes);
          continue;
        }
        const rowPtr = image + <usize>(y * inW) * pixelBytes;
        if (!adjoint && x0 >= 0 && x0 + kW <= inW) {
          // The whole kernel row lies inside the image: one contiguous run.
          copy(cp, rowPtr + <usize>x0 * pixelBytes, rowBytes);
          continue;
        }
        let col = cp;
        let pixel = rowPtr + <usize>x0 * pixelBytes;
        for (let x = x0; x < x0 + kW; x++, col += pixelBytes, pixel += pixelBytes) {
          if (x < 0 || x >= inW) {
            if (!adjoint) zero(col, pixelBytes);
          } else if (adjoint) {
            add(pixel, col, pixelBytes);
          } else {
            copy(col, pixel, pixelBytes);
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

// @ts-ignore: decorator
@inline
function add(dst: usize, src: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, f32x4.add(v128.load(dst + i), v128.load(src + i)));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(dst + i) + load<f32>(src + i));
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
