/** avgPool2d <-> ONNX `AveragePool` (no padding, so `count_include_pad` does not matter). */
import type { PoolConfig } from '../../model/spec.js';
import { intsAttr, isDeclined, type OnnxLayerMapping } from '../mapping.js';
import { importPoolWindow } from './poolWindow.js';

export const avgPool2dOnnx: OnnxLayerMapping<{ type: 'avgPool2d' } & PoolConfig> = {
  export(ctx, _layer, spec) {
    const size = spec.poolSize ?? 2;
    const stride = spec.stride ?? size;
    return ctx.node(
      'AveragePool',
      [ctx.input],
      [
        intsAttr('kernel_shape', [size, size]),
        intsAttr('strides', [stride, stride]),
        intsAttr('pads', [0, 0, 0, 0]),
      ],
    );
  },
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
