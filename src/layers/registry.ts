/**
 * Every layer type the engine builds, listed once. `LayerSpec`, `validateLayerSpec` and
 * `buildLayer` derive from this list, so a new layer is its file plus one line here; the type
 * checker then asks it for every field of a `LayerEntry` (see layerEntry.ts), and the test table
 * (test/layerCases.ts) for its checks.
 */
import { leakyReluLayer, reluLayer, sigmoidLayer, tanhLayer } from './activation.js';
import { avgPool2dLayer, globalAvgPool2dLayer } from './avgPool2d.js';
import { batchNormLayer } from './batchNorm.js';
import { isObj, shown } from './configCheck.js';
import { conv2dLayer } from './conv2d.js';
import { denseLayer } from './dense.js';
import { depthwiseConv2dLayer } from './depthwiseConv2d.js';
import { dropoutLayer } from './dropout.js';
import { flattenLayer } from './flatten.js';
import type { Layer } from './layer.js';
import type { BuildContext, LayerEntry, LayerShapes, TorchModule } from './layerEntry.js';
import { maxPool2dLayer } from './maxPool2d.js';

/** The registry entry of every layer type, in a fixed order (the order ONNX import tries them). */
export const layerRegistry = [
  conv2dLayer,
  depthwiseConv2dLayer,
  maxPool2dLayer,
  avgPool2dLayer,
  globalAvgPool2dLayer,
  denseLayer,
  reluLayer,
  leakyReluLayer,
  sigmoidLayer,
  tanhLayer,
  flattenLayer,
  dropoutLayer,
  batchNormLayer,
] as const;

type Entry = (typeof layerRegistry)[number];

/** The spec `type` of every layer, e.g. 'conv2d' | 'relu' | ... */
export type LayerType = Entry['type'];

/** One layer of a model spec: the union of every entry's spec type. */
export type LayerSpec = Entry extends infer E
  ? E extends LayerEntry<string, infer S>
    ? S
    : never
  : never;

/** The spec type of one layer type, e.g. `LayerSpecOf<'conv2d'>`. */
export type LayerSpecOf<T extends LayerType> = Extract<LayerSpec, { type: T }>;

const byType = new Map<string, LayerEntry<LayerType, LayerSpec>>(
  layerRegistry.map((e) => [e.type, e as LayerEntry<LayerType, LayerSpec>]),
);

/**
 * The entry of a spec's type, typed to take that spec. (TypeScript cannot follow that a spec of
 * type 'conv2d' goes with the conv2d entry, so the pairing is made here, once.)
 */
export function entryFor(spec: LayerSpec): LayerEntry<LayerType, LayerSpec> {
  const entry = byType.get(spec.type);
  if (!entry) throw new Error(`unknown layer type ${shown(spec.type)}`);
  return entry;
}

/** Checks layer `index` (0-based) of an untrusted spec and returns it with its type's fields. */
export function validateLayerSpec(v: unknown, index: number): LayerSpec {
  const where = `layer ${index + 1}`;
  if (!isObj(v)) throw new Error(`${where} must be an object`);
  const entry = typeof v.type === 'string' ? byType.get(v.type) : undefined;
  if (!entry) throw new Error(`${where} has unknown type ${shown(v.type)}`);
  return entry.validate(v, where);
}

/** Builds the layer a spec describes, for the given input shape and random streams. */
export function buildLayer(spec: LayerSpec, context: BuildContext): Layer {
  return entryFor(spec).build(spec, context);
}

/** The PyTorch modules computing the same function as a built layer of this spec. */
export function torchModules(spec: LayerSpec, shapes: LayerShapes): TorchModule[] {
  return entryFor(spec).torch(spec, shapes);
}
