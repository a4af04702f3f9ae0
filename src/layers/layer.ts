/**
 * What every layer is (tutorial 3.1.6): `forward` caches what `backward` needs, `backward(dOut)`
 * returns dIn and ACCUMULATES parameter gradients; an optimizer, not the layer, updates weights.
 * Shapes exclude the batch dimension; tensors passed in and out include it (NHWC, see tensor.ts).
 * A layer reuses its output buffers between calls of the same batch size, so a returned tensor
 * is valid until the layer's next call.
 */
import { type ConvGeometry, convGeometry, type Padding } from '../kernels/convGeometry.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor/tensor.js';
import { allocate, release } from '../tensor/tensor.js';

/** A trained tensor and its accumulated gradient. */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: FloatArray;
  readonly grad: FloatArray;
}

/** A saved, non-trained tensor such as batch norm's running mean; the model file stores it. */
export interface StateTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: FloatArray;
}

/** One layer: `forward` caches what `backward` needs; `backward(dOut)` accumulates parameter gradients and returns dIn. */
export interface Layer {
  readonly kind: string;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly dtype: DType;
  /** The trained tensors, each with its gradient. */
  params(): Param[];
  /** Non-trained tensors that belong in the model file (none for most layers). */
  stateTensors?(): StateTensor[];
  /** Output for a batch; `training` switches dropout and batch statistics on. */
  forward(input: Tensor, training: boolean): Tensor;
  /** Accumulates parameter gradients from dL/dOut and returns dL/dIn. */
  backward(dOut: Tensor): Tensor;
  /** Fills parameter gradients only; the model calls it on the first layer, whose dIn nobody reads. */
  backwardParamsOnly(dOut: Tensor): void;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reuses one output buffer per batch size so steady-state training does not allocate. */
export class BufferCache {
  private readonly buffers = new Map<string, Tensor>();
  /** The last tensor handed out per key: the common case, found without building a string. */
  private readonly recent = new Map<string, Tensor>();
  constructor(private readonly dtype: DType) {}

  get(key: string, shape: readonly number[]): Tensor {
    const last = this.recent.get(key);
    if (last && sameDims(last.shape, shape)) return last;
    const t = this.lookup(key, shape);
    this.recent.set(key, t);
    return t;
  }

  /** Gives every buffer back (see tensor.ts release); tensors handed out before are invalid. */
  release(): void {
    for (const t of this.buffers.values()) release(t.data);
    this.buffers.clear();
    this.recent.clear();
  }

  private lookup(key: string, shape: readonly number[]): Tensor {
    const id = `${key}:${shape.join('x')}`;
    let t = this.buffers.get(id);
    if (!t) {
      let n = 1;
      for (const d of shape) n *= d;
      t = {
        shape: [...shape],
        data: allocate(this.dtype, n),
      };
      this.buffers.set(id, t);
    }
    return t;
  }
}

export function batchOf(input: Tensor, expected: Shape, layer: string): number {
  const shape = input.shape;
  const ok = shape.length === expected.length + 1 && expected.every((d, i) => d === shape[i + 1]);
  if (!ok) {
    throw new Error(
      `${layer} expects input [N, ${expected.join(', ')}], got [${shape.join(', ')}]`,
    );
  }
  return shape[0];
}

/**
 * The window geometry of a conv or pool layer over its image input [H, W, C] (checked here, with
 * the layer's name in the error) for a batch size, recomputed only when the batch size changes.
 */
export function windowGeometry(
  layer: string,
  inputShape: Shape,
  outC: number,
  kernelH: number,
  kernelW: number,
  stride: number,
  padding: Padding,
): (batch: number) => ConvGeometry {
  if (inputShape.length !== 3)
    throw new Error(`${layer} needs an [H, W, C] input, got [${inputShape.join(', ')}]`);
  let last: ConvGeometry | null = null;
  return (batch) => {
    if (last?.batch !== batch)
      last = convGeometry(batch, inputShape, outC, kernelH, kernelW, stride, padding);
    return last;
  };
}

/** A bias of `size` values and its gradient, or nulls for a layer without one (useBias false;
 * layers have a bias unless told otherwise). */
export function biasFor(
  dtype: DType,
  size: number,
  useBias = true,
): { bias: FloatArray | null; biasGrad: FloatArray | null } {
  if (!useBias) return { bias: null, biasGrad: null };
  return { bias: allocate(dtype, size), biasGrad: allocate(dtype, size) };
}

/** A layer's parameters: its weights and, if it has one, its bias. */
export function withBias(
  weights: Param,
  bias: FloatArray | null,
  biasGrad: FloatArray | null,
): Param[] {
  if (!bias || !biasGrad) return [weights];
  return [weights, { name: 'bias', shape: [bias.length], value: bias, grad: biasGrad }];
}

/** What `forward` kept for `backward`; an error if there was no forward yet. */
export function fromForward<T>(kept: T | null, layer: string): T {
  if (kept === null) throw new Error(`${layer}.backward called before forward`);
  return kept;
}
