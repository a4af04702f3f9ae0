/** relu <-> ONNX `Relu`: elementwise, so any layout passes through. */
import type { OnnxLayerMapping } from '../mapping.js';

export const reluOnnx: OnnxLayerMapping<{ type: 'relu' }> = {
  export: (ctx) => ctx.node('Relu', [ctx.input]),
  importOps: ['Relu'],
  import: (ctx) => ({ spec: { type: 'relu' }, outputShape: ctx.shape }),
};
