/**
 * dropout: the identity at inference, so export omits it. Import reads ONNX `Dropout` (the rate
 * from its `ratio` input, or attribute in opsets before 12; default 0.5) so that fine-tuning an
 * imported model drops as the original did.
 */
import type { OnnxLayerMapping } from '../mapping.js';

export const dropoutOnnx: OnnxLayerMapping<{ type: 'dropout'; rate: number }> = {
  export: (ctx) => ctx.input,
  importOps: ['Dropout'],
  import(ctx) {
    if (
      ctx.node.outputs.length > 1 &&
      ctx.node.outputs[1] !== '' &&
      ctx.soleConsumer(ctx.node.outputs[1])
    )
      return { declined: 'a mask output that is used' };
    const ratio = ctx.node.inputs[1] ? ctx.floats(1, 'ratio', 1)[0] : ctx.attrFloat('ratio', 0.5);
    if (!(ratio >= 0 && ratio < 1)) return { declined: `ratio ${ratio} (must be in [0, 1))` };
    return { spec: { type: 'dropout', rate: ratio }, outputShape: ctx.shape };
  },
};
