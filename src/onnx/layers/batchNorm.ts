/**
 * batchNorm <-> ONNX `BatchNormalization` in inference form: scale (gamma), bias (beta), and the
 * running mean and variance. ONNX normalises axis 1, which is the channel axis of NCHW and the
 * feature axis of [N, D], the library's last axis in both cases. ONNX's `momentum` is, as here,
 * the weight of the old running statistics.
 */
import { floatAttr, type OnnxLayerMapping, requiredTensor, toLibraryOrder } from '../mapping.js';

export const batchNormOnnx: OnnxLayerMapping<{
  type: 'batchNorm';
  momentum?: number;
  epsilon?: number;
}> = {
  export(ctx, layer, spec) {
    const C = ctx.inputShape[ctx.inputShape.length - 1];
    const tensor = (name: string) => ctx.floats(name, [C], requiredTensor(layer, name));
    return ctx.node(
      'BatchNormalization',
      [ctx.input, tensor('gamma'), tensor('beta'), tensor('runningMean'), tensor('runningVar')],
      [floatAttr('epsilon', spec.epsilon ?? 1e-5), floatAttr('momentum', spec.momentum ?? 0.9)],
    );
  },
  importOps: ['BatchNormalization'],
  import(ctx) {
    const real = ctx.node.outputs.slice(1).filter((o) => o !== '');
    if (real.length > 0) return { declined: 'training-mode outputs (running statistics)' };
    if (ctx.layout === 'nhwc')
      return { declined: 'an input in NHWC order (axis 1 is not channels)' };
    const C = ctx.shape.length === 3 ? ctx.shape[2] : ctx.shape[0];
    const order = ctx.shape.length === 1 ? ctx.flatOrder : null;
    const read = (i: number, what: string) => toLibraryOrder(ctx.floats(i, what, C), order);
    const epsilon = ctx.attrFloat('epsilon', 1e-5);
    const momentum = ctx.attrFloat('momentum', 0.9);
    if (!(epsilon > 0 && epsilon < 1))
      return { declined: `epsilon ${epsilon} (must be in (0, 1))` };
    return {
      spec: {
        type: 'batchNorm',
        epsilon,
        momentum: momentum >= 0 && momentum < 1 ? momentum : undefined,
      },
      weights: {
        gamma: read(1, 'scale'),
        beta: read(2, 'bias'),
        runningMean: read(3, 'mean'),
        runningVar: read(4, 'var'),
      },
      outputShape: ctx.shape,
    };
  },
};
