/**
 * Conv2D layer (tutorial 3.1.3.3-3.1.3.4 forward, 3.1.9 backward), generalised: any number of
 * filters and input channels, square kernels of any size, stride, `valid`/`same`/numeric padding,
 * optional bias, and an input gradient so conv layers stack. Filters are HWIO.
 */

import {
  conv2dBackward,
  conv2dBackwardFilter,
  conv2dForward,
  im2colLength,
} from '../kernels/conv2d.js';
import { type ConvGeometry, type Padding, paddedOutput } from '../kernels/convGeometry.js';
import { conv2dOnnx } from '../onnx/layers/conv2d.js';
import type { Random } from '../random/prng.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { biasAndInit, convWindow, positiveInt } from './configCheck.js';
import { type Init, initialise } from './init.js';
import type { Layer, Param } from './layer.js';
import { BufferCache, batchOf, biasFor, fromForward, windowGeometry, withBias } from './layer.js';
import { defineLayer, type TorchModule, type TorchTensor } from './layerEntry.js';
import { windowed } from './layerSize.js';

/** A convolution's filters, kernel size, stride, padding, bias and initialisation. */
export interface Conv2DConfig {
  filters: number;
  kernelSize: number;
  stride?: number;
  padding?: Padding;
  useBias?: boolean;
  init?: Init;
}

/** A 2-D convolution layer over HWC images (any channels, kernel size, stride and padding). */
export class Conv2D implements Layer {
  readonly kind = 'conv2d';
  readonly outputShape: Shape;
  readonly filters: FloatArray;
  readonly filterGrad: FloatArray;
  readonly bias: FloatArray | null;
  readonly biasGrad: FloatArray | null;
  readonly stride: number;
  readonly padding: Padding;
  private readonly buffers: BufferCache;
  private readonly cols: FloatArray;
  private readonly geometry: (batch: number) => ConvGeometry;
  private lastInput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    readonly config: Conv2DConfig,
    rng: Random,
    readonly dtype: DType = 'float32',
  ) {
    const { filters, kernelSize: k } = config;
    this.stride = config.stride ?? 1;
    this.padding = config.padding ?? 'valid';
    this.geometry = windowGeometry('conv2d', inputShape, filters, k, k, this.stride, this.padding);
    const g = this.geometry(1);
    this.outputShape = [g.outH, g.outW, filters];
    const inC = inputShape[2];
    this.filters = allocate(dtype, k * k * inC * filters);
    this.filterGrad = allocate(dtype, this.filters.length);
    initialise(this.filters, config.init ?? 'he', k * k * inC, k * k * filters, k * k, rng);
    ({ bias: this.bias, biasGrad: this.biasGrad } = biasFor(dtype, filters, config.useBias));
    this.cols = allocate(dtype, im2colLength(g));
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    const k = this.config.kernelSize;
    const filters = {
      name: 'filters',
      shape: [k, k, this.inputShape[2], this.config.filters],
      value: this.filters,
      grad: this.filterGrad,
    };
    return withBias(filters, this.bias, this.biasGrad);
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, 'conv2d');
    const g = this.geometry(batch);
    const out = this.buffers.get('out', [batch, ...this.outputShape]);
    conv2dForward(out.data, input.data, this.filters, this.bias, g, this.cols);
    this.lastInput = input;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    const input = fromForward(this.lastInput, 'conv2d');
    const dIn = this.buffers.get('dIn', input.shape);
    const g = this.geometry(input.shape[0]);
    conv2dBackward(
      dIn.data,
      this.filterGrad,
      this.biasGrad,
      dOut.data,
      input.data,
      this.filters,
      g,
      this.cols,
    );
    return dIn;
  }

  backwardParamsOnly(dOut: Tensor): void {
    const input = fromForward(this.lastInput, 'conv2d');
    const g = this.geometry(input.shape[0]);
    conv2dBackwardFilter(this.filterGrad, this.biasGrad, dOut.data, input.data, g, this.cols);
  }
}

/**
 * PyTorch's Conv2d (grouped for depthwise layers), behind a ZeroPad2d where TF-style `same`
 * padding is uneven: PyTorch pads both sides alike, `same` puts the odd pixel bottom/right.
 */
export function torchConv2d(
  inputShape: readonly number[],
  conv: { kernelSize: number; stride?: number; padding?: Padding; useBias?: boolean },
  outChannels: number,
  groups: number,
  filters: TorchTensor,
): TorchModule[] {
  const k = conv.kernelSize;
  const stride = conv.stride ?? 1;
  const pad = conv.padding ?? 'valid';
  const useBias = conv.useBias ?? true;
  const [[top, bottom], [left, right]] = [inputShape[0], inputShape[1]].map((size) => {
    if (pad !== 'same') return [pad === 'valid' ? 0 : pad, pad === 'valid' ? 0 : pad];
    const { out, padBefore } = paddedOutput(size, k, stride, 'same');
    return [padBefore, Math.max((out - 1) * stride + k - size, 0) - padBefore];
  });
  const even = top === bottom && left === right;
  return [
    ...(even ? [] : [{ module: 'ZeroPad2d', args: { padding: [left, right, top, bottom] } }]),
    {
      module: 'Conv2d',
      args: {
        in_channels: inputShape[2],
        out_channels: outChannels,
        kernel_size: k,
        stride,
        padding: even ? [top, left] : [0, 0],
        ...(groups > 1 ? { groups } : {}),
        bias: useBias,
      },
      tensors: { filters, ...(useBias ? { bias: { name: 'bias' } } : {}) },
    },
  ];
}

export const conv2dLayer = defineLayer({
  type: 'conv2d',
  description:
    'convolution: filters, kernelSize, stride (1), padding (valid | same | n), useBias (true), init (he)',
  validate: (v, where): { type: 'conv2d' } & Conv2DConfig => ({
    type: 'conv2d',
    filters: positiveInt(v.filters, `${where} filters`, 4096),
    ...convWindow(v, where),
    ...biasAndInit(v, where),
  }),
  build: (spec, c) => new Conv2D(c.inputShape, spec, c.rng, c.dtype),
  size: (spec, input) => {
    const k = spec.kernelSize;
    const out = windowed(input, k, spec.stride ?? 1, spec.padding ?? 'valid');
    if (!out) return undefined;
    const bias = (spec.useBias ?? true) ? spec.filters : 0;
    return {
      output: [out[0], out[1], spec.filters],
      params: k * k * input[2] * spec.filters + bias,
      state: 0,
      buffer: out[0] * out[1] * k * k * input[2],
    };
  },
  torch: (spec, { inputShape }) =>
    torchConv2d(inputShape, spec, spec.filters, 1, { name: 'weight', permute: [3, 2, 0, 1] }),
  onnx: conv2dOnnx,
});
