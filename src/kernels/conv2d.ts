/**
 * Fast 2-D convolution kernels (tutorial 3.1.3 forward, 3.1.9 backward) by im2col + tiled matmul.
 *
 * Layouts: input [N, inH, inW, inC], output [N, outH, outW, outC], filters HWIO
 * [kernelH, kernelW, inC, outC], which read as a matrix is [kernelH*kernelW*inC, outC].
 * For one image, im2col lays every receptive field out as a row of `cols`
 * [outH*outW, kernelH*kernelW*inC] (zeros where the window hangs over the padding), so the
 * convolution is the product cols . filters. `cols` is caller-owned scratch of at least
 * `im2colLength(g)` values, reused across calls so the training step does not allocate.
 * The SIMD path skips im2col for the forward pass and the filter gradient: its GEMM reads each
 * window straight from the image, or from a zero-bordered copy of it when windows touch padding.
 * 3x3 stride-1 convolutions with enough channels take Winograd's algorithm on the SIMD path
 * (winograd.ts): fewer multiplies than any direct product.
 */

import { allocateFloat32 } from '../tensor/arena.js';
import type { FloatArray } from '../tensor/tensor.js';
import { copyRange, zeroRange } from './bulk.js';
import { addColumnSums } from './columnSums.js';
import { type ConvGeometry, geometryAddress } from './convGeometry.js';
import { matmulAccumulate, matmulTransAAccumulate, matmulTransBAccumulate } from './matmul.js';
import { simdFor } from './wasm/simd.js';
import {
  conv2dBackwardFilterWinograd,
  conv2dBackwardInputWinograd,
  conv2dBackwardWinograd,
  conv2dForwardWinograd,
  winogradScratchReady,
  winogradTileSize,
} from './winograd.js';

/** The Winograd tile size when this call takes winograd.ts, else 0. */
function winogradTile(g: ConvGeometry, ...arrays: (FloatArray | null)[]): 0 | 2 | 4 {
  const m = winogradTileSize(g);
  if (m === 0) return 0;
  for (const a of arrays) if (a !== null && simdFor(a) === null) return 0;
  return winogradScratchReady(g, m) ? m : 0;
}

/** True when every window lies inside the image, so the SIMD path can skip im2col. */
function windowsInside(g: ConvGeometry): boolean {
  return (
    g.padTop === 0 &&
    g.padLeft === 0 &&
    (g.outH - 1) * g.stride + g.kernelH <= g.inH &&
    (g.outW - 1) * g.stride + g.kernelW <= g.inW
  );
}

/** Rows and row width (pixels) of the image with its padding: what the windows read. */
function paddedSize(g: ConvGeometry): { rows: number; width: number } {
  return { rows: (g.outH - 1) * g.stride + g.kernelH, width: (g.outW - 1) * g.stride + g.kernelW };
}

/**
 * Where the SIMD direct kernels read image n: in place when no window touches padding, else a
 * zero-bordered copy in `scratch` (a few % of im2col's copy: each pixel once, not once per
 * window). Null when the copy does not fit in scratch: take the im2col path.
 */
function directImage(
  scratch: FloatArray,
  input: FloatArray,
  n: number,
  g: ConvGeometry,
): { address: number; width: number } | null {
  const imageSize = g.inH * g.inW * g.inC;
  if (windowsInside(g)) return { address: input.byteOffset + 4 * n * imageSize, width: g.inW };
  const { rows, width } = paddedSize(g);
  const C = g.inC;
  if (rows * width * C > scratch.length || simdFor(scratch) === null) return null;
  zeroRange(scratch, 0, rows * width * C);
  // Input pixels beyond the windows' reach (a numeric padding larger than needed) are not copied.
  const x0 = Math.max(0, -g.padLeft);
  const x1 = Math.min(g.inW, width - g.padLeft);
  for (let y = Math.max(0, -g.padTop); y < Math.min(g.inH, rows - g.padTop); y++) {
    const src = n * imageSize + (y * g.inW + x0) * C;
    const dst = ((y + g.padTop) * width + x0 + g.padLeft) * C;
    const len = (x1 - x0) * C;
    for (let t = 0; t < len; t++) scratch[dst + t] = input[src + t];
  }
  return { address: scratch.byteOffset, width };
}

