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
    const ours = requiredTensor(layer, 'filters');
    const weight = new Float32Array(ours.length);
    for (let c = 0; c < C; c++)
      for (let m = 0; m < M; m++)
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++)
            weight[((c * M + m) * k + y) * k + x] = ours[((y * k + x) * C + c) * M + m];
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
    const filters = new Float32Array(conv.oihw.length);
    for (let c = 0; c < C; c++)
      for (let m = 0; m < M; m++)
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++)
            filters[((y * k + x) * C + c) * M + m] = conv.oihw[((c * M + m) * k + y) * k + x];
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
