/**
 * What the model a spec describes will hold, worked out from the spec alone, without allocating:
 * the values a model file stores (parameters and saved state) and the largest buffer one image
 * needs. Readers check these against the file BEFORE building the model, because a few bytes of
 * spec can describe gigabytes of weights. The shape rules are those of the layers in src/layers.
 */
import { paddedOutput } from '../kernels/convGeometry.js';
import { type Shape, sizeOf } from '../tensor/tensor.js';
import type { LayerSpec, ModelSpec } from './spec.js';

export interface SpecSize {
  /** Parameters plus saved state (batch norm running statistics): the floats of a model file. */
  storedValues: number;
  /** Trained parameters only: an optimizer slot holds this many floats. */
  paramValues: number;
  /** The largest per-image buffer a layer allocates or outputs (im2col rows, activations). */
  largestBuffer: number;
}

interface LayerSize {
  output: Shape;
  params: number;
  state: number;
  buffer: number;
}

/** A window's output size, or undefined when it does not fit (the layer then says why). */
function windowed(shape: Shape, k: number, stride: number, padding: 'valid' | 'same' | number) {
  const h = paddedOutput(shape[0], k, stride, padding).out;
  const w = paddedOutput(shape[1], k, stride, padding).out;
  return h >= 1 && w >= 1 ? [h, w] : undefined;
}

function layerSize(spec: LayerSpec, input: Shape): LayerSize | undefined {
  const same = { output: input, params: 0, state: 0, buffer: 0 };
  const spatial = input.length === 3;
  switch (spec.type) {
    case 'conv2d': {
      const k = spec.kernelSize;
      const out = spatial && windowed(input, k, spec.stride ?? 1, spec.padding ?? 'valid');
      if (!out) return undefined;
      const bias = (spec.useBias ?? true) ? spec.filters : 0;
      const cols = out[0] * out[1] * k * k * input[2];
      return {
        output: [out[0], out[1], spec.filters],
        params: k * k * input[2] * spec.filters + bias,
        state: 0,
        buffer: cols,
      };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const k = spec.poolSize ?? 2;
      const out = spatial && windowed(input, k, spec.stride ?? k, 'valid');
      return out ? { ...same, output: [out[0], out[1], input[2]] } : undefined;
    }
    case 'globalAvgPool2d':
      return spatial ? { ...same, output: [input[2]] } : undefined;
    case 'dense':
      return {
        ...same,
        output: [spec.units],
        params: (sizeOf(input) + ((spec.useBias ?? true) ? 1 : 0)) * spec.units,
      };
    case 'flatten':
      return { ...same, output: [sizeOf(input)] };
    case 'batchNorm': {
      const channels = input[input.length - 1];
      return { ...same, params: 2 * channels, state: 2 * channels };
    }
    case 'relu':
    case 'dropout':
      return same;
  }
}

/** The sizes of a validated spec's model, or undefined if its layers do not fit together. */
export function specSize(spec: ModelSpec): SpecSize | undefined {
  let shape: Shape = spec.input.shape;
  const total = { storedValues: 0, paramValues: 0, largestBuffer: sizeOf(shape) };
  for (const layer of spec.layers) {
    const s = layerSize(layer, shape);
    if (!s) return undefined;
    shape = s.output;
    total.paramValues += s.params;
    total.storedValues += s.params + s.state;
    total.largestBuffer = Math.max(total.largestBuffer, s.buffer, sizeOf(shape));
  }
  return total;
}
