/**
 * Dense (fully connected) layer: the tutorial's `Softmax` layer minus the softmax, which lives in
 * the fused loss (losses/softmaxCrossEntropy.ts). Like the tutorial it flattens whatever input
 * shape it gets; weights are [inputs, units], tutorial initialisation randn / inputs, zero bias.
 */

import { denseBackwardInput, denseBackwardParams, denseForward } from '../kernels/dense.js';
import { denseOnnx } from '../onnx/layers/dense.js';
import type { Random } from '../random/prng.js';
import {
  allocate,
  type DType,
  type FloatArray,
  type Shape,
  sizeOf,
  type Tensor,
} from '../tensor/tensor.js';
import { biasAndInit, positiveInt } from './configCheck.js';
import { type Init, initialise } from './init.js';
import type { Layer, Param } from './layer.js';
import { BufferCache, batchOf, biasFor, fromForward, withBias } from './layer.js';
import { defineLayer, type TorchTensor } from './layerEntry.js';
import { sameSize } from './layerSize.js';

/** A fully connected layer's size and initialisation. */
export interface DenseConfig {
  units: number;
  useBias?: boolean;
  init?: Init;
}

/** A fully connected layer; flattens its input. */
export class Dense implements Layer {
  readonly kind = 'dense';
  readonly outputShape: Shape;
  readonly inputSize: number;
  readonly weights: FloatArray;
  readonly weightGrad: FloatArray;
  readonly bias: FloatArray | null;
  readonly biasGrad: FloatArray | null;
  private readonly buffers: BufferCache;
  private lastInput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    readonly config: DenseConfig,
    rng: Random,
    readonly dtype: DType = 'float32',
  ) {
    this.inputSize = sizeOf(inputShape);
    this.outputShape = [config.units];
    this.weights = allocate(dtype, this.inputSize * config.units);
    this.weightGrad = allocate(dtype, this.weights.length);
    initialise(
      this.weights,
      config.init ?? 'he',
      this.inputSize,
      config.units,
      this.inputSize,
      rng,
    );
    ({ bias: this.bias, biasGrad: this.biasGrad } = biasFor(dtype, config.units, config.useBias));
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    const weights = {
      name: 'weights',
      shape: [this.inputSize, this.config.units],
      value: this.weights,
      grad: this.weightGrad,
    };
    return withBias(weights, this.bias, this.biasGrad);
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, 'dense');
    const out = this.buffers.get('out', [batch, this.config.units]);
    denseForward(
      out.data,
      input.data,
      this.weights,
      this.bias,
      batch,
      this.inputSize,
      this.config.units,
    );
    this.lastInput = input;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    this.backwardParamsOnly(dOut);
    const input = fromForward(this.lastInput, 'dense');
    const dIn = this.buffers.get('dIn', input.shape);
    denseBackwardInput(
      dIn.data,
      dOut.data,
      this.weights,
      input.shape[0],
      this.inputSize,
      this.config.units,
    );
    return dIn;
  }

  backwardParamsOnly(dOut: Tensor): void {
    const input = fromForward(this.lastInput, 'dense');
    denseBackwardParams(
      this.weightGrad,
      this.biasGrad,
      dOut.data,
      input.data,
      input.shape[0],
      this.inputSize,
      this.config.units,
    );
  }
}

export const denseLayer = defineLayer({
  type: 'dense',
  description: 'fully connected, flattening its input: units, useBias (true), init (he)',
  validate: (v, where): { type: 'dense' } & DenseConfig => ({
    type: 'dense',
    units: positiveInt(v.units, `${where} units`),
    ...biasAndInit(v, where),
  }),
  build: (spec, c) => new Dense(c.inputShape, spec, c.rng, c.dtype),
  size: (spec, input) => ({
    ...sameSize(input),
    output: [spec.units],
    params: (sizeOf(input) + ((spec.useBias ?? true) ? 1 : 0)) * spec.units,
  }),
  torch: (spec, { inputShape }) => {
    const useBias = spec.useBias ?? true;
    const inputs = sizeOf(inputShape);
    // PyTorch flattens NCHW, so its weight columns run over C, H, W where our rows run H, W, C.
    const weights: TorchTensor =
      inputShape.length === 3
        ? { name: 'weight', view: [...inputShape, spec.units], permute: [3, 2, 0, 1] }
        : { name: 'weight', permute: [1, 0] };
    return [
      ...(inputShape.length > 1 ? [{ module: 'Flatten' }] : []),
      {
        module: 'Linear',
        args: { in_features: inputs, out_features: spec.units, bias: useBias },
        tensors: {
          weights: { ...weights, reshape: [spec.units, inputs] },
          ...(useBias ? { bias: { name: 'bias' } } : {}),
        },
      },
    ];
  },
  onnx: denseOnnx,
});