/** Length of the scratch buffer `conv2dForward` needs for geometry g (one batch image's receptive fields). */
export function im2colLength(g: ConvGeometry): number {
  return g.outH * g.outW * g.kernelH * g.kernelW * g.inC;
}

/** Copies image n's receptive fields into cols, one row per output pixel. */
export function im2col(cols: FloatArray, input: FloatArray, n: number, g: ConvGeometry): void {
  windows(input, cols, n, g, false);
}

/** Adds each row of dCols back onto the input pixels it was copied from (the adjoint of im2col). */
export function col2imAccumulate(
  dIn: FloatArray,
  dCols: FloatArray,
  n: number,
  g: ConvGeometry,
): void {
  windows(dIn, dCols, n, g, true);
}

/**
 * The walk im2col and its adjoint share: kernel row by kernel row of every window of image n, in
 * the order of cols' rows, either copying the pixels into cols (zeros where the window hangs over
 * the padding) or, `adjoint`, adding cols back onto those pixels; on the SIMD path when both
 * arrays are in the arena.
 */
function windows(
  image: FloatArray,
  cols: FloatArray,
  n: number,
  g: ConvGeometry,
  adjoint: boolean,
): void {
  const simd = simdFor(image, cols);
  if (simd !== null) {
    const imageAddress = image.byteOffset + 4 * n * g.inH * g.inW * g.inC;
    if (adjoint) simd.col2imAccumulate(imageAddress, cols.byteOffset, geometryAddress(g));
    else simd.im2col(cols.byteOffset, imageAddress, geometryAddress(g));
    return;
  }
  const { inH, inW, inC, outH, outW, kernelH, kernelW, stride, padTop, padLeft } = g;
  const rowLen = kernelW * inC;
  let c = 0;
  const imageOff = n * inH * inW * inC;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * stride - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * stride - padLeft;
      for (let ky = 0; ky < kernelH; ky++, c += rowLen) {
        const y = y0 + ky;
        if (y < 0 || y >= inH) {
          if (!adjoint) cols.fill(0, c, c + rowLen);
          continue;
        }
        const rowOff = imageOff + y * inW * inC;
        if (!adjoint && x0 >= 0 && x0 + kernelW <= inW) {
          // The whole kernel row is inside the image: one contiguous run in HWC.
          const src = rowOff + x0 * inC;
          for (let t = 0; t < rowLen; t++) cols[c + t] = image[src + t];
          continue;
        }
        for (let kx = 0, col = c; kx < kernelW; kx++, col += inC) {
          const x = x0 + kx;
          const pixel = rowOff + x * inC;
          if (x < 0 || x >= inW) {
            if (!adjoint) cols.fill(0, col, col + inC);
          } else if (adjoint) {
            for (let ci = 0; ci < inC; ci++) image[pixel + ci] += cols[col + ci];
          } else {
            for (let ci = 0; ci < inC; ci++) cols[col + ci] = image[pixel + ci];
          }
        }
      }
    }
  }
}

/** out = conv(input, filters) + bias. Overwrites out. */
export function conv2dForward(
  out: FloatArray,
  input: FloatArray,
  filters: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
  cols: FloatArray,
): void {
  const m = winogradTile(g, out, input, filters, bias);
  if (m !== 0) {
    conv2dForwardWinograd(out, input, filters, bias, g, m);
    return;
  }
  const pixels = g.outH * g.outW;
  const patch = g.kernelH * g.kernelW * g.inC;
  const outC = g.outC;
  const simd = simdFor(out, input, filters, cols);
  const geometry = simd ? geometryAddress(g) : 0;
  for (let n = 0; n < g.batch; n++) {
    const outOff = n * pixels * outC;
    if (bias) {
      // One pixel by hand, then doubling block copies (native memmove, not a loop per value).
      for (let co = 0; co < outC; co++) out[outOff + co] = bias[co];
      const total = pixels * outC;
      for (let done = outC; done < total; ) {
        const n = Math.min(done, total - done);
        copyRange(out, outOff + done, out, outOff, n);
        done += n;
      }
    } else {
      zeroRange(out, outOff, outOff + pixels * outC);
    }
    const image = simd ? directImage(cols, input, n, g) : null;
    if (simd && image) {
      simd.convForwardValid(
        out.byteOffset + 4 * outOff,
        image.address,
        filters.byteOffset,
        image.width,
        geometry,
      );
      continue;
    }
    im2col(cols, input, n, g);
    matmulAccumulate(out, outOff, cols, 0, filters, 0, pixels, patch, outC);
  }
}

