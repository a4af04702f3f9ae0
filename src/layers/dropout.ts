/**
 * Inverted dropout: in training each value is zeroed with probability `rate` and the survivors
 * are scaled by 1 / (1 - rate), so inference is the identity. The mask comes from the model's
 * seeded noise generator, so runs (and resumed runs) repeat exactly.
 */
import { dropoutOnnx } from '../onnx/layers/dropout.js';
import type { Random } from '../random/prng.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { fraction } from './configCheck.js';
import { BufferCache, batchOf, type Layer, type Param } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { sameSize } from './layerSize.js';

/** Dropout settings. */
export interface DropoutConfig {
  /** Fraction of values dropped in training, in [0, 1). */
  rate: number;
}

/** Inverted dropout: zeroes a random fraction in training and scales the rest; identity in inference. */
export class Dropout implements Layer {
  readonly kind = 'dropout';
  readonly outputShape: Shape;
  readonly rate: number;
  private readonly buffers: BufferCache;
  private mask: FloatArray;
  private lastTraining = false;

  constructor(
    readonly inputShape: Shape,
    config: DropoutConfig,
    private readonly rng: Random,
    readonly dtype: DType = 'float32',
  ) {
    if (!(config.rate >= 0 && config.rate < 1))
      throw new Error(`dropout rate must be in [0, 1), got ${config.rate}`);
    this.rate = config.rate;
    this.outputShape = [...inputShape];
    this.buffers = new BufferCache(dtype);
    this.mask = allocate(dtype, 0);
  }

  params(): Param[] {
    return [];
  }

  forward(input: Tensor, training: boolean): Tensor {
    batchOf(input, this.inputShape, 'dropout');
    this.lastTraining = training && this.rate > 0;
    if (!this.lastTraining) return input;
    const n = input.data.length;
    if (this.mask.length !== n) this.mask = allocate(this.dtype, n);
    const keep = 1 / (1 - this.rate);
    const out = this.buffers.get('out', input.shape);
    const mask = this.mask;
    drawDropoutMask(mask, n, this.rate, keep, this.rng);
    const x = input.data;
    const y = out.data;
    for (let i = 0; i < n; i++) y[i] = x[i] * (mask[i] === 0 ? 0 : keep);
    return out;
  }

  backward(dOut: Tensor): Tensor {
    if (!this.lastTraining) return dOut;
    const dIn = this.buffers.get('dIn', dOut.shape);
    const [dx, dy, mask] = [dIn.data, dOut.data, this.mask];
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * mask[i];
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}

/**
 * mask[i] = 0 (dropped) or keep for i < n, drawing from rng exactly as n calls of
 * `rng.uniform() < rate ? 0 : keep` would, and leaving rng where they would. The generator's
 * xoshiro128** steps run here on local integers, from and back to its saved state: a call of
 * the method costs ~20 ns a draw (its state, unsigned 32-bit numbers, lives in object fields as
 * doubles), this loop a few.
 */
export function drawDropoutMask(
  mask: FloatArray,
  n: number,
  rate: number,
  keep: number,
  rng: Random,
): void {
  const state = rng.getState();
  let [a, b, c, d] = state;
  // uniform() < rate is u / 2^32 < rate for the raw draw u: the same as u < rate * 2^32, exactly.
  const threshold = rate * 4294967296;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(b, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    mask[i] = u < threshold ? 0 : keep;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  rng.setState(state);
}

export const dropoutLayer = defineLayer({
  type: 'dropout',
  description: 'inverted dropout in training, identity at inference: rate in [0, 1)',
  validate: (v, where): { type: 'dropout' } & DropoutConfig => ({
    type: 'dropout',
    rate: fraction(v.rate, `${where} rate`, false),
  }),
  build: (spec, c) => new Dropout(c.inputShape, spec, c.noise, c.dtype),
  size: (_spec, input) => sameSize(input),
  torch: (spec) => [{ module: 'Dropout', args: { p: spec.rate } }],
  onnx: dropoutOnnx,
});
