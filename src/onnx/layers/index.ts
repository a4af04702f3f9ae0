/**
 * Every layer type's ONNX mapping, one entry per `LayerSpec` type: the type checker flags a layer
 * type without one.
 */
import type { LayerSpec } from '../../model/spec.js';
import type { OnnxLayerMapping } from '../mapping.js';
import { avgPool2dOnnx } from './avgPool2d.js';
import { batchNormOnnx } from './batchNorm.js';
import { conv2dOnnx } from './conv2d.js';
import { denseOnnx } from './dense.js';
import { dropoutOnnx } from './dropout.js';
import { flattenOnnx } from './flatten.js';
import { globalAvgPool2dOnnx } from './globalAvgPool2d.js';
import { maxPool2dOnnx } from './maxPool2d.js';
import { reluOnnx } from './relu.js';

export type LayerType = LayerSpec['type'];

export const onnxLayerMappings: {
  [K in LayerType]: OnnxLayerMapping<Extract<LayerSpec, { type: K }>>;
} = {
  conv2d: conv2dOnnx,
  maxPool2d: maxPool2dOnnx,
  avgPool2d: avgPool2dOnnx,
  globalAvgPool2d: globalAvgPool2dOnnx,
  dense: denseOnnx,
  relu: reluOnnx,
  flatten: flattenOnnx,
  dropout: dropoutOnnx,
  batchNorm: batchNormOnnx,
};

/** The mapping for one layer spec, typed for that spec. */
export function onnxMappingFor<S extends LayerSpec>(spec: S): OnnxLayerMapping<S> {
  return onnxLayerMappings[spec.type as LayerType] as unknown as OnnxLayerMapping<S>;
}

/** The mappings that read each ONNX op type, in the order above. */
export function mappingsForOp(opType: string): OnnxLayerMapping[] {
  return Object.values(onnxLayerMappings).filter((m) =>
    m.importOps.includes(opType),
  ) as OnnxLayerMapping[];
}
