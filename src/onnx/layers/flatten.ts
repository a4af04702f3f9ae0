/**
 * flatten <-> ONNX `Flatten` (axis 1), or `Reshape` to [N, -1] as PyTorch writes for
 * `x.view(x.size(0), -1)`. Export transposes NCHW back to NHWC first so the order of the flat
 * values is the library's. Import of a plain NCHW flatten (PyTorch's) records the order so the
 * next dense layer's rows can be permuted; a flatten of a value that is already a vector (after
 * global pooling) is no layer at all.
 */
import {
  type ImportContext,
  type ImportedLayer,
  nchwFlatOrder,
  type OnnxLayerMapping,
} from '../mapping.js';

function flattened(ctx: ImportContext): ImportedLayer<{ type: 'flatten' }> {
  const D = ctx.shape.reduce((a, b) => a * b, 1);
  if (ctx.shape.length === 1) return { spec: null, outputShape: ctx.shape, layout: 'flat' };
  const flatOrder = ctx.layout === 'nchw' ? nchwFlatOrder(ctx.shape) : null;
  return { spec: { type: 'flatten' }, outputShape: [D], layout: 'flat', flatOrder };
}

export const flattenOnnx: OnnxLayerMapping<{ type: 'flatten' }> = {
  export: (ctx) => (ctx.inputShape.length === 1 ? ctx.input : ctx.flattenNhwc(ctx.input)),
  importOps: ['Flatten', 'Reshape'],
  import(ctx) {
    if (ctx.node.opType === 'Flatten') {
      const axis = ctx.attrInt('axis', 1);
      if (axis !== 1) return { declined: `axis ${axis} (only 1: keep the batch axis)` };
      return flattened(ctx);
    }
    const target = ctx.shapeInput(1);
    if (!target) return { declined: 'a target shape that is not a constant or a known shape' };
    const D = ctx.shape.reduce((a, b) => a * b, 1);
    const ok =
      target.length === 2 &&
      (target[0] === 'N' || target[0] === 0 || target[0] === -1) &&
      (target[1] === -1 || target[1] === D) &&
      !(target[0] === -1 && target[1] === -1);
    if (!ok)
      return {
        declined: `a target shape ${JSON.stringify(target)} that is not [batch, ${D}] or [batch, -1]`,
      };
    return flattened(ctx);
  },
};
