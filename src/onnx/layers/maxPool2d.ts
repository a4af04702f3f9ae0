/** maxPool2d <-> ONNX `MaxPool` (no padding, output size rounded down). */
import { isDeclined, type OnnxLayerMapping } from '../mapping.js';
import { exportPool, importPoolWindow, type PoolSpec } from './poolWindow.js';

export const maxPool2dOnnx: OnnxLayerMapping<{ type: 'maxPool2d' } & PoolSpec> = {
  export: (ctx, _layer, spec) => exportPool(ctx, 'MaxPool', spec),
  importOps: ['MaxPool'],
  import(ctx) {
    if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '')
      return { declined: 'an Indices output (not used by the library)' };
    if (ctx.attrInt('storage_order', 0) !== 0) return { declined: 'storage_order 1' };
    const w = importPoolWindow(ctx);
    if (isDeclined(w)) return w;
    return {
      spec: { type: 'maxPool2d', poolSize: w.poolSize, stride: w.stride },
      outputShape: w.outputShape,
    };
  },
};
