/** avgPool2d <-> ONNX `AveragePool` (no padding, so `count_include_pad` does not matter). */
import type { PoolConfig } from '../../model/spec.js';
import { isDeclined, type OnnxLayerMapping } from '../mapping.js';
import { exportPool, importPoolWindow } from './poolWindow.js';

export const avgPool2dOnnx: OnnxLayerMapping<{ type: 'avgPool2d' } & PoolConfig> = {
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
