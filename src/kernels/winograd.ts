/**
 * Winograd convolution F(m x m, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2015): the
 * forward pass and both gradients with fewer multiplies than the direct kernels of conv2d.ts,
 * which already run their GEMMs near the core's SIMD ceiling. Same maths, same layouts and
 * overwrite-or-accumulate contracts as conv2d.ts; results differ from the direct sums in the
 * rounding only (F(4x4): a few parts in a million of the largest output, about 10x the direct
 * kernels' rounding; figures in docs/benchmarks.md, "Winograd convolution").
 *
 * With a = m + 2 and P = a*a positions per tile (winogradMatrices.ts):
 *   filters  U[xi][C][K] = G g G^T              (wasm/winograd.ts, once per call)
 *   input    V[xi][tiles][C] = B^T d B          (wasm/winograd.ts)
 *   products M[xi] = V[xi] . U[xi]              (one GEMM per position xi: gemm.ts)
 *   output   Y = A^T M A + bias                 (wasm/winograd.ts)
 * The input gradient is the exact adjoint (dM = A dY A^T, dV[xi] = dM[xi] . U[xi]^T,
 * dIn += B dV B^T), the filter gradient dU[xi] += V[xi]^T . dM[xi], then dg = G^T dU G. Tiles
 * run in chunks across the batch's images, big enough for full-speed GEMMs on small images,
 * small enough that the transformed chunk stays in cache. One thread, tiles in order: the same
 * inputs give the same sums every time.
 *
 * These kernels run on the WebAssembly SIMD path only (every array in the arena); callers check
 * with `simdFor` first.
 */
import { allocateFloat32, releaseArray } from '../tensor/arena.js';
import type { FloatArray } from '../tensor/tensor.js';
import { zeroRange } from './bulk.js';
import { addColumnSums } from './columnSums.js';
import { type ConvGeometry, geometryAddress } from './convGeometry.js';
import { type SimdKernels, simdFor } from './wasm/simd.js';
import type { WinogradTile } from './winogradMatrices.js';

/**
 * The Winograd tile size for a convolution, or 0 for the direct kernels. 3x3 kernels at stride 1
 * with at least 4 input and 8 output channels take Winograd: below that its transforms, which
 * run 4 channels per vector (fewer channels leave lanes idle), cost more than the multiplies
 * saved (measured on 26x26 and 14x14 images, batch 64: 4->8 channels F(4x4) is 1.1-2.6x faster
 * than direct, 3->16 about even forward, 1->32 2x slower). F(4x4) needs 36 products per 16
 * outputs, F(2x2) 16 per 4, but F(4x4)'s tiles overhang small images more: the tile with fewer
 * products wins, F(4x4) only by 15% or more as its transforms cost more (on 5x5 and 6x6 outputs
 * F(2x2) wins, on 7x7 F(4x4)).
 */
export function winogradTileSize(g: ConvGeometry): WinogradTile | 0 {
  if (g.kernelH !== 3 || g.kernelW !== 3 || g.stride !== 1) return 0;
  if (forcedTile !== null) return forcedTile;
  if (g.inC < 4 || g.outC < 8) return 0;
  const products = (m: number) => Math.ceil(g.outH / m) * Math.ceil(g.outW / m) * (m + 2) ** 2;
  return products(4) < 0.85 * products(2) ? 4 : 2;
}

let forcedTile: WinogradTile | 0 | null = null;

/**
 * For comparisons: every 3x3 stride-1 convolution takes this tile size (0: the direct kernels),
 * or, null, the choice by shape above. Returns the previous setting.
 */
export function forceWinogradTile(tile: WinogradTile | 0 | null): WinogradTile | 0 | null {
  const was = forcedTile;
  forcedTile = tile;
  return was;
}

/** Floats of transformed data per chunk of tiles: small enough to stay in a core's L2 cache. */
const CHUNK_FLOATS = 1 << 17;

/** The scratch all Winograd kernels share, grown to the largest convolution seen. */
let scratch = allocateFloat32(0);

