/**
 * Stochastic gradient descent. Plain SGD is the tutorial's update (3.1.7): w -= lr * dL/dw.
 * With momentum (PyTorch's and TF.js's form): g = dL/dw + decay * w; v = momentum * v + g;
 * w -= lr * v, or with Nesterov w -= lr * (g + momentum * v). Gradients are zeroed after the step.
 */
import { sgdUpdate } from '../kernels/sgd.js';
import type { Param } from '../layers/layer.js';
import type { FloatArray } from '../tensor/tensor.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { decays, ensureSlots, restoreSlots } from './optimizer.js';

export type { Optimizer } from './optimizer.js';

/** SGD's momentum, Nesterov switch and weight decay (all off by default). */
export interface SGDConfig {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** Stochastic gradient descent, optionally with momentum, Nesterov and weight decay. */
export class SGD implements Optimizer {
  readonly kind = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private steps = 0;
  private readonly velocity: FloatArray[] = [];

  constructor(config: SGDConfig = {}) {
    this.momentum = config.momentum ?? 0;
    this.nesterov = config.nesterov ?? false;
    this.weightDecay = config.weightDecay ?? 0;
    if (this.nesterov && this.momentum <= 0) throw new Error('Nesterov SGD needs a momentum > 0');
  }

  step(params: readonly Param[], learningRate: number): void {
    this.steps++;
    if (this.momentum === 0 && this.weightDecay === 0) {
      // The tutorial's update, exactly (a SIMD kernel where the arrays allow it).
      for (const { value, grad } of params) sgdUpdate(value, grad, learningRate);
      return;
    }
    const mu = this.momentum;
    const velocity = ensureSlots(this.velocity, params);
    params.forEach((p, k) => {
      const { value, grad } = p;
      const v = velocity[k];
      const wd = decays(p) ? this.weightDecay : 0;
      for (let i = 0; i < value.length; i++) {
        const g = grad[i] + wd * value[i];
        if (mu === 0) {
          value[i] -= learningRate * g;
        } else {
          v[i] = mu * v[i] + g;
          value[i] -= learningRate * (this.nesterov ? g + mu * v[i] : v[i]);
        }
        grad[i] = 0;
      }
    });
  }

  getState(): OptimizerState {
    return { step: this.steps, slots: this.momentum > 0 ? { velocity: this.velocity } : {} };
  }

  setState(params: readonly Param[], state: OptimizerState): void {
    this.steps = state.step;
    if (this.momentum > 0) restoreSlots(this.velocity, params, state.slots.velocity, 'velocity');
  }
}
