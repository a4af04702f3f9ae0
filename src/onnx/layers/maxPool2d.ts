/** maxPool2d <-> ONNX `MaxPool` (no padding, output size rounded down). */
import type { MaxPool2DConfig } from '../../layers/maxPool2d.js';
import { intsAttr, isDeclined, type OnnxLayerMapping } from '../mapping.js';
import { importPoolWindow } from './poolWindow.js';

export const maxPool2dOnnx: OnnxLayerMapping<{ type: 'maxPool2d' } & MaxPool2DConfig> = {
  export(ctx, _layer, spec) {
    const size = spec.poolSize ?? 2;
    const stride = spec.stride ?? size;
    return ctx.node(
      'MaxPool',
      [ctx.input],
      [
        intsAttr('kernel_shape', [size, size]),
        intsAttr('strides', [stride, stride]),
        intsAttr('pads', [0, 0, 0, 0]),
      ],
    );
  },
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
