/**
 * How one layer type travels to and from ONNX. Each layer type's registry entry carries one
 * `OnnxLayerMapping` (written in src/onnx/layers/<type>.ts): `export` writes the layer's nodes and
 * weights, `import` reads one ONNX node (and any it owns, such as the Add after a MatMul) back
 * into a layer spec and weights in the library's layouts. A mapping names the spec fields it
 * reads and writes as its own type; setting it on the entry checks them against the layer's
 * config (this side imports nothing from the registry, so the layers can import it). The exporter and importer (exportOnnx.ts, importOnnx.ts) walk the
 * model or the graph and keep track of layouts between layers.
 *
 * Layout between layers, on the ONNX side: an image-shaped value [H, W, C] in the library is an
 * NCHW tensor in the graph; a vector [D] is [N, D].
 */
import type { Layer } from '../layers/layer.js';
import type { FloatArray, Shape } from '../tensor/tensor.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnxProto.js';

/** What an exporting layer can add to the graph. Names it creates are prefixed with the layer's. */
export interface ExportContext {
  /** The layer's input value: NCHW for an [H, W, C] input, [N, D] for a vector. */
  readonly input: string;
  readonly inputShape: Shape;
  /** Adds a float32 initializer named `<layer>.<name>`; returns its name. */
  floats(name: string, dims: number[], values: ArrayLike<number>): string;
  /** Adds an int64 initializer named `<layer>.<name>`; returns its name. */
  ints(name: string, values: number[]): string;
  /** Adds a node named `<layer>.<opType>` with one output; returns the output's name. */
  node(opType: string, inputs: string[], attributes?: OnnxAttribute[]): string;
  /** [N, C, H, W] to [N, H*W*C] in the library's NHWC order (Transpose, then Flatten). */
  flattenNhwc(x: string): string;
}

/** The ONNX side's arrangement of the value between two layers. */
export type OnnxLayout = 'nchw' | 'nhwc' | 'flat';

export interface ImportContext {
  readonly node: OnnxNode;
  /** The library shape of the node's data input. */
  readonly shape: Shape;
  readonly layout: OnnxLayout;
  /**
   * For a flat value flattened from NCHW: `flatOrder[i]` is the ONNX position of the library's
   * (NHWC-ordered) element i. Null when both orders agree.
   */
  readonly flatOrder: Int32Array | null;
  /** The node's input `index` as a constant (initializer or Constant node), if it is one. */
  constant(index: number): OnnxTensor | undefined;
  /** A constant value by name, if it is one. */
  constantNamed(name: string): OnnxTensor | undefined;
  /**
   * The node's input `index` as a shape vector: a constant, or computed from the `Shape` of the
   * data (`N` stands for the batch size), as in PyTorch's `x.view(x.size(0), -1)`.
   */
  shapeInput(index: number): (number | 'N')[] | undefined;
  /** The node's input `index` as float values; fails if it is missing or not a constant. */
  floats(index: number, what: string, count?: number): Float32Array;
  attrInt(name: string, fallback: number): number;
  attrInts(name: string, fallback: number[]): number[];
  attrFloat(name: string, fallback: number): number;
  attrString(name: string, fallback: string): string;
  /** The one node that reads `value`, if exactly one does and `value` is not a graph output. */
  soleConsumer(value: string): OnnxNode | undefined;
  /** Throws `ONNX node 'name' (Op): why`. */
  fail(why: string): never;
}

/** A layer spec as the mappings see it: its `type` and the fields each mapping names. */
export interface AnySpec {
  readonly type: string;
}

/** One layer read from the graph. */
export interface ImportedLayer<S extends AnySpec = AnySpec> {
  /** The layer, or null when the node is a no-op here (e.g. a Flatten of a [N, C, 1, 1] value). */
  spec: S | null;
  /** Parameters and saved state by name (`filters`, `bias`, `runningMean`, ...), library layout. */
  weights?: Record<string, Float32Array>;
  outputShape: Shape;
  /** Default: the input's layout. */
  layout?: OnnxLayout;
  /** Default: kept if the layout is kept, else null. */
  flatOrder?: Int32Array | null;
  /** Further nodes this layer took over (their last output is the layer's output). */
  consumed?: OnnxNode[];
}

