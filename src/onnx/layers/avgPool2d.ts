/** avgPool2d <-> ONNX `AveragePool` (no padding, so `count_include_pad` does not matter). */
import { isDeclined, type OnnxLayerMapping } from '../mapping.js';
import { exportPool, importPoolWindow, type PoolSpec } from './poolWindow.js';

export const avgPool2dOnnx: OnnxLayerMapping<{ type: 'avgPool2d' } & PoolSpec> = {
  export: (ctx, _layer, spec) => exportPool(ctx, 'AveragePool', spec),
  importOps: ['AveragePool'],
  import(ctx) {
    const w = importPoolWindow(ctx);
    if (isDeclined(w)) return w;
    return {
      spec: { type: 'avgPool2d', poolSize: w.poolSize, stride: w.stride },
      outputShape: w.outputShape,
    };
  },
};
