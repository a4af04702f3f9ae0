/**
 * Tensors and the one memory layout of this library.
 *
 * Every activation is stored row-major in NHWC order (batch, height, width, channel), the layout
 * the tutorial's NumPy code, TensorFlow.js and canvas pixels use. A dense layer's activations are
 * [N, features]. Conv filters are HWIO: [kernelH, kernelW, inChannels, outChannels]; dense weights
 * are [inputs, units] like the tutorial's `Softmax.weights`.
 */
import { allocateFloat32, releaseArray } from './arena.js';

/** Float storage. Training uses float32; gradient checks run the same code in float64. */
export type FloatArray = Float32Array | Float64Array;
/** Element type of tensors: float32 for training, float64 for gradient checks. */
export type DType = 'float32' | 'float64';

/** A shape without the batch dimension, e.g. [28, 28, 1] or [10]. */
export type Shape = readonly number[];

/** A shape and its values, row-major (NHWC for image batches). */
export interface Tensor {
  /** Full shape including the batch dimension first. */
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

/** Number of values in a tensor of this shape (the product of its sizes). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Zeroed storage; float32 goes where the SIMD kernels can reach it (arena.ts). */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : allocateFloat32(length);
}

/**
 * Gives storage from `allocate` back at once rather than at the next garbage collection (see
 * arena.ts); it must not be used afterwards. For scratch arrays of code that runs per call.
 */
export function release(data: FloatArray): void {
  releaseArray(data);
}

/** A tensor over existing data; throws if the data length does not match the shape. */
export function tensor(shape: readonly number[], data: FloatArray): Tensor {
  if (sizeOf(shape) !== data.length) {
    throw new Error(
      `tensor of shape [${shape.join(', ')}] needs ${sizeOf(shape)} values, got ${data.length}`,
    );
  }
  return { shape, data };
}

/** A tensor of zeros of the given shape. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return { shape, data: allocate(dtype, sizeOf(shape)) };
}

/** A shape as text, e.g. `[28, 28, 1]`, for messages. */
export function shapeString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Whether two shapes have the same rank and sizes. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
