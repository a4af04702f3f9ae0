/**
 * dense <-> ONNX `Gemm` (or `MatMul` then `Add`). The library's weights are [inputs, units], so
 * export writes them as they are with transB 0; import also reads PyTorch's transB 1 ([units,
 * inputs]). A dense layer straight after an image-shaped layer flattens it in NHWC order first.
 * A flat input that was flattened in NCHW order (PyTorch's) has its weight rows permuted to the
 * library's NHWC order.
 */
import { intAttr, layerTensor, type OnnxLayerMapping, requiredTensor } from '../mapping.js';
import type { OnnxTensor } from '../onnxProto.js';

export const denseOnnx: OnnxLayerMapping<{ type: 'dense'; units: number; useBias?: boolean }> = {
  export(ctx, layer, spec) {
    const x = ctx.inputShape.length === 1 ? ctx.input : ctx.flattenNhwc(ctx.input);
    const inputs = ctx.inputShape.reduce((a, b) => a * b, 1);
    const w = requiredTensor(layer, 'weights');
    const names = [x, ctx.floats('weight', [inputs, spec.units], w)];
    const bias = layerTensor(layer, 'bias');
    if (bias) names.push(ctx.floats('bias', [spec.units], bias));
    return ctx.node('Gemm', names, [intAttr('transB', 0)]);
  },
  importOps: ['Gemm', 'MatMul'],
  import(ctx) {
    const { node } = ctx;
    if (ctx.shape.length !== 1 || ctx.layout !== 'flat')
      return { declined: 'an input that is not flat [N, D] (a Flatten must come first)' };
    const D = ctx.shape[0];
    const b = ctx.constant(1);
    if (!b?.floats || b.dims.length !== 2)
      return { declined: 'weights that are not a 2-D constant' };
    let transB = 0;
    let biasNode: OnnxTensor | undefined;
    const consumed = [];
    if (node.opType === 'Gemm') {
      if (ctx.attrInt('transA', 0) !== 0) return { declined: 'transA 1' };
      if (ctx.attrFloat('alpha', 1) !== 1 || ctx.attrFloat('beta', 1) !== 1)
        return { declined: 'alpha or beta other than 1' };
      transB = ctx.attrInt('transB', 0);
      if (node.inputs[2]) {
        biasNode = ctx.constant(2);
        if (!biasNode?.floats) return { declined: 'a bias that is not a constant' };
      }
    } else {
      // MatMul, then an Add of a constant bias vector if there is one.
      const add = ctx.soleConsumer(node.outputs[0]);
      if (add?.opType === 'Add') {
        const other = add.inputs[0] === node.outputs[0] ? 1 : 0;
        const t = ctx.constantNamed(add.inputs[other]);
        if (t?.floats) {
          biasNode = t;
          consumed.push(add);
        }
      }
    }
    const [rows, cols] = b.dims;
    const [inputs, units] = transB ? [cols, rows] : [rows, cols];
    if (inputs !== D) return { declined: `weights for ${inputs} inputs on ${D} features` };
    if (biasNode && biasNode.floats!.length !== units)
      return { declined: `a bias of ${biasNode.floats!.length} values for ${units} units` };
    const src = b.floats;
    const order = ctx.flatOrder;
    const weights = new Float32Array(D * units);
    for (let i = 0; i < D; i++) {
      const r = order ? order[i] : i;
      for (let u = 0; u < units; u++)
        weights[i * units + u] = transB ? src[u * D + r] : src[r * units + u];
    }
    const result: Record<string, Float32Array> = { weights };
    if (biasNode) result.bias = biasNode.floats!;
    return {
      spec: { type: 'dense', units, useBias: biasNode !== undefined },
      weights: result,
      outputShape: [units],
      flatOrder: null,
      consumed,
    };
  },
};
