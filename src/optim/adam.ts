/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), in PyTorch's and TF.js's form:
 *   t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2
 *   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * Bias correction uses the step count t starting at 1 (ConvNetJS long got this wrong).
 * Weight decay: Adam adds decay * w to the gradient (L2); AdamW instead shrinks the weight,
 * w -= lr * decay * w, before the Adam step.
 */
import { adamUpdate } from '../kernels/adam.js';
import type { Param } from '../layers/layer.js';
import type { FloatArray } from '../tensor/tensor.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { decays, ensureSlots, restoreSlots } from './optimizer.js';

/** Adam's betas, epsilon and weight decay (decoupled for AdamW). */
export interface AdamConfig {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  /** Decoupled weight decay (AdamW) instead of L2 in the gradient. */
  decoupled?: boolean;
}

/** Adam, or AdamW with decoupled weight decay. */
export class Adam implements Optimizer {
  readonly kind: string;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private t = 0;
  private readonly m: FloatArray[] = [];
  private readonly v: FloatArray[] = [];

  constructor(config: AdamConfig = {}) {
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-8;
    this.weightDecay = config.weightDecay ?? 0;
    this.decoupled = config.decoupled ?? false;
    this.kind = this.decoupled ? 'adamw' : 'adam';
  }

  step(params: readonly Param[], learningRate: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const m = ensureSlots(this.m, params);
    const v = ensureSlots(this.v, params);
    params.forEach((p, k) => {
      const wd = decays(p) ? this.weightDecay : 0;
      adamUpdate(p.value, p.grad, m[k], v[k], {
        beta1: b1,
        beta2: b2,
        c1,
        c2,
        epsilon: eps,
        learningRate,
        l2: this.decoupled ? 0 : wd,
        shrink: this.decoupled ? 1 - learningRate * wd : 1,
      });
    });
  }

  getState(): OptimizerState {
    return { step: this.t, slots: { m: this.m, v: this.v } };
  }

  setState(params: readonly Param[], state: OptimizerState): void {
    this.t = state.step;
    restoreSlots(this.m, params, state.slots.m, 'm');
    restoreSlots(this.v, params, state.slots.v, 'v');
  }
}