/**
 * A reason this mapping does not take the node (e.g. `group 2 is not 1`). When every mapping for
 * an op declines, the import fails with all reasons in one line.
 */
export interface Declined {
  declined: string;
}

export interface OnnxLayerMapping<S extends AnySpec = AnySpec> {
  /** Writes the layer; returns the name of its output value (its input when it is omitted). */
  export(ctx: ExportContext, layer: Layer, spec: S): string;
  /** ONNX op types this mapping reads. */
  readonly importOps: readonly string[];
  import(ctx: ImportContext): ImportedLayer<S> | Declined;
}

// ---------------------------------------------------------------- helpers for mappings

/** A layer's parameter or saved state tensor by name (e.g. `filters`, `runningMean`). */
export function layerTensor(layer: Layer, name: string): FloatArray | undefined {
  const found = [...layer.params(), ...(layer.stateTensors?.() ?? [])].find((t) => t.name === name);
  return found?.value;
}

export function requiredTensor(layer: Layer, name: string): FloatArray {
  const t = layerTensor(layer, name);
  if (!t) throw new Error(`${layer.kind} layer has no tensor ${name}`);
  return t;
}

export const intAttr = (name: string, i: number): OnnxAttribute => ({ name, i });
export const intsAttr = (name: string, ints: number[]): OnnxAttribute => ({ name, ints });
export const floatAttr = (name: string, f: number): OnnxAttribute => ({ name, f });

/**
 * `values` of shape `dims` with its axes reordered as numpy's `transpose(perm)`: output axis j is
 * input axis perm[j] (HWIO [kh, kw, I, O] to OIHW is perm [3, 2, 0, 1]).
 */
export function permuteAxes(
  values: ArrayLike<number>,
  dims: readonly number[],
  perm: readonly number[],
): Float32Array {
  const inStrides = dims.map((_, a) => dims.slice(a + 1).reduce((p, d) => p * d, 1));
  const outDims = perm.map((a) => dims[a]);
  const out = new Float32Array(values.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let from = 0;
    for (let j = 0; j < perm.length; j++) from += index[j] * inStrides[perm[j]];
    out[i] = values[from];
    // Next output index, last axis fastest.
    for (let j = outDims.length - 1; j >= 0 && ++index[j] === outDims[j]; j--) index[j] = 0;
  }
  return out;
}

/** Permutes a flat per-feature vector from ONNX order to library order (see `flatOrder`). */
export function toLibraryOrder(values: Float32Array, flatOrder: Int32Array | null): Float32Array {
  if (!flatOrder) return values;
  return Float32Array.from(flatOrder, (j) => values[j]);
}

/** `flatOrder` for flattening an NCHW tensor whose library shape is [H, W, C]. */
export function nchwFlatOrder([H, W, C]: Shape): Int32Array | null {
  if (H * W === 1 || C === 1) return null;
  const order = new Int32Array(H * W * C);
  for (let h = 0; h < H; h++)
    for (let w = 0; w < W; w++)
      for (let c = 0; c < C; c++) order[(h * W + w) * C + c] = (c * H + h) * W + w;
  return order;
}

/** Window settings shared by Conv and the pooling ops: square kernel, equal strides, no dilation. */
export function squareWindow(
  ctx: ImportContext,
  kernel: number[],
): { size: number; stride: number } | Declined {
  const { node } = ctx;
  if (kernel.length !== 2) return { declined: `a ${kernel.length}-D window (only 2-D)` };
  if (kernel[0] !== kernel[1])
    return { declined: `a ${kernel[0]}x${kernel[1]} window (only square windows)` };
  const strides = ctx.attrInts('strides', [1, 1]);
  if (strides.length !== 2 || strides[0] !== strides[1])
    return { declined: `strides ${JSON.stringify(strides)} (only equal strides)` };
  const dilations = ctx.attrInts('dilations', [1, 1]);
  if (dilations.some((d) => d !== 1))
    return { declined: `dilations ${JSON.stringify(dilations)} (only 1)` };
  if (ctx.layout !== 'nchw' || ctx.shape.length !== 3)
    return { declined: `an input that is not an image (${node.opType} needs NCHW)` };
  return { size: kernel[0], stride: strides[0] };
}

export function isDeclined(v: object): v is Declined {
  return 'declined' in v;
}
