/**
 * The activations <-> their ONNX ops (`Relu`, `LeakyRelu`, `Sigmoid`, `Tanh`): elementwise, so
 * any layout passes through.
 */
import { floatAttr, type OnnxLayerMapping } from '../mapping.js';

/** The mapping of an activation without config to the ONNX op `op`. */
function plainActivationOnnx<T extends string>(type: T, op: string): OnnxLayerMapping<{ type: T }> {
  return {
    export: (ctx) => ctx.node(op, [ctx.input]),
    importOps: [op],
    import: (ctx) => ({ spec: { type }, outputShape: ctx.shape }),
  };
}

export const reluOnnx = plainActivationOnnx('relu', 'Relu');
export const sigmoidOnnx = plainActivationOnnx('sigmoid', 'Sigmoid');
export const tanhOnnx = plainActivationOnnx('tanh', 'Tanh');

/**
 * The shortest decimal that is the float32 `f`: ONNX stores float attributes in 32 bits, so the
 * alpha 0.2 comes back as 0.2000000029...; reading it as 0.2 gives back the exported model.
 */
function shortestDecimal(f: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const d = Number(f.toPrecision(digits));
    if (Math.fround(d) === f) return d;
  }
  return f;
}

export const leakyReluOnnx: OnnxLayerMapping<{ type: 'leakyRelu'; alpha?: number }> = {
  export: (ctx, _layer, spec) =>
    ctx.node('LeakyRelu', [ctx.input], [floatAttr('alpha', spec.alpha ?? 0.01)]),
  importOps: ['LeakyRelu'],
  import(ctx) {
    const alpha = shortestDecimal(ctx.attrFloat('alpha', Math.fround(0.01)));
    if (!(alpha >= 0 && alpha < 1)) return { declined: `alpha ${alpha} (must be in [0, 1))` };
    return { spec: { type: 'leakyRelu', alpha }, outputShape: ctx.shape };
  },
};
