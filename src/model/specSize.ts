/**
 * What the model a spec describes will hold, worked out from the spec alone, without allocating:
 * the values a model file stores (parameters and saved state) and the largest buffer one image
 * needs. Readers check these against the file BEFORE building the model, because a few bytes of
 * spec can describe gigabytes of weights. Each layer type gives its own size on its registry
 * entry, so a new layer type is covered when it joins the registry.
 */
import { entryFor } from '../layers/registry.js';
import { type Shape, sizeOf } from '../tensor/tensor.js';
import type { ModelSpec } from './spec.js';

/** 2^26 values (256 MB of float32) for one image in one layer: far past any model of this library. */
export const MAX_BUFFER_VALUES = 2 ** 26;

export interface SpecSize {
  /** Parameters plus saved state (batch norm running statistics): the floats of a model file. */
  storedValues: number;
  /** Trained parameters only: an optimizer slot holds this many floats. */
  paramValues: number;
  /** The largest per-image buffer a layer allocates or outputs (im2col rows, activations). */
  largestBuffer: number;
}

/** The sizes of a validated spec's model, or undefined if its layers do not fit together. */
export function specSize(spec: ModelSpec): SpecSize | undefined {
  let shape: Shape = spec.input.shape;
  const total = { storedValues: 0, paramValues: 0, largestBuffer: sizeOf(shape) };
  for (const layer of spec.layers) {
    const s = entryFor(layer).size(layer, shape);
    if (!s) return undefined;
    shape = s.output;
    total.paramValues += s.params;
    total.storedValues += s.params + s.state;
    total.largestBuffer = Math.max(total.largestBuffer, s.buffer, sizeOf(shape));
  }
  return total;
}
