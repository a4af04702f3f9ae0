/**
 * MaxPool2D layer (tutorial 3.1.4 forward, 3.1.8 backward). Default 2x2 windows, stride 2,
 * odd sizes floored. `ties` picks how the gradient of a window with several equal maxima is
 * routed: `first` (first in row-major order, as PyTorch and TF.js; the default) or `all` (every
 * tied maximum gets it, as the tutorial's code does). See kernels/maxPool2d.ts.
 */

import { type ConvGeometry, convGeometry } from '../kernels/convGeometry.js';
import {
  maxPoolBackwardAllTies,
  maxPoolBackwardFirst,
  maxPoolForward,
} from '../kernels/maxPool2d.js';
import { allocateInt32 } from '../kernels/wasm/simd.js';
import { maxPool2dOnnx } from '../onnx/layers/maxPool2d.js';
import type { DType, Shape, Tensor } from '../tensor/tensor.js';
import { oneOf, optional, positiveInt } from './configCheck.js';
import { BufferCache, batchOf, type Layer, type Param } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { pooledSize } from './layerSize.js';

export type PoolTies = 'first' | 'all';

export interface MaxPool2DConfig {
  poolSize?: number;
  stride?: number;
  ties?: PoolTies;
}

export class MaxPool2D implements Layer {
  readonly kind = 'maxPool2d';
  readonly outputShape: Shape;
  readonly poolSize: number;
  readonly stride: number;
  readonly ties: PoolTies;
  private readonly buffers: BufferCache;
  private argmax: Int32Array = new Int32Array(0);
  private lastInput: Tensor | null = null;
  private lastOutput: Tensor | null = null;
  private lastGeometry: ConvGeometry | null = null;

  constructor(
    readonly inputShape: Shape,
    config: MaxPool2DConfig,
    readonly dtype: DType = 'float32',
  ) {
    if (inputShape.length !== 3)
      throw new Error(`maxPool2d needs an [H, W, C] input, got [${inputShape.join(', ')}]`);
    this.poolSize = config.poolSize ?? 2;
    this.stride = config.stride ?? this.poolSize;
    this.ties = config.ties ?? 'first';
    if (this.ties !== 'first' && this.ties !== 'all')
      throw new Error(`pool ties must be 'first' or 'all', got '${this.ties}'`);
    const g = this.geometry(1);
    this.outputShape = [g.outH, g.outW, inputShape[2]];
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    return [];
  }

  private geometry(batch: number): ConvGeometry {
    if (this.lastGeometry?.batch !== batch) {
      const s = this.poolSize;
      this.lastGeometry = convGeometry(
        batch,
        this.inputShape,
        this.inputShape[2],
        s,
        s,
        this.stride,
        'valid',
      );
    }
    return this.lastGeometry;
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, 'maxPool2d');
    const g = this.geometry(batch);
    const out = this.buffers.get('out', [batch, ...this.outputShape]);
    if (this.argmax.length !== out.data.length) this.argmax = allocateInt32(out.data.length);
    maxPoolForward(out.data, this.argmax, input.data, g);
    this.lastInput = input;
    this.lastOutput = out;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    const input = this.lastInput;
    const out = this.lastOutput;
    if (!input || !out) throw new Error('maxPool2d.backward called before forward');
    const g = this.geometry(input.shape[0]);
    const dIn = this.buffers.get('dIn', input.shape);
    if (this.ties === 'all') maxPoolBackwardAllTies(dIn.data, dOut.data, input.data, out.data, g);
    else maxPoolBackwardFirst(dIn.data, dOut.data, this.argmax, g);
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}

export const maxPool2dLayer = defineLayer({
  type: 'maxPool2d',
  description: 'max pooling: poolSize (2), stride (poolSize), ties (first | all)',
  validate: (v, where): { type: 'maxPool2d' } & MaxPool2DConfig => ({
    type: 'maxPool2d',
    poolSize: optional(v, 'poolSize', (x) => positiveInt(x, `${where} poolSize`, 64)),
    stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
    ties: optional(v, 'ties', oneOf(['first', 'all'] as const, `${where} ties`)),
  }),
  build: (spec, c) => new MaxPool2D(c.inputShape, spec, c.dtype),
  size: (spec, input) => pooledSize(input, spec.poolSize, spec.stride),
  torch: (spec) => {
    const poolSize = spec.poolSize ?? 2;
    return [
      { module: 'MaxPool2d', args: { kernel_size: poolSize, stride: spec.stride ?? poolSize } },
    ];
  },
  onnx: maxPool2dOnnx,
});