/** dIn = dOut convolved back through the filters. Overwrites dIn; dCols is scratch like cols. */
export function conv2dBackwardInput(
  dIn: FloatArray,
  dOut: FloatArray,
  filters: FloatArray,
  g: ConvGeometry,
  dCols: FloatArray,
): void {
  const m = winogradTile(g, dIn, dOut, filters);
  if (m !== 0) {
    conv2dBackwardInputWinograd(dIn, dOut, filters, g, m);
    return;
  }
  const pixels = g.outH * g.outW;
  const patch = g.kernelH * g.kernelW * g.inC;
  zeroRange(dIn, 0, g.batch * g.inH * g.inW * g.inC);
  // The SIMD product runs ~1.5x faster as A . B than as A . B^T (no horizontal sums), so
  // transpose the filters once per call into [outC, patch] scratch.
  const transposed =
    simdFor(dCols, dOut, filters) !== null ? transposedFilters(filters, patch, g.outC) : null;
  for (let n = 0; n < g.batch; n++) {
    zeroRange(dCols, 0, pixels * patch);
    if (transposed) {
      matmulAccumulate(dCols, 0, dOut, n * pixels * g.outC, transposed, 0, pixels, g.outC, patch);
    } else {
      matmulTransBAccumulate(
        dCols,
        0,
        dOut,
        n * pixels * g.outC,
        filters,
        0,
        pixels,
        g.outC,
        patch,
      );
    }
    col2imAccumulate(dIn, dCols, n, g);
  }
}

/** Scratch for transposed filters, grown to the largest conv seen and then reused. */
let filterScratch = allocateFloat32(0);

function transposedFilters(filters: FloatArray, patch: number, outC: number): Float32Array {
  if (filterScratch.length < patch * outC) filterScratch = allocateFloat32(patch * outC);
  const t = filterScratch;
  for (let k = 0; k < patch; k++)
    for (let co = 0; co < outC; co++) t[co * patch + k] = filters[k * outC + co];
  return t;
}

/** dFilters += im2col(input)^T . dOut and dBias += column sums of dOut. Accumulates. */
export function conv2dBackwardFilter(
  dFilters: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  g: ConvGeometry,
  cols: FloatArray,
): void {
  const m = winogradTile(g, dFilters, dBias, dOut, input);
  if (m !== 0) {
    conv2dBackwardFilterWinograd(dFilters, dBias, dOut, input, g, m);
    return;
  }
  const pixels = g.outH * g.outW;
  const patch = g.kernelH * g.kernelW * g.inC;
  const outC = g.outC;
  const simd = simdFor(dFilters, dOut, input, cols);
  const geometry = simd ? geometryAddress(g) : 0;
  for (let n = 0; n < g.batch; n++) {
    const outOff = n * pixels * outC;
    const image = simd ? directImage(cols, input, n, g) : null;
    if (simd && image) {
      simd.convBackwardFilterValid(
        dFilters.byteOffset,
        image.address,
        dOut.byteOffset + 4 * outOff,
        image.width,
        geometry,
      );
    } else {
      im2col(cols, input, n, g);
      matmulTransAAccumulate(dFilters, 0, cols, 0, dOut, outOff, pixels, patch, outC);
    }
  }
  if (dBias) addColumnSums(dBias, dOut, 0, g.batch * pixels, outC);
}

/**
 * Both gradients of a convolution: conv2dBackwardInput's dIn (overwritten) and
 * conv2dBackwardFilter's dFilters and dBias (accumulated), with the same results; on the
 * Winograd path in one pass that transforms dOut once for the two.
 */
export function conv2dBackward(
  dIn: FloatArray,
  dFilters: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  filters: FloatArray,
  g: ConvGeometry,
  cols: FloatArray,
): void {
  const m = winogradTile(g, dIn, dFilters, dBias, dOut, input, filters);
  if (m !== 0) {
    conv2dBackwardWinograd({ dIn, filters }, { dFilters, dBias, input }, dOut, g, m);
    return;
  }
  conv2dBackwardFilter(dFilters, dBias, dOut, input, g, cols);
  conv2dBackwardInput(dIn, dOut, filters, g, cols);
}
