/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `depthMultiplier`
 * filters, so C channels give C * depthMultiplier outputs (channel c * M + m from filter m of
 * channel c), at a C-th of a full convolution's cost. Square kernels, stride, `valid`/`same`/
 * numeric padding, optional bias. Filters are [kh, kw, C, M], as TensorFlow's depthwise_conv2d.
 */

import { type ConvGeometry, convGeometry, type Padding } from '../kernels/convGeometry.js';
import {
  depthwiseConv2dBackwardFilter,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dForward,
} from '../kernels/depthwiseConv2d.js';
import { depthwiseConv2dOnnx } from '../onnx/layers/depthwiseConv2d.js';
import type { Random } from '../random/prng.js';
import {
  allocate,
  type DType,
  type FloatArray,
  type Shape,
  type Tensor,
} from '../tensor/tensor.js';
import { bool, inits, oneOf, optional, padding, positiveInt } from './configCheck.js';
import { torchConv2d } from './conv2d.js';
import { type Init, initialise } from './init.js';
import { BufferCache, batchOf, type Layer, type Param } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { windowed } from './layerSize.js';

export interface DepthwiseConv2DConfig {
  kernelSize: number;
  stride?: number;
  padding?: Padding;
  /** Filters per input channel (default 1). */
  depthMultiplier?: number;
  useBias?: boolean;
  init?: Init;
}

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
  private lastInput: Tensor | null = null;
  private lastGeometry: ConvGeometry | null = null;

  constructor(
    readonly inputShape: Shape,
    config: DepthwiseConv2DConfig,
    rng: Random,
    readonly dtype: DType = 'float32',
  ) {
    if (inputShape.length !== 3)
      throw new Error(`depthwiseConv2d needs an [H, W, C] input, got [${inputShape.join(', ')}]`);
    const k = config.kernelSize;
    this.kernelSize = k;
    this.multiplier = config.depthMultiplier ?? 1;
    this.stride = config.stride ?? 1;
    this.padding = config.padding ?? 'valid';
    const g = this.geometry(1);
    this.outputShape = [g.outH, g.outW, g.outC];
    this.filters = allocate(dtype, k * k * g.outC);
    this.filterGrad = allocate(dtype, this.filters.length);
    // Each output sees one input channel: fan-in k*k, fan-out k*k*M.
    initialise(this.filters, config.init ?? 'he', k * k, k * k * this.multiplier, k * k, rng);
    const useBias = config.useBias ?? true;
    this.bias = useBias ? allocate(dtype, g.outC) : null;
    this.biasGrad = useBias ? allocate(dtype, g.outC) : null;
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    const k = this.kernelSize;
    const p: Param[] = [
      {
        name: 'filters',
        shape: [k, k, this.inputShape[2], this.multiplier],
        value: this.filters,
        grad: this.filterGrad,
      },
    ];
    if (this.bias && this.biasGrad)
      p.push({ name: 'bias', shape: [this.bias.length], value: this.bias, grad: this.biasGrad });
    return p;
  }

  private geometry(batch: number): ConvGeometry {
    if (this.lastGeometry?.batch !== batch) {
      const k = this.kernelSize;
      const outC = this.inputShape[2] * this.multiplier;
      this.lastGeometry = convGeometry(
        batch,
        this.inputShape,
        outC,
        k,
        k,
        this.stride,
        this.padding,
      );
    }
    return this.lastGeometry;
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
    const input = this.backwardParams(dOut);
    const dIn = this.buffers.get('dIn', input.shape);
    const g = this.geometry(input.shape[0]);
    depthwiseConv2dBackwardInput(dIn.data, dOut.data, this.filters, g, this.multiplier);
    return dIn;
  }

  backwardParamsOnly(dOut: Tensor): void {
    this.backwardParams(dOut);
  }

  private backwardParams(dOut: Tensor): Tensor {
    const input = this.lastInput;
    if (!input) throw new Error('depthwiseConv2d.backward called before forward');
    const g = this.geometry(input.shape[0]);
    depthwiseConv2dBackwardFilter(
      this.filterGrad,
      this.biasGrad,
      dOut.data,
      input.data,
      g,
      this.multiplier,
    );
    return input;
  }
}

export const depthwiseConv2dLayer = defineLayer({
  type: 'depthwiseConv2d',
  description:
    'per-channel convolution: kernelSize, stride (1), padding (valid | same | n), depthMultiplier (1), useBias (true), init (he)',
  validate: (v, where): { type: 'depthwiseConv2d' } & DepthwiseConv2DConfig => ({
    type: 'depthwiseConv2d',
    kernelSize: positiveInt(v.kernelSize, `${where} kernelSize`, 64),
    stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
    padding: optional(v, 'padding', (x) => padding(x, `${where} padding`)),
    depthMultiplier: optional(v, 'depthMultiplier', (x) =>
      positiveInt(x, `${where} depthMultiplier`, 256),
    ),
    useBias: optional(v, 'useBias', bool(`${where} useBias`)),
    init: optional(v, 'init', oneOf(inits, `${where} init`)),
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
