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
    for (let i = 0; i < n; i++) {
      const m = this.rng.uniform() < this.rate ? 0 : keep;
      this.mask[i] = m;
      out.data[i] = input.data[i] * m;
    }
    return out;
  }

  backward(dOut: Tensor): Tensor {
    if (!this.lastTraining) return dOut;
    const dIn = this.buffers.get('dIn', dOut.shape);
    for (let i = 0; i < dOut.data.length; i++) dIn.data[i] = dOut.data[i] * this.mask[i];
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
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
