/**
 * Plain stochastic gradient descent (the tutorial's update, 3.1.7): w -= lr * dL/dw, applied to
 * the gradients the layers accumulated, which are then zeroed for the next step.
 */
import { sgdUpdate } from '../kernels/sgd.js';
import type { Param } from '../layers/layer.js';

export interface Optimizer {
  step(params: readonly Param[], learningRate: number): void;
}

export class SGD implements Optimizer {
  step(params: readonly Param[], learningRate: number): void {
    for (const { value, grad } of params) sgdUpdate(value, grad, learningRate);
  }
}
