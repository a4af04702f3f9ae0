/**
 * Conv2D layer (tutorial 3.1.3.3-3.1.3.4 forward, 3.1.9 backward), generalised: any number of
 * filters and input channels, square kernels of any size, stride, `valid`/`same`/numeric padding,
 * optional bias, and an input gradient so conv layers stack. Filters are HWIO.
 */

import {
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  im2colLength,
} from '../kernels/conv2d.js';
import {
  type ConvGeometry,
  convGeometry,
  type Padding,
  paddedOutput,
} from '../kernels/convGeometry.js';
import { conv2dOnnx } from '../onnx/layers/conv2d.js';
import type { Random } from '../random/prng.js';
import {
  allocate,
  type DType,
  type FloatArray,
  type Shape,
  type Tensor,
} from '../tensor/tensor.js';
import { bool, inits, oneOf, optional, padding, positiveInt } from './configCheck.js';
import { type Init, initialise } from './init.js';
import { BufferCache, batchOf, type Layer, type Param } from './layer.js';
import { defineLayer, type TorchModule, type TorchTensor } from './layerEntry.js';
import { windowed } from './layerSize.js';

export interface Conv2DConfig {
  filters: number;
  kernelSize: number;
  stride?: number;
  padding?: Padding;
  useBias?: boolean;
  init?: Init;
}

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
  private lastInput: Tensor | null = null;
  private lastGeometry: ConvGeometry | null = null;

  constructor(
    readonly inputShape: Shape,
    readonly config: Conv2DConfig,
    rng: Random,
    readonly dtype: DType = 'float32',
  ) {
    if (inputShape.length !== 3)
      throw new Error(`conv2d needs an [H, W, C] input, got [${inputShape.join(', ')}]`);
    const { filters, kernelSize: k } = config;
    this.stride = config.stride ?? 1;
    this.padding = config.padding ?? 'valid';
    const g = convGeometry(1, inputShape, filters, k, k, this.stride, this.padding);
    this.outputShape = [g.outH, g.outW, filters];
    const inC = inputShape[2];
    this.filters = allocate(dtype, k * k * inC * filters);
    this.filterGrad = allocate(dtype, this.filters.length);
    initialise(this.filters, config.init ?? 'he', k * k * inC, k * k * filters, k * k, rng);
    const useBias = config.useBias ?? true;
    this.bias = useBias ? allocate(dtype, filters) : null;
    this.biasGrad = useBias ? allocate(dtype, filters) : null;
    this.cols = allocate(dtype, im2colLength(g));
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    const k = this.config.kernelSize;
    const p: Param[] = [
      {
        name: 'filters',
        shape: [k, k, this.inputShape[2], this.config.filters],
        value: this.filters,
        grad: this.filterGrad,
      },
    ];
    if (this.bias && this.biasGrad) {
      p.push({ name: 'bias', shape: [this.config.filters], value: this.bias, grad: this.biasGrad });
    }
    return p;
  }

  private geometry(batch: number): ConvGeometry {
    const k = this.config.kernelSize;
    if (this.lastGeometry?.batch !== batch) {
      this.lastGeometry = convGeometry(
        batch,
        this.inputShape,
        this.config.filters,
        k,
        k,
        this.stride,
        this.padding,
      );
    }
    return this.lastGeometry;
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
    const input = this.backwardParams(dOut);
    const g = this.geometry(input.shape[0]);
    const dIn = this.buffers.get('dIn', input.shape);
    conv2dBackwardInput(dIn.data, dOut.data, this.filters, g, this.cols);
    return dIn;
  }

  backwardParamsOnly(dOut: Tensor): void {
    this.backwardParams(dOut);
  }

  private backwardParams(dOut: Tensor): Tensor {
    const input = this.lastInput;
    if (!input) throw new Error('conv2d.backward called before forward');
    const g = this.geometry(input.shape[0]);
    conv2dBackwardFilter(this.filterGrad, this.biasGrad, dOut.data, input.data, g, this.cols);
    return input;
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
    kernelSize: positiveInt(v.kernelSize, `${where} kernelSize`, 64),
    stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
    padding: optional(v, 'padding', (x) => padding(x, `${where} padding`)),
    useBias: optional(v, 'useBias', bool(`${where} useBias`)),
    init: optional(v, 'init', oneOf(inits, `${where} init`)),
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
