/**
 * MaxPool2D layer (tutorial 3.1.4 forward, 3.1.8 backward). Default 2x2 windows, stride 2,
 * odd sizes floored. `ties` picks how the gradient of a window with several equal maxima is
 * routed: `first` (first in row-major order, as PyTorch and TF.js; the default) or `all` (every
 * tied maximum gets it, as the tutorial's code does). See kernels/maxPool2d.ts.
 */

import type { ConvGeometry } from '../kernels/convGeometry.js';
import {
  maxPoolBackwardAllTies,
  maxPoolBackwardFirst,
  maxPoolForward,
} from '../kernels/maxPool2d.js';
import { allocateInt32 } from '../kernels/wasm/simd.js';
import { maxPool2dOnnx } from '../onnx/layers/maxPool2d.js';
import type { DType, Shape, Tensor } from '../tensor/tensor.js';
import { oneOf, optional, positiveInt } from './configCheck.js';
import type { Layer, Param } from './layer.js';
import { BufferCache, batchOf, fromForward, windowGeometry } from './layer.js';
import { defineLayer, type TorchModule } from './layerEntry.js';
import { pooledSize } from './layerSize.js';

/** Where max-pool routes the gradient when a window has several maxima: the `first` (PyTorch, TF.js) or `all` (the tutorial). */
export type PoolTies = 'first' | 'all';

/** Max-pooling window, stride and tie rule. */
export interface MaxPool2DConfig {
  poolSize?: number;
  stride?: number;
  ties?: PoolTies;
}

/** Max-pooling over windows (2x2 stride 2 by default). */
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
  private readonly geometry: (batch: number) => ConvGeometry;

  constructor(
    readonly inputShape: Shape,
    config: MaxPool2DConfig,
    readonly dtype: DType = 'float32',
  ) {
    this.poolSize = config.poolSize ?? 2;
    this.stride = config.stride ?? this.poolSize;
    const [s, c] = [this.poolSize, inputShape[2]];
    this.geometry = windowGeometry('maxPool2d', inputShape, c, s, s, this.stride, 'valid');
    this.ties = config.ties ?? 'first';
    if (this.ties !== 'first' && this.ties !== 'all')
      throw new Error(`pool ties must be 'first' or 'all', got '${this.ties}'`);
    const g = this.geometry(1);
    this.outputShape = [g.outH, g.outW, c];
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    return [];
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
    const input = fromForward(this.lastInput, 'maxPool2d');
    const out = fromForward(this.lastOutput, 'maxPool2d');
    const g = this.geometry(input.shape[0]);
    const dIn = this.buffers.get('dIn', input.shape);
    if (this.ties === 'all') maxPoolBackwardAllTies(dIn.data, dOut.data, input.data, out.data, g);
    else maxPoolBackwardFirst(dIn.data, dOut.data, this.argmax, g);
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}

/** PyTorch's MaxPool2d or AvgPool2d for a pooling layer's window and stride. */
export function torchPool(
  module: 'MaxPool2d' | 'AvgPool2d',
  spec: { poolSize?: number; stride?: number },
): TorchModule[] {
  const poolSize = spec.poolSize ?? 2;
  return [{ module, args: { kernel_size: poolSize, stride: spec.stride ?? poolSize } }];
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
  torch: (spec) => torchPool('MaxPool2d', spec),
  onnx: maxPool2dOnnx,
});
