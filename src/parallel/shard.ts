/**
 * One data-parallel shard's forward and backward pass: the work each thread does on its slice of
 * a mini-batch. Shared by the main thread (shard 0) and the workers so both run the same code.
 */
import { softmaxCrossEntropy } from '../kernels/softmaxCrossEntropy.js';
import { BufferCache } from '../layers/layer.js';
import type { Sequential } from '../model/sequential.js';
import { type FloatArray, sizeOf } from '../tensor/tensor.js';

export interface ShardResult {
  /** Sum (not mean) of the shard's per-sample losses. */
  lossSum: number;
  correct: number;
}

export class ShardRunner {
  private readonly buffers: BufferCache;
  private readonly inputShape: readonly number[];

  constructor(readonly model: Sequential) {
    this.buffers = new BufferCache(model.dtype);
    this.inputShape = model.inputShape;
  }

  /**
   * Forward and backward on samples [start, start + count) of the batch `x`/`labels`, adding to
   * the model's gradients. dL/dlogits is scaled by 1 / batchSize (the WHOLE batch), so the shard
   * gradients sum to the gradient of the batch-mean loss, as the single-thread trainer computes.
   */
  run(
    x: FloatArray,
    labels: Int32Array,
    start: number,
    count: number,
    batchSize: number,
  ): ShardResult {
    if (count === 0) return { lossSum: 0, correct: 0 };
    const px = sizeOf(this.inputShape);
    const input = this.buffers.get('x', [count, ...this.inputShape]);
    input.data.set(x.subarray(start * px, (start + count) * px));
    const logits = this.model.forward(input, true);
    const C = logits.shape[1];
    const probs = this.buffers.get('probs', logits.shape);
    const grad = this.buffers.get('grad', logits.shape);
    const shardLabels = labels.subarray(start, start + count);
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
    for (let b = 0; b < count; b++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (logits.data[b * C + c] > logits.data[b * C + best]) best = c;
      if (best === shardLabels[b]) correct++;
    }
    this.model.backward(grad);
    return { lossSum, correct };
  }
}
