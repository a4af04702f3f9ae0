/**
 * What one layer of a spec will hold, worked out from the spec and its input shape alone,
 * without allocating. Each registry entry gives its own (`size`), so a model file's size can be
 * checked against its spec before any weight is built, for every layer type.
 */
import { type Padding, paddedOutput } from '../kernels/convGeometry.js';
import type { Shape } from '../tensor/tensor.js';

/**
 * What one layer of a spec holds, worked out from the spec alone (nothing allocated): how model
 * files are checked against their length before a model is built.
 */
export interface LayerSize {
  /** One output's shape, without the batch dimension. */
  output: Shape;
  /** Trained parameter values. */
  params: number;
  /** Saved state values that are not trained (batch norm's running statistics). */
  state: number;
  /** The largest per-image scratch buffer the layer allocates (im2col rows), 0 if none. */
  buffer: number;
}

/** A layer that keeps its input's shape and holds nothing (activations, dropout). */
export function sameSize(input: Shape): LayerSize {
  return { output: input, params: 0, state: 0, buffer: 0 };
}

/**
 * A square window's [outH, outW] over an [H, W, C] input, or undefined when the input is not
 * spatial or the window does not fit (building the layer then says why).
 */
export function windowed(
  input: Shape,
  k: number,
  stride: number,
  padding: Padding,
): [number, number] | undefined {
  if (input.length !== 3) return undefined;
  const h = paddedOutput(input[0], k, stride, padding).out;
  const w = paddedOutput(input[1], k, stride, padding).out;
  return h >= 1 && w >= 1 ? [h, w] : undefined;
}

/** A pooling window's output: poolSize (2) and stride (poolSize), channels kept. */
export function pooledSize(input: Shape, poolSize = 2, stride = poolSize): LayerSize | undefined {
  const out = windowed(input, poolSize, stride, 'valid');
  return out ? { ...sameSize(input), output: [out[0], out[1], input[2]] } : undefined;
}
