/**
 * Average pooling: `poolSize` windows moved by `stride` (default: the pool size), or, with
 * `global: true`, one window over the whole image (global average pooling, output [C]).
 */

import { avgPoolBackward, avgPoolForward } from '../kernels/avgPool2d.js';
import { type ConvGeometry, convGeometry } from '../kernels/convGeometry.js';
import { avgPool2dOnnx } from '../onnx/layers/avgPool2d.js';
import { globalAvgPool2dOnnx } from '../onnx/layers/globalAvgPool2d.js';
import type { DType, Shape, Tensor } from '../tensor/tensor.js';
import { optional, positiveInt } from './configCheck.js';
import { BufferCache, batchOf, type Layer, type Param } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { pooledSize, sameSize } from './layerSize.js';

export interface AvgPool2DConfig {
  poolSize?: number;
  stride?: number;
  /** Average each channel over the whole image; the output is a vector [C]. */
  global?: boolean;
}

export class AvgPool2D implements Layer {
  readonly kind: string;
  readonly outputShape: Shape;
  private readonly kernelH: number;
  private readonly kernelW: number;
  private readonly stride: number;
  private readonly buffers: BufferCache;
  private lastInput: Tensor | null = null;
  private lastGeometry: ConvGeometry | null = null;

  constructor(
    readonly inputShape: Shape,
    config: AvgPool2DConfig,
    readonly dtype: DType = 'float32',
  ) {
    if (inputShape.length !== 3)
      throw new Error(`avgPool2d needs an [H, W, C] input, got [${inputShape.join(', ')}]`);
    const global = config.global ?? false;
    this.kind = global ? 'globalAvgPool2d' : 'avgPool2d';
    this.kernelH = global ? inputShape[0] : (config.poolSize ?? 2);
    this.kernelW = global ? inputShape[1] : (config.poolSize ?? 2);
    this.stride = global ? 1 : (config.stride ?? this.kernelH);
    const g = this.geometry(1);
    this.outputShape = global ? [inputShape[2]] : [g.outH, g.outW, inputShape[2]];
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    return [];
  }

  private geometry(batch: number): ConvGeometry {
    if (this.lastGeometry?.batch !== batch) {
      this.lastGeometry = convGeometry(
        batch,
        this.inputShape,
        this.inputShape[2],
        this.kernelH,
        this.kernelW,
        this.stride,
        'valid',
      );
    }
    return this.lastGeometry;
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, this.kind);
    const out = this.buffers.get('out', [batch, ...this.outputShape]);
    avgPoolForward(out.data, input.data, this.geometry(batch));
    this.lastInput = input;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    const input = this.lastInput;
    if (!input) throw new Error(`${this.kind}.backward called before forward`);
    const dIn = this.buffers.get('dIn', input.shape);
    avgPoolBackward(dIn.data, dOut.data, this.geometry(input.shape[0]));
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}

export const avgPool2dLayer = defineLayer({
  type: 'avgPool2d',
  description: 'average pooling: poolSize (2), stride (poolSize)',
  validate: (v, where): { type: 'avgPool2d'; poolSize?: number; stride?: number } => ({
    type: 'avgPool2d',
    poolSize: optional(v, 'poolSize', (x) => positiveInt(x, `${where} poolSize`, 64)),
    stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
  }),
  build: (spec, c) => new AvgPool2D(c.inputShape, spec, c.dtype),
  size: (spec, input) => pooledSize(input, spec.poolSize, spec.stride),
  torch: (spec) => {
    const poolSize = spec.poolSize ?? 2;
    return [
      { module: 'AvgPool2d', args: { kernel_size: poolSize, stride: spec.stride ?? poolSize } },
    ];
  },
  onnx: avgPool2dOnnx,
});

export const globalAvgPool2dLayer = defineLayer({
  type: 'globalAvgPool2d',
  description: 'the mean of each channel over the whole image: [H, W, C] -> [C]',
  validate: (): { type: 'globalAvgPool2d' } => ({ type: 'globalAvgPool2d' }),
  build: (_spec, c) => new AvgPool2D(c.inputShape, { global: true }, c.dtype),
  size: (_spec, input) =>
    input.length === 3 ? { ...sameSize(input), output: [input[2]] } : undefined,
  torch: () => [{ module: 'AdaptiveAvgPool2d', args: { output_size: 1 } }, { module: 'Flatten' }],
  onnx: globalAvgPool2dOnnx,
});
