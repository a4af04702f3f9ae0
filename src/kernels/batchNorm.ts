/**
 * Batch normalisation kernels. The input is read as a matrix [rows, C]: for NHWC conv outputs
 * rows = N*H*W and each channel is normalised over batch and space; for dense outputs rows = N.
 *
 * Training:  mean_c, var_c (biased) over the rows; xhat = (x - mean) * invStd, invStd =
 *            1 / sqrt(var + eps); y = gamma * xhat + beta.
 * Inference: the same with the running mean and variance in place of the batch's.
 * Sums run in float64 whatever the storage type so large batches do not lose precision.
 *
 * Float32 arrays in the arena run on the WebAssembly SIMD twins (wasm/batchNorm.ts): the same
 * float64 arithmetic in the same order, so both paths give the same bits; they read their
 * per-channel operands from a float64 copy in the arena (`channelStats`).
 */

import { allocateFloat64, releaseArray } from '../tensor/arena.js';
import type { FloatArray } from '../tensor/tensor.js';
import { type SimdKernels, simdFor } from './wasm/simd.js';

/** Float64 room in the arena for the SIMD kernels' per-channel operands, grown as needed. */
let statsRoom: Float64Array | null = null;

/**
 * The SIMD kernels and the per-channel `values` copied to float64, C values each, back to back in
 * the arena, if this call can run on the SIMD path with `data` (its float32 arrays); else null.
 */
function channelStats(
  data: FloatArray[],
  C: number,
  values: ArrayLike<number>[],
): { simd: SimdKernels; stats: Float64Array } | null {
  const simd = simdFor(data[0], data[1], data[2]);
  if (simd === null || !data.every((a) => a instanceof Float32Array)) return null;
  const n = values.length * C;
  if (statsRoom === null || statsRoom.length < n) {
    if (statsRoom) releaseArray(statsRoom);
    statsRoom = allocateFloat64(Math.max(n, 64));
  }
  if (simdFor(statsRoom) === null) return null;
  const stats = statsRoom.subarray(0, n);
  for (let k = 0; k < values.length; k++) {
    for (let c = 0; c < C; c++) stats[k * C + c] = values[k][c];
  }
  return { simd, stats };
}

/** Writes y, the normalised input xhat (for backward), and per-channel mean, variance, invStd. */
export function batchNormForwardTraining(
  out: FloatArray,
  xhat: FloatArray,
  mean: FloatArray,
  variance: FloatArray,
  invStd: FloatArray,
  input: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
  rows: number,
  C: number,
  epsilon: number,
): void {
  const sum = new Float64Array(C);
  batchNormChannelSums(sum, input, rows, C);
  for (let c = 0; c < C; c++) mean[c] = sum[c] / rows;
  const sumSq = new Float64Array(C);
  batchNormSquaredDeviationSums(sumSq, input, mean, rows, C);
  batchNormVariance(variance, invStd, sumSq, rows, C, epsilon);
  batchNormNormalize(out, xhat, input, mean, invStd, gamma, beta, rows, C);
}

/*
 * The training forward in steps, so that threads each holding a shard of the batch can add up
 * their partial sums between them (synchronised batch norm): every step is one pass over the
 * shard's rows, and `rows` in the statistics is the whole batch's.
 */

/** sum[c] += the channel's values over `rows` rows. */
export function batchNormChannelSums(
  sum: Float64Array,
  input: FloatArray,
  rows: number,
  C: number,
): void {
  const fast = channelStats([input], C, [sum]);
  if (fast) {
    fast.simd.batchNormChannelSums(fast.stats.byteOffset, input.byteOffset, rows, C);
    sum.set(fast.stats);
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) sum[c] += input[i];
  }
}

/** sumSq[c] += (x - mean[c])^2 over `rows` rows. */
export function batchNormSquaredDeviationSums(
  sumSq: Float64Array,
  input: FloatArray,
  mean: FloatArray,
  rows: number,
  C: number,
): void {
  const fast = channelStats([input], C, [sumSq, mean]);
  if (fast) {
    const { simd, stats } = fast;
    simd.batchNormSquaredDeviationSums(stats.byteOffset, input.byteOffset, rows, C);
    sumSq.set(stats.subarray(0, C));
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      const d = input[i] - mean[c];
      sumSq[c] += d * d;
    }
  }
}

/** The biased variance and invStd = 1 / sqrt(var + eps) from the squared deviations of `rows` rows. */
export function batchNormVariance(
  variance: FloatArray,
  invStd: FloatArray,
  sumSq: Float64Array,
  rows: number,
  C: number,
  epsilon: number,
): void {
  for (let c = 0; c < C; c++) {
    variance[c] = sumSq[c] / rows;
    invStd[c] = 1 / Math.sqrt(sumSq[c] / rows + epsilon);
  }
}

/** xhat = (x - mean) * invStd, y = gamma * xhat + beta. */
export function batchNormNormalize(
  out: FloatArray,
  xhat: FloatArray,
  input: FloatArray,
  mean: FloatArray,
  invStd: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
  rows: number,
  C: number,
): void {
  const fast = channelStats([out, xhat, input], C, [mean, invStd, gamma, beta]);
  if (fast) {
    const { simd, stats } = fast;
    simd.batchNormNormalize(
      out.byteOffset,
      xhat.byteOffset,
      input.byteOffset,
      stats.byteOffset,
      rows,
      C,
    );
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      const h = (input[i] - mean[c]) * invStd[c];
      xhat[i] = h;
      out[i] = gamma[c] * h + beta[c];
    }
  }
}

