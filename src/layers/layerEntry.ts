/**
 * What the engine knows about one layer type, in one place: its spec name, how to check its
 * config, how to build it, and how it maps to other engines. Each layer file exports one entry
 * (a few export two, e.g. avgPool2d and globalAvgPool2d); src/layers/registry.ts lists them all.
 * A new per-layer concern becomes one more field here, and the type checker then asks every
 * entry for it.
 */
import type { OnnxLayerMapping } from '../onnx/mapping.js';
import type { Random } from '../random/prng.js';
import type { DType, Shape } from '../tensor/tensor.js';
import type { Obj } from './configCheck.js';
import type { Layer } from './layer.js';
import type { LayerSize } from './layerSize.js';

/** What a builder gets besides the spec. */
export interface BuildContext {
  /** Shape of one input, without the batch dimension (the previous layer's output shape). */
  inputShape: Shape;
  /** Weight initialisation stream, shared by the model's layers in order. */
  rng: Random;
  /** Training-time noise stream (dropout masks). */
  noise: Random;
  /** Element type of the layer's weights and activations. */
  dtype: DType;
}

/** Any JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** How one of our tensors becomes a PyTorch module's tensor. */
export interface TorchTensor {
  /** The module's attribute, e.g. `weight`, `running_mean`. */
  name: string;
  /** Our tensor seen in this shape first (a dense layer's [H*W*C, U] weights as [H, W, C, U]). */
  view?: number[];
  /** Our axes in the order PyTorch wants them, as numpy's `transpose` (HWIO -> OIHW: 3,2,0,1). */
  permute?: number[];
  /** The shape after permuting, when PyTorch's differs (depthwise: [C*M, 1, kh, kw]). */
  reshape?: number[];
}

/**
 * A PyTorch module described as data: `getattr(torch.nn, module)(**args)`. It takes NCHW
 * tensors where ours are NHWC, so a flatten of a spatial tensor orders features C, H, W where
 * ours orders them H, W, C.
 */
export interface TorchModule {
  /** The `torch.nn` class name, e.g. `Conv2d`. */
  module: string;
  /** Keyword arguments of its constructor. */
  args?: { [key: string]: Json };
  /** Our parameter and state tensor names -> the module's tensors. */
  tensors?: { [ours: string]: TorchTensor };
}

/** Input and output shape of one built layer, without the batch dimension. */
export interface LayerShapes {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
}

/**
 * Everything the engine knows about one layer type: its spec `type`, how to check a config, how to
 * build the layer, and its PyTorch and ONNX equivalents. `S` is the type's spec.
 */
export interface LayerEntry<T extends string, S extends { type: T }> {
  /** The spec's `type` and the layer's `kind` (parameter ids are `${index}.${kind}.${name}`). */
  readonly type: T;
  /** One line for users: what the layer computes and its config fields. */
  readonly description: string;
  /**
   * Checks an untrusted config object (its `type` already matched) and returns the spec.
   * `where` names the layer in messages, e.g. `layer 3`.
   */
  validate(config: Obj, where: string): S;
  /** Builds the layer of a checked spec, with fresh weights drawn from `context.rng`. */
  build(spec: S, context: BuildContext): Layer;
  /**
   * What `build` would allocate for this input shape, without allocating: undefined when the
   * input does not fit the layer (`build` then says why).
   */
  size(spec: S, inputShape: Shape): LayerSize | undefined;
  /** The PyTorch modules computing the same function (one layer may need several). */
  torch(spec: S, shapes: LayerShapes): TorchModule[];
  /** How the layer is written to and read from ONNX (src/onnx/layers/). */
  readonly onnx: OnnxLayerMapping<NoInfer<S>>;
}

/** Declares an entry; the spec type is inferred from `validate`'s return type. */
export function defineLayer<T extends string, S extends { type: T }>(
  entry: LayerEntry<T, S>,
): LayerEntry<T, S> {
  return entry;
}
