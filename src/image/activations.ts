/**
 * What each layer of a model outputs for one image (tutorial Figures 13 and 15), found by running
 * the layers one at a time. Outputs are copied because layers reuse their buffers.
 */
import type { Sequential } from '../model/sequential.js';
import { allocate, type Tensor } from '../tensor/tensor.js';

export interface LayerActivation {
  /** Position in model.layers, from 0. */
  readonly index: number;
  readonly kind: string;
  /** Shape without the batch dimension, e.g. [26, 26, 8]. */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** `pixels` are the image's stored bytes (HWC); they are scaled as the model's spec says. */
export function layerActivations(model: Sequential, pixels: Uint8Array): LayerActivation[] {
  const { shape, scale, offset } = model.spec.input;
  if (pixels.length !== shape[0] * shape[1] * shape[2]) {
    throw new Error(`the model takes ${shape.join('x')} images, got ${pixels.length} values`);
  }
  const x = allocate(model.dtype, pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] * scale + offset;
  let t: Tensor = { shape: [1, ...shape], data: x };
  return model.layers.map((layer, index) => {
    t = layer.forward(t, false);
    return {
      index,
      kind: layer.kind,
      shape: [...layer.outputShape],
      data: Float32Array.from(t.data),
    };
  });
}
