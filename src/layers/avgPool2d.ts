/**
 * Average pooling: `poolSize` windows moved by `stride` (default: the pool size), or, with
 * `global: true`, one window over the whole image (global average pooling, output [C]).
 */

import { avgPoolBackward, avgPoolForward } from '../kernels/avgPool2d.js';
import type { ConvGeometry } from '../kernels/convGeometry.js';
import { avgPool2dOnnx } from '../onnx/layers/avgPool2d.js';
import { globalAvgPool2dOnnx } from '../onnx/layers/globalAvgPool2d.js';
import type { DType, Shape, Tensor } from '../tensor/tensor.js';
import { optional, positiveInt } from './configCheck.js';
import type { Layer, Param } from './layer.js';
import { BufferCache, batchOf, fromForward, windowGeometry } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { pooledSize, sameSize } from './layerSize.js';
import { torchPool } from './maxPool2d.js';

/** Average pooling window and stride, or `global` for one average per channel. */
export interface AvgPool2DConfig {
  poolSize?: number;
  stride?: number;
  /** Average each channel over the whole image; the output is a vector [C]. */
  global?: boolean;
}

/** Average pooling over windows (or the whole image when global). */
export class AvgPool2D implements Layer {
  readonly kind: string;
  readonly outputShape: Shape;
  private readonly buffers: BufferCache;
  private readonly geometry: (batch: number) => ConvGeometry;
  private lastInput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    config: AvgPool2DConfig,
    readonly dtype: DType = 'float32',
  ) {
    const global = config.global ?? false;
    this.kind = global ? 'globalAvgPool2d' : 'avgPool2d';
    const kernelH = global ? inputShape[0] : (config.poolSize ?? 2);
    const kernelW = global ? inputShape[1] : (config.poolSize ?? 2);
    const stride = global ? 1 : (config.stride ?? kernelH);
    const c = inputShape[2];
    this.geometry = windowGeometry('avgPool2d', inputShape, c, kernelH, kernelW, stride, 'valid');
    const g = this.geometry(1);
    this.outputShape = global ? [c] : [g.outH, g.outW, c];
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    return [];
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, this.kind);
    const out = this.buffers.get('out', [batch, ...this.outputShape]);
    avgPoolForward(out.data, input.data, this.geometry(batch));
    this.lastInput = input;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    const input = fromForward(this.lastInput, this.kind);
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
  torch: (spec) => torchPool('AvgPool2d', spec),
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
