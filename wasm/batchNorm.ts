/**
 * Batch normalisation of src/kernels/batchNorm.ts in SIMD. The TypeScript kernels compute in
 * float64 (sums, and every per-value formula before its result is stored as float32); these do
 * the same in f64x2 lanes, four channels at a time, each channel's sums in the same row order,
 * so both paths give the same bits. Values are f32 [rows, C] arrays with the channels innermost
 * (NHWC); per-channel operands come as `stats`, f64 arrays of C values back to back.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { high, join, low } from './f64Lanes';

/** The kernels below, each a different step on the one walk over the rows (eachRow). */
const SUMS = 0;
const SQUARES = 1;
const NORMALIZE = 2;
const INFERENCE = 3;
const BACKWARD_SUMS = 4;
const BACKWARD_INPUT = 5;

/** sum[c] += x over rows; stats = [sum]. */
export function batchNormChannelSums(stats: usize, input: usize, rows: i32, C: i32): void {
  eachRow(SUMS, input, 0, 0, stats, rows, C);
}

/** sumSq[c] += (x - mean[c])^2 over rows; stats = [sumSq, mean]. */
export function batchNormSquaredDeviationSums(stats: usize, input: usize, rows: i32, C: i32): void {
  eachRow(SQUARES, input, 0, 0, stats, rows, C);
}

/** h = (x - mean) * invStd, xhat = h, out = gamma * h + beta; stats = [mean, invStd, gamma, beta]. */
export function batchNormNormalize(out: usize, xhat: usize, input: usize, stats: usize, rows: i32, C: i32): void {
  eachRow(NORMALIZE, input, xhat, out, stats, rows, C);
}

/** out = (x - runningMean) * scale + beta; stats = [runningMean, scale, beta]. */
export function batchNormInference(out: usize, input: usize, stats: usize, rows: i32, C: i32): void {
  eachRow(INFERENCE, input, 0, out, stats, rows, C);
}

/** sumDy[c] += dy, sumDyXhat[c] += dy * xhat over rows; stats = [sumDy, sumDyXhat]. */
export function batchNormBackwardSums(stats: usize, dOut: usize, xhat: usize, rows: i32, C: i32): void {
  eachRow(BACKWARD_SUMS, dOut, xhat, 0, stats, rows, C);
}

/** dx = scale * (dy - meanDy - xhat * meanDyXhat); stats = [scale, meanDy, meanDyXhat]. */
export function batchNormBackwardInput(dIn: usize, dOut: usize, xhat: usize, stats: usize, rows: i32, C: i32): void {
  eachRow(BACKWARD_INPUT, dOut, xhat, dIn, stats, rows, C);
}

/**
 * Every row of the f32 arrays x, y, z (the kernel's: 0 where unused), four channels at a time,
 * then one by one; `op` is a constant, so each kernel inlines to its own loop.
 */
// @ts-ignore: decorator
@inline
function eachRow(op: i32, x: usize, y: usize, z: usize, stats: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  const k = (<usize>C) << 3; // bytes from one stats array to the next
  let o: usize = 0;
  for (let r = 0; r < rows; r++, o += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const c4 = o + ((<usize>c) << 2);
      step(op, 4, x + c4, y + c4, z + c4, stats + ((<usize>c) << 3), k);
    }
    for (; c < C; c++) {
      const c4 = o + ((<usize>c) << 2);
      step(op, 1, x + c4, y + c4, z + c4, stats + ((<usize>c) << 3), k);
    }
  }
}

/**
 * `op` on n channels (4, or 1) of one row: x, y, z point at the first channel's value in the
 * kernel's arrays, s at its entry in the first stats array, the others k bytes apart. Four
 * channels are two f64x2 halves, the second's stats 16 bytes on; one channel is lane 0 of one.
 */
