/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `depthMultiplier`
 * filters, so C channels give C * depthMultiplier outputs (channel c * M + m from filter m of
 * channel c), at a C-th of a full convolution's cost. Square kernels, stride, `valid`/`same`/
 * numeric padding, optional bias. Filters are [kh, kw, C, M], as TensorFlow's depthwise_conv2d.
 */

import type { ConvGeometry, Padding } from '../kernels/convGeometry.js';
import {
  depthwiseConv2dBackwardFilter,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dForward,
} from '../kernels/depthwiseConv2d.js';
import { depthwiseConv2dOnnx } from '../onnx/layers/depthwiseConv2d.js';
import type { Random } from '../random/prng.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { biasAndInit, convWindow, optional, positiveInt } from './configCheck.js';
import { torchConv2d } from './conv2d.js';
import { type Init, initialise } from './init.js';
import type { Layer, Param } from './layer.js';
import { BufferCache, batchOf, biasFor, fromForward, windowGeometry, withBias } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { windowed } from './layerSize.js';

/** A depthwise convolution's kernel size, stride, padding, depth multiplier, bias and init. */
export interface DepthwiseConv2DConfig {
  /** Side of the square kernel. */
  kernelSize: number;
  /** Step between windows (default 1). */
  stride?: number;
  /** 'valid', 'same' or a number of zeros on each side (default 'valid'). */
  padding?: Padding;
  /** Filters per input channel (default 1). */
  depthMultiplier?: number;
  /** Add a bias per output channel (default true). */
  useBias?: boolean;
  /** Weight initialisation (default 'he'). */
  init?: Init;
}

/**
 * A depthwise 2-D convolution over HWC images: each input channel is convolved with its own
 * `depthMultiplier` filters, giving C * depthMultiplier output channels.
 */
export class DepthwiseConv2D implements Layer {
  readonly kind = 'depthwiseConv2d';
  readonly outputShape: Shape;
  readonly multiplier: number;
  readonly stride: number;
  readonly padding: Padding;
  readonly filters: FloatArray;
  readonly filterGrad: FloatArray;
  readonly bias: FloatArray | null;
  readonly biasGrad: FloatArray | null;
  private readonly kernelSize: number;
  private readonly buffers: BufferCache;
  private readonly geometry: (batch: number) => ConvGeometry;
  private lastInput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    config: DepthwiseConv2DConfig,
    rng: Random,
    readonly dtype: DType = 'float32',
  ) {
    const k = config.kernelSize;
    this.kernelSize = k;
    this.multiplier = config.depthMultiplier ?? 1;
    this.stride = config.stride ?? 1;
    this.padding = config.padding ?? 'valid';
    const outC = inputShape[2] * this.multiplier;
    this.geometry = windowGeometry(this.kind, inputShape, outC, k, k, this.stride, this.padding);
    const g = this.geometry(1);
    this.outputShape = [g.outH, g.outW, g.outC];
    this.filters = allocate(dtype, k * k * g.outC);
    this.filterGrad = allocate(dtype, this.filters.length);
    // Each output sees one input channel: fan-in k*k, fan-out k*k*M.
    initialise(this.filters, config.init ?? 'he', k * k, k * k * this.multiplier, k * k, rng);
    ({ bias: this.bias, biasGrad: this.biasGrad } = biasFor(dtype, g.outC, config.useBias));
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    const k = this.kernelSize;
    const filters = {
      name: 'filters',
      shape: [k, k, this.inputShape[2], this.multiplier],
      value: this.filters,
      grad: this.filterGrad,
    };
    return withBias(filters, this.bias, this.biasGrad);
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, this.kind);
    const out = this.buffers.get('out', [batch, ...this.outputShape]);
    depthwiseConv2dForward(
      out.data,
      input.data,
      this.filters,
      this.bias,
      this.geometry(batch),
      this.multiplier,
    );
    this.lastInput = input;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    this.backwardParamsOnly(dOut);
    const input = fromForward(this.lastInput, this.kind);
    const dIn = this.buffers.get('dIn', input.shape);
    const g = this.geometry(input.shape[0]);
    depthwiseConv2dBackwardInput(dIn.data, dOut.data, this.filters, g, this.multiplier);
    return dIn;
  }

  backwardParamsOnly(dOut: Tensor): void {
    const input = fromForward(this.lastInput, this.kind);
    const { filterGrad, biasGrad, multiplier } = this;
    const g = this.geometry(input.shape[0]);
    depthwiseConv2dBackwardFilter(filterGrad, biasGrad, dOut.data, input.data, g, multiplier);
  }
}

export const depthwiseConv2dLayer = defineLayer({
  type: 'depthwiseConv2d',
  description:
    'per-channel convolution: kernelSize, stride (1), padding (valid | same | n), depthMultiplier (1), useBias (true), init (he)',
  validate: (v, where): { type: 'depthwiseConv2d' } & DepthwiseConv2DConfig => ({
    type: 'depthwiseConv2d',
    ...convWindow(v, where),
    depthMultiplier: optional(v, 'depthMultiplier', (x) =>
      positiveInt(x, `${where} depthMultiplier`, 256),
    ),
    ...biasAndInit(v, where),
  }),
  build: (spec, c) => new DepthwiseConv2D(c.inputShape, spec, c.rng, c.dtype),
  size: (spec, input) => {
    const k = spec.kernelSize;
    const out = windowed(input, k, spec.stride ?? 1, spec.padding ?? 'valid');
    if (!out) return undefined;
    const channels = input[2] * (spec.depthMultiplier ?? 1);
    const bias = (spec.useBias ?? true) ? channels : 0;
    return {
      output: [out[0], out[1], channels],
      params: k * k * channels + bias,
      state: 0,
      buffer: 0,
    };
  },
  torch: (spec, { inputShape }) => {
    const k = spec.kernelSize;
    const C = inputShape[2];
    const M = spec.depthMultiplier ?? 1;
    // [kh, kw, C, M] -> [C, M, kh, kw] -> PyTorch's [C*M, 1, kh, kw]: output c*M + m.
    const filters = { name: 'weight', permute: [2, 3, 0, 1], reshape: [C * M, 1, k, k] };
    return torchConv2d(inputShape, spec, C * M, C, filters);
  },
  onnx: depthwiseConv2dOnnx,
});
