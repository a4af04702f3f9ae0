/** Models and helpers shared by the ONNX tests. */

import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { Random } from '../src/random/prng.js';
import { sizeOf } from '../src/tensor/tensor.js';

export /** The library's logits for raw pixel values, scaled as the model's input spec says. */
function libraryLogits(model: Sequential, pixels: Float32Array, n: number): Float32Array {
  const { scale, offset } = model.spec.input;
  const x = Float32Array.from(pixels, (b) => b * scale + offset);
  return Float32Array.from(model.forward({ shape: [n, ...model.inputShape], data: x }, false).data);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/**
 * Every case the export must get right: a stride-2 `same` conv on an odd-sized input (padding
 * 1 top/left, 2 bottom/right), a conv without bias and numeric padding, average pooling with a
 * stride other than its size, a dense layer straight after an image-shaped layer, batch norm
 * after a dense layer and after a conv, max pooling with stride 1, global average pooling, dropout,
 * every activation (leakyRelu with a slope other than its default), and a depthwise convolution
 * with stride 2, `same` padding and two filters per channel on an odd-sized input.
 */
export const stressSpecs: Record<string, ModelSpec> = {
  'odd input, asymmetric same padding, dense on an image': {
    input: { shape: [13, 11, 2], scale: 1 / 255, offset: -0.5 },
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 4, stride: 2, padding: 'same' },
      { type: 'relu' },
      { type: 'conv2d', filters: 5, kernelSize: 3, padding: 1, useBias: false },
      { type: 'batchNorm' },
      { type: 'relu' },
      { type: 'avgPool2d', poolSize: 3, stride: 2 },
      { type: 'dense', units: 7 },
      { type: 'batchNorm', epsilon: 1e-3 },
      { type: 'relu' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 3 },
    ],
  },
  'max pooling with stride 1, global average pooling, flatten': {
    input: { shape: [9, 10, 3], scale: 0.01, offset: 0.1 },
    layers: [
      { type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same' },
      { type: 'maxPool2d', poolSize: 2, stride: 1 },
      { type: 'relu' },
      { type: 'conv2d', filters: 4, kernelSize: 2, stride: 3, padding: 'same' },
      { type: 'globalAvgPool2d' },
      { type: 'batchNorm' },
      { type: 'flatten' },
      { type: 'dense', units: 4 },
    ],
  },
  'depthwise convolution, every activation': {
    input: { shape: [11, 9, 3], scale: 1 / 128, offset: -1 },
    layers: [
      { type: 'depthwiseConv2d', kernelSize: 3, stride: 2, padding: 'same', depthMultiplier: 2 },
      { type: 'leakyRelu', alpha: 0.2 },
      { type: 'conv2d', filters: 5, kernelSize: 1 },
      { type: 'batchNorm' },
      { type: 'tanh' },
      { type: 'depthwiseConv2d', kernelSize: 2, padding: 1, useBias: false },
      { type: 'sigmoid' },
      { type: 'dense', units: 6 },
      { type: 'relu' },
      { type: 'dense', units: 3 },
    ],
  },
};

/** A model with random weights whose batch norms hold statistics from training-mode passes. */
export function stressModel(spec: ModelSpec, seed: number): Sequential {
  const model = new Sequential(spec, { seed });
  const rng = new Random(seed + 100);
  const n = 8;
  const size = n * sizeOf(model.inputShape);
  for (let pass = 0; pass < 5; pass++) {
    const x = Float32Array.from({ length: size }, () => rng.gaussian() * 2 + 1);
    model.forward({ shape: [n, ...model.inputShape], data: x }, true);
  }
  for (const p of model.params())
    if (p.id.endsWith('gamma') || p.id.endsWith('beta') || p.id.endsWith('bias'))
      for (let i = 0; i < p.value.length; i++)
        p.value[i] = rng.gaussian() * 0.5 + (p.id.endsWith('gamma') ? 1 : 0);
  return model;
}
