/**
 * Batch normalisation over the last axis: per channel for conv outputs [H, W, C], per unit for
 * dense outputs [U]. Training normalises with the batch's statistics and updates the running
 * mean and variance (running = momentum * running + (1 - momentum) * batch, the variance
 * unbiased by m / (m - 1) as in PyTorch and Keras); inference uses the running statistics.
 *
 * When threads share a batch (data-parallel training), each holds one shard of it; with a
 * `crossThreadSum` the batch statistics and their gradient sums are added up over all threads,
 * so every thread normalises with the whole batch's mean and variance, as one thread would
 * (synchronised batch norm).
 */

import {
  batchNormBackward,
  batchNormBackwardInference,
  batchNormBackwardInput,
  batchNormBackwardSums,
  batchNormChannelSums,
  batchNormForwardInference,
  batchNormForwardTraining,
  batchNormNormalize,
  batchNormSquaredDeviationSums,
  batchNormVariance,
} from '../kernels/batchNorm.js';
import { batchNormOnnx } from '../onnx/layers/batchNorm.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor/tensor.js';
import { allocate, sizeOf } from '../tensor/tensor.js';
import { fraction, optional, shown } from './configCheck.js';
import type { Layer, Param, StateTensor } from './layer.js';
import { BufferCache, batchOf, fromForward } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { sameSize } from './layerSize.js';

/** Batch normalisation settings. */
export interface BatchNormConfig {
  /** Weight of the old running statistics in each update (default 0.9). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
}

/**
 * Adds each thread's values to the others' in place, the same totals in every thread sharing
 * the batch (src/parallel sets it; the order of the additions is fixed, so runs repeat).
 */
export type CrossThreadSum = (values: Float64Array) => void;

/** Batch normalisation per channel: batch statistics in training, running averages in inference. */
export class BatchNorm implements Layer {
  readonly kind = 'batchNorm';
  readonly outputShape: Shape;
  readonly channels: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma: FloatArray;
  readonly beta: FloatArray;
  readonly gammaGrad: FloatArray;
  readonly betaGrad: FloatArray;
  readonly runningMean: FloatArray;
  readonly runningVar: FloatArray;
  private readonly mean: FloatArray;
  private readonly variance: FloatArray;
  private readonly invStd: FloatArray;
  private readonly buffers: BufferCache;
  /** Set while threads share each batch (see CrossThreadSum); null on one thread. */
  crossThreadSum: CrossThreadSum | null = null;
  private lastRows = 0;
  /** Rows of the whole batch (over all threads) in the last training forward. */
  private lastBatchRows = 0;
  /** The last forward's cache: xhat in training mode, the input in inference mode. */
  private lastXhat: Tensor | null = null;
  private lastInput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    config: BatchNormConfig,
    readonly dtype: DType = 'float32',
  ) {
    this.channels = inputShape[inputShape.length - 1];
    this.momentum = config.momentum ?? 0.9;
    this.epsilon = config.epsilon ?? 1e-5;
    this.outputShape = [...inputShape];
    this.gamma = allocate(dtype, this.channels).fill(1);
    this.beta = allocate(dtype, this.channels);
    this.gammaGrad = allocate(dtype, this.channels);
    this.betaGrad = allocate(dtype, this.channels);
    this.runningMean = allocate(dtype, this.channels);
    this.runningVar = allocate(dtype, this.channels).fill(1);
    this.mean = allocate(dtype, this.channels);
    this.variance = allocate(dtype, this.channels);
    this.invStd = allocate(dtype, this.channels);
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    const shape = [this.channels];
    return [
      { name: 'gamma', shape, value: this.gamma, grad: this.gammaGrad },
      { name: 'beta', shape, value: this.beta, grad: this.betaGrad },
    ];
  }

  stateTensors(): StateTensor[] {
    const shape = [this.channels];
    return [
      { name: 'runningMean', shape, value: this.runningMean },
      { name: 'runningVar', shape, value: this.runningVar },
    ];
  }

