/**
 * The gradient half of a training step: forward, fused softmax cross-entropy and backward over a
 * batch, accumulating parameter gradients in the model. A batch is computed as shards (contiguous
 * slices of it): one thread computes the whole batch as one shard; the data-parallel trainer
 * (src/parallel) has each thread compute one shard and adds the results up. Both run ShardRunner,
 * so one thread and the parallel trainer on one thread do the same arithmetic.
 */
import { type Dataset, fillBatch } from '../data/dataset.js';
import { argmax } from '../kernels/argmax.js';
import { copyRange } from '../kernels/bulk.js';
import { softmaxCrossEntropy } from '../kernels/softmaxCrossEntropy.js';
import { BufferCache } from '../layers/layer.js';
import type { Sequential } from '../model/sequential.js';
import { type FloatArray, sizeOf, type Tensor } from '../tensor/tensor.js';

/** What computing one batch's gradients reports besides the gradients. */
export interface GradientSums {
  /** Sum (not mean) of the per-sample losses. */
  lossSum: number;
  /** Samples whose largest logit is their label. */
  correct: number;
}

/**
 * Computes a batch's gradients for `model`: adds dL/dparams of the mean loss over samples
 * [0, n) of x (NHWC, [n, ...inputShape] or more) to the model's parameter gradients.
 */
export interface BatchGradients {
  /** The model whose parameter gradients are computed. */
  readonly model: Sequential;
  /**
   * Adds the gradients of the mean loss over the first n samples of `x` to the model's
   * gradients; returns their loss sum and correct count.
   */
  compute(x: FloatArray, labels: Int32Array, n: number): GradientSums;
  /**
   * `compute` on samples order[start .. start+n) of `data` (order null: file order), scaled to
   * the model's input (byte * scale + offset) by whichever thread computes each sample, so no
   * thread waits for a whole batch to be converted. The same sums as fillBatch then `compute`,
   * bit for bit. Without it the training step fills the batch itself and calls `compute`.
   */
  computeSamples?(
    data: Dataset,
    order: ArrayLike<number> | null,
    start: number,
    n: number,
  ): GradientSums;
}

export class ShardRunner {
  private readonly buffers: BufferCache;
  private readonly inputShape: readonly number[];
  private readonly px: number;
  /** The shard's labels in runSamples. */
  private labels = new Int32Array(0);

  constructor(readonly model: Sequential) {
    this.buffers = new BufferCache(model.dtype);
    this.inputShape = model.inputShape;
    this.px = sizeOf(model.inputShape);
  }

  /**
   * Forward and backward on samples [start, start + count) of the batch `x`/`labels`, adding to
   * the model's gradients. dL/dlogits is scaled by 1 / batchSize (the WHOLE batch), so the shard
   * gradients sum to the gradient of the batch-mean loss.
   */
  run(
    x: FloatArray,
    labels: Int32Array,
    start: number,
    count: number,
    batchSize: number,
  ): GradientSums {
    if (count === 0) return { lossSum: 0, correct: 0 };
    const { px } = this;
    // Copied even when the shard is all of x, so every caller's samples reach the kernels from
    // the same (arena) memory and therefore by the same arithmetic.
    const input = this.buffers.get('x', [count, ...this.inputShape]);
    copyRange(input.data, 0, x, start * px, count * px);
    return this.forwardBackward(input, labels.subarray(start, start + count), batchSize);
  }

  /**
   * `run` on samples order[first + start .. first + start + count) of `data`, scaled straight
   * into the model's input buffer: the same values fillBatch writes, without a batch in between.
   */
  runSamples(
    data: Dataset,
    order: ArrayLike<number> | null,
    first: number,
    start: number,
    count: number,
    batchSize: number,
  ): GradientSums {
    if (count === 0) return { lossSum: 0, correct: 0 };
    const { scale, offset } = this.model.spec.input;
    const input = this.buffers.get('x', [count, ...this.inputShape]);
    if (this.labels.length < count) this.labels = new Int32Array(count);
    const labels = this.labels.subarray(0, count);
    fillBatch(input.data, labels, data, order, first + start, count, scale, offset);
    return this.forwardBackward(input, labels, batchSize);
  }

  private forwardBackward(input: Tensor, shardLabels: Int32Array, batchSize: number): GradientSums {
    const count = shardLabels.length;
    const logits = this.model.forward(input, true);
    const C = logits.shape[1];
    const probs = this.buffers.get('probs', logits.shape);
    const grad = this.buffers.get('grad', logits.shape);
    const lossSum = softmaxCrossEntropy(
      probs.data,
      grad.data,
      logits.data,
      shardLabels,
      count,
      C,
      1 / batchSize,
    );
    let correct = 0;
    for (let b = 0; b < count; b++) if (argmax(logits.data, b * C, C) === shardLabels[b]) correct++;
    this.model.backward(grad);
    return { lossSum, correct };
  }
}

/** The whole batch as one shard, on this thread: the default for `train`. */
export function localGradients(model: Sequential): BatchGradients {
  const runner = new ShardRunner(model);
  return {
    model,
    compute: (x, labels, n) => runner.run(x, labels, 0, n, n),
    computeSamples: (data, order, start, n) => runner.runSamples(data, order, start, 0, n, n),
  };
}
