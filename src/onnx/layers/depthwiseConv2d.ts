/**
 * depthwiseConv2d <-> ONNX `Conv` with `group` equal to the input channels C: each group reads one
 * channel. The library's filters [kh, kw, C, M] give output channel c*M+m from filter m of
 * channel c, which is ONNX's order for groups of M outputs, so the weights are [C*M, 1, kh, kw].
 * Padding is written and read as conv2d's.
 */
import type { Padding } from '../../kernels/convGeometry.js';
import {
  type Declined,
  type ImportedLayer,
  isDeclined,
  type OnnxLayerMapping,
  permuteAxes,
  requiredTensor,
} from '../mapping.js';
import { exportConv, readConv } from './conv2d.js';

/** The depthwiseConv2d spec fields read and written here. */
interface DepthwiseConv2dSpec {
  type: 'depthwiseConv2d';
  kernelSize: number;
  stride?: number;
  padding?: Padding;
  depthMultiplier?: number;
  useBias?: boolean;
}

export const depthwiseConv2dOnnx: OnnxLayerMapping<DepthwiseConv2dSpec> = {
  export(ctx, layer, spec) {
    const k = spec.kernelSize;
    const [, , C] = ctx.inputShape;
    const M = spec.depthMultiplier ?? 1;
    // [kh, kw, C, M] to [C, M, kh, kw], which is [C*M, 1, kh, kw] in memory.
    const weight = permuteAxes(requiredTensor(layer, 'filters'), [k, k, C, M], [2, 3, 0, 1]);
    return exportConv(ctx, layer, spec, weight, [C * M, 1, k, k], C);
  },
  importOps: ['Conv'],
  import(ctx): ImportedLayer<DepthwiseConv2dSpec> | Declined {
    const C = ctx.shape[2];
    const group = ctx.attrInt('group', 1);
    if (group !== C || C === 1)
      return { declined: `group ${group} (depthwiseConv2d has group = the ${C} input channels)` };
    const conv = readConv(ctx);
    if (isDeclined(conv)) return conv;
    const { O, I, k } = conv;
    if (I !== 1 || O % C !== 0)
      return { declined: `weights [${O}, ${I}, ${k}, ${k}] for ${C} groups of one channel` };
    const M = O / C;
    const filters = permuteAxes(conv.oihw, [C, M, k, k], [2, 3, 0, 1]);
    const weights: Record<string, Float32Array> = { filters };
    if (conv.bias) weights.bias = conv.bias;
    return {
      spec: {
        type: 'depthwiseConv2d',
        kernelSize: k,
        stride: conv.stride,
        padding: conv.padding,
        depthMultiplier: M,
        useBias: conv.bias !== undefined,
      },
      weights,
      outputShape: conv.outputShape,
    };
  },
};