  forward(input: Tensor, training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, 'batchNorm');
    const C = this.channels;
    const rows = (batch * sizeOf(this.inputShape)) / C;
    const out = this.buffers.get('out', input.shape);
    if (!training) {
      batchNormForwardInference(
        out.data,
        input.data,
        this.gamma,
        this.beta,
        this.runningMean,
        this.runningVar,
        rows,
        C,
        this.epsilon,
      );
      this.lastRows = rows;
      this.lastXhat = null;
      this.lastInput = input;
      return out;
    }
    const xhat = this.buffers.get('xhat', input.shape);
    let batchRows = rows;
    if (this.crossThreadSum) {
      batchRows = this.forwardSynchronised(out.data, xhat.data, input.data, rows);
    } else {
      batchNormForwardTraining(
        out.data,
        xhat.data,
        this.mean,
        this.variance,
        this.invStd,
        input.data,
        this.gamma,
        this.beta,
        rows,
        C,
        this.epsilon,
      );
    }
    const m = this.momentum;
    const unbias = batchRows > 1 ? batchRows / (batchRows - 1) : 1;
    for (let c = 0; c < C; c++) {
      this.runningMean[c] = m * this.runningMean[c] + (1 - m) * this.mean[c];
      this.runningVar[c] = m * this.runningVar[c] + (1 - m) * this.variance[c] * unbias;
    }
    this.lastBatchRows = batchRows;
    this.lastRows = rows;
    this.lastXhat = xhat;
    this.lastInput = null;
    return out;
  }

  /** The training forward on this thread's shard with the whole batch's statistics; returns its rows. */
  private forwardSynchronised(
    out: FloatArray,
    xhat: FloatArray,
    input: FloatArray,
    rows: number,
  ): number {
    const sumAcross = this.crossThreadSum as CrossThreadSum;
    const C = this.channels;
    // Channel sums and, last, the row count: the shards' sizes need not be equal.
    const sums = new Float64Array(C + 1);
    batchNormChannelSums(sums, input, rows, C);
    sums[C] = rows;
    sumAcross(sums);
    const batchRows = sums[C];
    for (let c = 0; c < C; c++) this.mean[c] = sums[c] / batchRows;
    const sumSq = new Float64Array(C);
    batchNormSquaredDeviationSums(sumSq, input, this.mean, rows, C);
    sumAcross(sumSq);
    batchNormVariance(this.variance, this.invStd, sumSq, batchRows, C, this.epsilon);
    batchNormNormalize(out, xhat, input, this.mean, this.invStd, this.gamma, this.beta, rows, C);
    return batchRows;
  }

  backward(dOut: Tensor): Tensor {
    const dIn = this.buffers.get('dIn', dOut.shape);
    this.backwardInto(dIn.data, dOut);
    return dIn;
  }

  backwardParamsOnly(dOut: Tensor): void {
    this.backwardInto(null, dOut);
  }

  private backwardInto(dIn: FloatArray | null, dOut: Tensor): void {
    if (this.lastInput) {
      batchNormBackwardInference(
        dIn,
        this.gammaGrad,
        this.betaGrad,
        dOut.data,
        this.lastInput.data,
        this.gamma,
        this.runningMean,
        this.runningVar,
        this.lastRows,
        this.channels,
        this.epsilon,
      );
      return;
    }
    const xhat = fromForward(this.lastXhat, 'batchNorm');
    if (this.crossThreadSum) {
      this.backwardSynchronised(dIn, dOut.data, xhat.data);
      return;
    }
    batchNormBackward(
      dIn,
      this.gammaGrad,
      this.betaGrad,
      dOut.data,
      xhat.data,
      this.invStd,
      this.gamma,
      this.lastRows,
      this.channels,
    );
  }

  /** Parameter gradients from this shard (the trainer adds the shards up), dx from the whole batch's sums. */
  private backwardSynchronised(dIn: FloatArray | null, dOut: FloatArray, xhat: FloatArray): void {
    const C = this.channels;
    const sums = new Float64Array(2 * C);
    const sumDy = sums.subarray(0, C);
    const sumDyXhat = sums.subarray(C);
    batchNormBackwardSums(sumDy, sumDyXhat, dOut, xhat, this.lastRows, C);
    for (let c = 0; c < C; c++) {
      this.betaGrad[c] += sumDy[c];
      this.gammaGrad[c] += sumDyXhat[c];
    }
    if (!dIn) return;
    (this.crossThreadSum as CrossThreadSum)(sums);
    batchNormBackwardInput(
      dIn,
      dOut,
      xhat,
      sumDy,
      sumDyXhat,
      this.gamma,
      this.invStd,
      this.lastRows,
      this.lastBatchRows,
      C,
    );
  }
}

export const batchNormLayer = defineLayer({
  type: 'batchNorm',
  description: 'batch normalisation over the last axis: momentum (0.9), epsilon (1e-5)',
  validate: (v, where): { type: 'batchNorm' } & BatchNormConfig => ({
    type: 'batchNorm',
    momentum: optional(v, 'momentum', (x) => fraction(x, `${where} momentum`, false)),
    epsilon: optional(v, 'epsilon', (x) => {
      if (typeof x !== 'number' || !(x > 0 && x < 1))
        throw new Error(`${where} epsilon must be a number in (0, 1), got ${shown(x)}`);
      return x;
    }),
  }),
  build: (spec, c) => new BatchNorm(c.inputShape, spec, c.dtype),
  size: (_spec, input) => {
    const channels = input[input.length - 1];
    return { ...sameSize(input), params: 2 * channels, state: 2 * channels };
  },
  torch: (spec, { inputShape }) => [
    {
      module: inputShape.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d',
      args: {
        num_features: inputShape[inputShape.length - 1],
        eps: spec.epsilon ?? 1e-5,
        // PyTorch weighs the new batch statistics by its momentum, we weigh the old ones.
        momentum: Number((1 - (spec.momentum ?? 0.9)).toPrecision(12)),
      },
      tensors: {
        gamma: { name: 'weight' },
        beta: { name: 'bias' },
        runningMean: { name: 'running_mean' },
        runningVar: { name: 'running_var' },
      },
    },
  ],
  onnx: batchNormOnnx,
});
