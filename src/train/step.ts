/**
 * One training step, the same on one thread and many: compute the batch's gradients (on this
 * thread, or sharded over threads by the parallel trainer), then let the optimizer update the
 * weights and zero the gradients. The optimizer runs here only, on the thread that calls it.
 */
import type { Optimizer } from '../optim/optimizer.js';
import type { FloatArray } from '../tensor/tensor.js';
import type { BatchGradients } from './gradients.js';

/** Mean loss and correct count of one training step. */
export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Samples whose largest logit is their label. */
  correct: number;
}

/** A step on the first n samples of x at learning rate lr. */
export type TrainStep = (x: FloatArray, labels: Int32Array, n: number, lr: number) => StepResult;

/**
 * A step that computes the batch's gradients with `gradients`, then lets `optimizer` update the
 * weights and zero the gradients.
 */
export function createTrainStep(gradients: BatchGradients, optimizer: Optimizer): TrainStep {
  const params = gradients.model.params();
  return (x, labels, n, lr) => {
    const { lossSum, correct } = gradients.compute(x, labels, n);
    optimizer.step(params, lr);
    return { loss: lossSum / n, correct };
  };
}