// @ts-ignore: decorator
@inline
function step(op: i32, n: i32, x: usize, y: usize, z: usize, s: usize, k: usize): void {
  const lanes = n == 4 ? 2 : 1;
  const zero = f64x2.splat(0);
  const v = n == 4 ? v128.load(x) : v128.load32_zero(x);
  let v0 = low(v);
  let v1 = n == 4 ? high(v) : zero;
  // The second input: xhat in the backward passes.
  const readsY = op == BACKWARD_SUMS || op == BACKWARD_INPUT;
  const w = readsY ? (n == 4 ? v128.load(y) : v128.load32_zero(y)) : zero;
  const w0 = readsY ? low(w) : zero;
  const w1 = readsY && n == 4 ? high(w) : zero;
  if (op == SUMS || op == SQUARES || op == BACKWARD_SUMS) {
    addSums(op, lanes, v0, w0, s, k);
    if (n == 4) addSums(op, 2, v1, w1, s + 16, k);
    return;
  }
  if (op == NORMALIZE) {
    v0 = f64x2.mul(f64x2.sub(v0, loadStats(lanes, s)), loadStats(lanes, s + k));
    if (n == 4) v1 = f64x2.mul(f64x2.sub(v1, loadStats(2, s + 16)), loadStats(2, s + k + 16));
  }
  const z0 = output(op, lanes, v0, w0, s, k);
  const z1 = n == 4 ? output(op, 2, v1, w1, s + 16, k) : zero;
  if (op == NORMALIZE) storeValues(n, y, v0, v1);
  storeValues(n, z, z0, z1);
}

/** The sums kernels' step on `lanes` channels of f64x2 values v (and w). */
// @ts-ignore: decorator
@inline
function addSums(op: i32, lanes: i32, v: v128, w: v128, s: usize, k: usize): void {
  if (op == SUMS) {
    accumulate(lanes, s, v);
  } else if (op == SQUARES) {
    const d = f64x2.sub(v, loadStats(lanes, s + k));
    accumulate(lanes, s, f64x2.mul(d, d));
  } else {
    accumulate(lanes, s, v);
    accumulate(lanes, s + k, f64x2.mul(v, w));
  }
}

/** The output value of the other kernels (for NORMALIZE, v is h) on `lanes` channels. */
// @ts-ignore: decorator
@inline
function output(op: i32, lanes: i32, v: v128, w: v128, s: usize, k: usize): v128 {
  if (op == NORMALIZE) return f64x2.add(f64x2.mul(loadStats(lanes, s + 2 * k), v), loadStats(lanes, s + 3 * k));
  if (op == INFERENCE) {
    const y = f64x2.mul(f64x2.sub(v, loadStats(lanes, s)), loadStats(lanes, s + k));
    return f64x2.add(y, loadStats(lanes, s + 2 * k));
  }
  const t = f64x2.sub(f64x2.sub(v, loadStats(lanes, s + k)), f64x2.mul(w, loadStats(lanes, s + 2 * k)));
  return f64x2.mul(loadStats(lanes, s), t);
}

/** n f32 values to p: a's two lanes then b's (n = 4), or a's lane 0 (n = 1), rounded from f64. */
// @ts-ignore: decorator
@inline
function storeValues(n: i32, p: usize, a: v128, b: v128): void {
  if (n == 4) v128.store(p, join(a, b));
  else v128.store32_lane(p, f32x4.demote_f64x2_zero(a), 0);
}

/** `lanes` (2 or 1) f64 stats at p (lane 1 zero when 1). */
// @ts-ignore: decorator
@inline
function loadStats(lanes: i32, p: usize): v128 {
  return lanes == 2 ? v128.load(p) : v128.load64_zero(p);
}

/** The `lanes` f64 stats at p += the first lanes of v. */
// @ts-ignore: decorator
@inline
function accumulate(lanes: i32, p: usize, v: v128): void {
  const sum = f64x2.add(loadStats(lanes, p), v);
  if (lanes == 2) v128.store(p, sum);
  else v128.store64_lane(p, sum, 0);
}
