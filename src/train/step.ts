/**
 * One training step, the same on one thread and many: compute the batch's gradients (on this
 * thread, or sharded over threads by the parallel trainer), then let the optimizer update the
 * weights and zero the gradients. The optimizer runs here only, on the thread that calls it.
 */
import { type Dataset, fillBatch } from '../data/dataset.js';
import type { Optimizer } from '../optim/optimizer.js';
import { allocate, type FloatArray, release, sizeOf } from '../tensor/tensor.js';
import type { BatchGradients, GradientSums } from './gradients.js';

/** Mean loss and correct count of one training step. */
export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Samples whose largest logit is their label. */
  correct: number;
}

/** A training step, given its batch as floats or as samples of a dataset. */
export interface TrainStep {
  /** A step on the first n samples of x at learning rate lr. */
  (x: FloatArray, labels: Int32Array, n: number, lr: number): StepResult;
  /**
   * A step on samples order[start .. start+n) of `data` (order null: file order), scaled to the
   * model's input as fillBatch does: the same step as fillBatch then the call above, bit for
   * bit, but each thread of a parallel trainer scales its own share of the batch.
   */
  samples(
    data: Dataset,
    order: ArrayLike<number> | null,
    start: number,
    n: number,
    lr: number,
  ): StepResult;
}

/**
 * A step that computes the batch's gradients with `gradients`, then lets `optimizer` update the
 * weights and zero the gradients.
 */
export function createTrainStep(gradients: BatchGradients, optimizer: Optimizer): TrainStep {
  const { model } = gradients;
  const params = model.params();
  const update = ({ lossSum, correct }: GradientSums, n: number, lr: number): StepResult => {
    optimizer.step(params, lr);
    return { loss: lossSum / n, correct };
  };
  // For gradients that take only float batches: the batch is filled here.
  let x: FloatArray | null = null;
  let labels = new Int32Array(0);
  const fillThenCompute = (
    data: Dataset,
    order: ArrayLike<number> | null,
    start: number,
    n: number,
  ): GradientSums => {
    const { scale, offset } = model.spec.input;
    const length = n * sizeOf(model.inputShape);
    if (x === null || x.length < length) {
      if (x) release(x);
      x = allocate(model.dtype, length);
      labels = new Int32Array(n);
    }
    fillBatch(x, labels, data, order, start, n, scale, offset);
    return gradients.compute(x, labels, n);
  };
  const computeSamples = gradients.computeSamples?.bind(gradients) ?? fillThenCompute;
  const step = (x: FloatArray, labels: Int32Array, n: number, lr: number) =>
    update(gradients.compute(x, labels, n), n, lr);
  return Object.assign(step, {
    samples: (
      data: Dataset,
      order: ArrayLike<number> | null,
      start: number,
      n: number,
      lr: number,
    ) => update(computeSamples(data, order, start, n), n, lr),
  });
}
