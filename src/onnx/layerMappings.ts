/**
 * The ONNX mappings of the layer types, taken from their registry entries: the exporter asks for
 * a spec's mapping, the importer for the mappings that read an op.
 */
import { entryFor, type LayerSpec, layerRegistry } from '../layers/registry.js';
import type { OnnxLayerMapping } from './mapping.js';

/** The mapping for one layer spec, typed for that spec. */
export function onnxMappingFor<S extends LayerSpec>(spec: S): OnnxLayerMapping<S> {
  return entryFor(spec).onnx as OnnxLayerMapping<S>;
}

/** The mappings that read each ONNX op type, in registry order (the first that takes it wins). */
export function mappingsForOp(opType: string): OnnxLayerMapping<LayerSpec>[] {
  return layerRegistry
    .map((e) => e.onnx as OnnxLayerMapping<LayerSpec>)
    .filter((m) => m.importOps.includes(opType));
}