export function batchNormForwardInference(
  out: FloatArray,
  input: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
  runningMean: FloatArray,
  runningVar: FloatArray,
  rows: number,
  C: number,
  epsilon: number,
): void {
  const scale = new Float64Array(C);
  for (let c = 0; c < C; c++) scale[c] = gamma[c] / Math.sqrt(runningVar[c] + epsilon);
  const fast = channelStats([out, input], C, [runningMean, scale, beta]);
  if (fast) {
    fast.simd.batchNormInference(out.byteOffset, input.byteOffset, fast.stats.byteOffset, rows, C);
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) out[i] = (input[i] - runningMean[c]) * scale[c] + beta[c];
  }
}

/**
 * Backward of the training-mode forward: dBeta += sum dy, dGamma += sum dy * xhat, and
 * dx = gamma * invStd / m * (m * dy - sum dy - xhat * sum(dy * xhat)) with m = rows.
 * Overwrites dIn (may be null for the first layer); accumulates dGamma and dBeta.
 */
export function batchNormBackward(
  dIn: FloatArray | null,
  dGamma: FloatArray,
  dBeta: FloatArray,
  dOut: FloatArray,
  xhat: FloatArray,
  invStd: FloatArray,
  gamma: FloatArray,
  rows: number,
  C: number,
): void {
  const sumDy = new Float64Array(C);
  const sumDyXhat = new Float64Array(C);
  batchNormBackwardSums(sumDy, sumDyXhat, dOut, xhat, rows, C);
  for (let c = 0; c < C; c++) {
    dBeta[c] += sumDy[c];
    dGamma[c] += sumDyXhat[c];
  }
  if (dIn) batchNormBackwardInput(dIn, dOut, xhat, sumDy, sumDyXhat, gamma, invStd, rows, rows, C);
}

/** sumDy[c] += sum dy and sumDyXhat[c] += sum dy * xhat over `rows` rows. */
export function batchNormBackwardSums(
  sumDy: Float64Array,
  sumDyXhat: Float64Array,
  dOut: FloatArray,
  xhat: FloatArray,
  rows: number,
  C: number,
): void {
  const fast = channelStats([dOut, xhat], C, [sumDy, sumDyXhat]);
  if (fast) {
    const { simd, stats } = fast;
    simd.batchNormBackwardSums(stats.byteOffset, dOut.byteOffset, xhat.byteOffset, rows, C);
    sumDy.set(stats.subarray(0, C));
    sumDyXhat.set(stats.subarray(C));
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      sumDy[c] += dOut[i];
      sumDyXhat[c] += dOut[i] * xhat[i];
    }
  }
}

/**
 * dx over `rows` rows, from the sums over the whole batch's `batchRows` rows (more than `rows`
 * when this thread holds one shard of it).
 */
export function batchNormBackwardInput(
  dIn: FloatArray,
  dOut: FloatArray,
  xhat: FloatArray,
  sumDy: Float64Array,
  sumDyXhat: Float64Array,
  gamma: FloatArray,
  invStd: FloatArray,
  rows: number,
  batchRows: number,
  C: number,
): void {
  const k = new Float64Array(C);
  const meanDy = new Float64Array(C);
  const meanDyXhat = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    k[c] = gamma[c] * invStd[c];
    meanDy[c] = sumDy[c] / batchRows;
    meanDyXhat[c] = sumDyXhat[c] / batchRows;
  }
  const fast = channelStats([dIn, dOut, xhat], C, [k, meanDy, meanDyXhat]);
  if (fast) {
    const { simd, stats } = fast;
    simd.batchNormBackwardInput(
      dIn.byteOffset,
      dOut.byteOffset,
      xhat.byteOffset,
      stats.byteOffset,
      rows,
      C,
    );
    return;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      dIn[i] = k[c] * (dOut[i] - meanDy[c] - xhat[i] * meanDyXhat[c]);
    }
  }
}

/**
 * Backward of the inference-mode forward, an affine map per channel: dx = dy * gamma * s,
 * dGamma += sum dy * (x - runningMean) * s, dBeta += sum dy, with s = 1 / sqrt(runningVar + eps).
 * Overwrites dIn (may be null); accumulates dGamma and dBeta.
 */
export function batchNormBackwardInference(
  dIn: FloatArray | null,
  dGamma: FloatArray,
  dBeta: FloatArray,
  dOut: FloatArray,
  input: FloatArray,
  gamma: FloatArray,
  runningMean: FloatArray,
  runningVar: FloatArray,
  rows: number,
  C: number,
  epsilon: number,
): void {
  const s = new Float64Array(C);
  for (let c = 0; c < C; c++) s[c] = 1 / Math.sqrt(runningVar[c] + epsilon);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      dBeta[c] += dOut[i];
      dGamma[c] += dOut[i] * (input[i] - runningMean[c]) * s[c];
      if (dIn) dIn[i] = dOut[i] * gamma[c] * s[c];
    }
  }
}