/** Sizes of one call: tile counts and the scratch regions' offsets (floats). */
interface Plan {
  readonly a: number;
  readonly P: number;
  readonly tiles: number;
  readonly chunk: number;
  /** Filter transform U (or dU), P*C*K. */
  readonly filters: Float32Array;
  /** A second one (the backward pass's transposed U), P*C*K. */
  readonly filters2: Float32Array;
  /** Transformed inputs of a chunk, P*chunk*C. */
  readonly v: Float32Array;
  /** Transformed outputs of a chunk, P*chunk*K. */
  readonly mm: Float32Array;
  /** The transforms' own scratch: a*a vectors, then two tiles of all channels. */
  readonly work: Float32Array;
}

/**
 * Floats from one position's matrix to the next, for matrices of `floats` floats: a whole, odd
 * number of 64-byte lines, so that the a*a matrices' starts fall in different cache sets. (With
 * power-of-two strides the transforms, which read or write all a*a matrices per tile, ran up
 * to 10x slower.)
 */
function positionStride(floats: number): number {
  const lines = Math.ceil(floats / 16);
  return 16 * (lines % 2 === 0 ? lines + 1 : lines);
}

function plan(g: ConvGeometry, m: WinogradTile): Plan {
  const a = m + 2;
  const P = a * a;
  const C = g.inC;
  const K = g.outC;
  const tiles = g.batch * Math.ceil(g.outH / m) * Math.ceil(g.outW / m);
  // A multiple of 4 tiles: the GEMMs' 4-row register tiles then never leave a slower 1-row tail.
  const fit = 4 * Math.floor(CHUNK_FLOATS / (4 * P * (C + K)));
  const chunk = Math.max(4, Math.min(tiles, fit));
  const sizes = [
    P * C * K,
    P * C * K,
    P * positionStride(chunk * C),
    P * positionStride(chunk * K),
    4 * P + 2 * P * Math.max(C, K),
  ].map((n) => 16 * Math.ceil(n / 16)); // whole 64-byte lines
  const total = sizes.reduce((s, n) => s + n, 0);
  if (scratch.length < total) {
    releaseArray(scratch);
    scratch = allocateFloat32(total);
  }
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const n of sizes) {
    parts.push(scratch.subarray(offset, offset + n));
    offset += n;
  }
  const [filters, filters2, v, mm, work] = parts;
  return { a, P, tiles, chunk, filters, filters2, v, mm, work };
}

/**
 * Whether the Winograd kernels can run this convolution with tile m: their scratch is in the
 * arena (allocating it if needed). False when the arena is full: take the direct kernels.
 */
export function winogradScratchReady(g: ConvGeometry, m: WinogradTile): boolean {
  plan(g, m);
  return simdFor(scratch) !== null;
}

/** The SIMD kernels, after checking every array (and the scratch) is in the arena. */
function kernelsFor(...arrays: (FloatArray | null)[]): SimdKernels {
  let simd = simdFor(scratch);
  for (const x of arrays) if (x !== null && simdFor(x) === null) simd = null;
  if (simd === null) throw new Error('Winograd convolution runs on the WebAssembly SIMD path only');
  return simd;
}

/** out = conv(input, filters) + bias by F(m x m, 3x3). Overwrites out. */
export function conv2dForwardWinograd(
  out: FloatArray,
  input: FloatArray,
  filters: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  const { P, tiles, chunk, filters: U, v, mm, work } = plan(g, m);
  const simd = kernelsFor(out, input, filters, bias);
  const C = g.inC;
  const K = g.outC;
  simd.winogradFilters(U.byteOffset, filters.byteOffset, C, K, m, false, work.byteOffset);
  const geometry = geometryAddress(g);
  for (let first = 0; first < tiles; first += chunk) {
    const n = Math.min(chunk, tiles - first);
    const vs = positionStride(n * C);
    const ms = positionStride(n * K);
    simd.winogradInput(v.byteOffset, input.byteOffset, geometry, m, first, n, vs, work.byteOffset);
    zeroRange(mm, 0, P * ms);
    for (let xi = 0; xi < P; xi++) {
      simd.gemmNN(
        mm.byteOffset + 4 * xi * ms,
        v.byteOffset + 4 * xi * vs,
        U.byteOffset + 4 * xi * C * K,
        n,
        C,
        K,
      );
    }
    const b = bias ? bias.byteOffset : 0;
    simd.winogradOutput(
      out.byteOffset,
      mm.byteOffset,
      b,
      geometry,
      m,
      first,
      n,
      ms,
      work.byteOffset,
    );
  }
}

