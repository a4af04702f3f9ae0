/**
 * globalAvgPool2d <-> ONNX `GlobalAveragePool`. ONNX keeps [N, C, 1, 1]; the library's output is
 * the vector [C], so export adds a `Flatten` and import lets the next Flatten or Reshape pass.
 */
import { intAttr, type OnnxLayerMapping } from '../mapping.js';

export const globalAvgPool2dOnnx: OnnxLayerMapping<{ type: 'globalAvgPool2d' }> = {
  export(ctx) {
    const pooled = ctx.node('GlobalAveragePool', [ctx.input]);
    return ctx.node('Flatten', [pooled], [intAttr('axis', 1)]);
  },
  importOps: ['GlobalAveragePool'],
  import(ctx) {
    if (ctx.layout !== 'nchw' || ctx.shape.length !== 3)
      return { declined: 'an input that is not an image' };
    return { spec: { type: 'globalAvgPool2d' }, outputShape: [ctx.shape[2]] };
  },
};