/** dIn = dOut convolved back through the filters, by the adjoint of F(m x m, 3x3). Overwrites dIn. */
export function conv2dBackwardInputWinograd(
  dIn: FloatArray,
  dOut: FloatArray,
  filters: FloatArray,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  conv2dBackwardWinograd({ dIn, filters }, null, dOut, g, m);
}

/**
 * dFilters += the filter gradient by the adjoint of F(m x m, 3x3), and dBias += column sums of
 * dOut. Accumulates.
 */
export function conv2dBackwardFilterWinograd(
  dFilters: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  conv2dBackwardWinograd(null, { dFilters, dBias, input }, dOut, g, m);
}

/**
 * Both gradients in one pass over the tiles, which transforms dOut once for the two:
 * conv2dBackwardInputWinograd's dIn (overwritten) when `toInput`, and
 * conv2dBackwardFilterWinograd's dFilters and dBias (accumulated) when `toFilters`.
 */
export function conv2dBackwardWinograd(
  toInput: { dIn: FloatArray; filters: FloatArray } | null,
  toFilters: { dFilters: FloatArray; dBias: FloatArray | null; input: FloatArray } | null,
  dOut: FloatArray,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  // v holds V (the input transform) and then dV; mm holds dM; UT the transposed U.
  const { P, tiles, chunk, filters: dU, filters2: UT, v, mm, work } = plan(g, m);
  const simd = kernelsFor(
    dOut,
    toInput?.dIn ?? null,
    toInput?.filters ?? null,
    toFilters?.dFilters ?? null,
    toFilters?.dBias ?? null,
    toFilters?.input ?? null,
  );
  const C = g.inC;
  const K = g.outC;
  const w = work.byteOffset;
  const geometry = geometryAddress(g);
  if (toInput) {
    simd.winogradFilters(UT.byteOffset, toInput.filters.byteOffset, C, K, m, true, w);
    zeroRange(toInput.dIn, 0, g.batch * g.inH * g.inW * C);
  }
  if (toFilters) zeroRange(dU);
  for (let first = 0; first < tiles; first += chunk) {
    const n = Math.min(chunk, tiles - first);
    const vs = positionStride(n * C);
    const ms = positionStride(n * K);
    simd.winogradOutputAdjoint(mm.byteOffset, dOut.byteOffset, geometry, m, first, n, ms, w);
    if (toFilters) {
      simd.winogradInput(v.byteOffset, toFilters.input.byteOffset, geometry, m, first, n, vs, w);
      for (let xi = 0; xi < P; xi++) {
        simd.gemmTN(
          dU.byteOffset + 4 * xi * C * K,
          v.byteOffset + 4 * xi * vs,
          mm.byteOffset + 4 * xi * ms,
          n,
          C,
          K,
        );
      }
    }
    if (toInput) {
      zeroRange(v, 0, P * vs);
      for (let xi = 0; xi < P; xi++) {
        simd.gemmNN(
          v.byteOffset + 4 * xi * vs,
          mm.byteOffset + 4 * xi * ms,
          UT.byteOffset + 4 * xi * K * C,
          n,
          K,
          C,
        );
      }
      simd.winogradInputAdjoint(toInput.dIn.byteOffset, v.byteOffset, geometry, m, first, n, vs, w);
    }
  }
  if (toFilters) {
    simd.winogradFilterGradient(toFilters.dFilters.byteOffset, dU.byteOffset, C, K, m, w);
    const { dBias } = toFilters;
    if (dBias) addColumnSums(dBias, dOut, 0, g.batch * g.outH * g.outW, K);
  }
}
