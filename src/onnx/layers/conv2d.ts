/**
 * conv2d <-> ONNX `Conv`. Filters go from the library's HWIO to ONNX's OIHW and back. Padding is
 * written as explicit pads [top, left, bottom, right]: `same` puts the extra pixel, if any, at the
 * bottom/right, as the library does. On import, pads become `valid`, a number (all four equal) or
 * `same` (when they give the library's `same` output and top/left padding).
 */
import { type Padding, paddedOutput } from '../../kernels/convGeometry.js';
import type { Layer } from '../../layers/layer.js';
import type { Shape } from '../../tensor/tensor.js';
import {
  type Declined,
  type ExportContext,
  type ImportContext,
  type ImportedLayer,
  intAttr,
  intsAttr,
  isDeclined,
  layerTensor,
  type OnnxLayerMapping,
  permuteAxes,
  requiredTensor,
  squareWindow,
} from '../mapping.js';

/** [top, left, bottom, right] pads that reproduce the library's padding of an H x W input. */
export function explicitPads(
  [H, W]: Shape,
  kernel: number,
  stride: number,
  padding: Padding,
): number[] {
  const pads = (size: number) => {
    const { out, padBefore } = paddedOutput(size, kernel, stride, padding);
    const after = Math.max((out - 1) * stride + kernel - size - padBefore, 0);
    return [padBefore, after];
  };
  const [top, bottom] = pads(H);
  const [left, right] = pads(W);
  return [top, left, bottom, right];
}

/** The library padding equal to ONNX pads on an H x W input, or why there is none. */
export function libraryPadding(
  ctx: ImportContext,
  kernel: number,
  stride: number,
): Padding | Declined {
  const [H, W] = ctx.shape;
  const autoPad = ctx.attrString('auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return 'valid';
  if (autoPad === 'SAME_UPPER') return 'same';
  if (autoPad !== 'NOTSET')
    return { declined: `auto_pad ${autoPad} (extra padding goes bottom/right here)` };
  const pads = ctx.attrInts('pads', [0, 0, 0, 0]);
  if (pads.length !== 4 || pads.some((p) => p < 0))
    return { declined: `pads ${JSON.stringify(pads)}` };
  const [t, l, b, r] = pads;
  if (t === l && l === b && b === r) return t === 0 ? 'valid' : t;
  const same = explicitPads([H, W], kernel, stride, 'same');
  const outOf = (size: number, before: number, after: number) =>
    Math.floor((size + before + after - kernel) / stride) + 1;
  if (
    t === same[0] &&
    l === same[1] &&
    outOf(H, t, b) === Math.ceil(H / stride) &&
    outOf(W, l, r) === Math.ceil(W / stride)
  )
    return 'same';
  return {
    declined: `asymmetric pads ${JSON.stringify(pads)} that are not 'same' with the extra pixel bottom/right`,
  };
}

/** The conv2d spec fields read and written here. */
interface Conv2dSpec {
  type: 'conv2d';
  filters: number;
  kernelSize: number;
  stride?: number;
  padding?: Padding;
  useBias?: boolean;
}

/** A `Conv` node's window, padding and weights, checked against what the library's convolutions do. */
export interface ConvRead {
  /** Weights as ONNX has them: [O, I, k, k] (I per group). */
  oihw: Float32Array;
  O: number;
  I: number;
  k: number;
  stride: number;
  padding: Padding;
  bias?: Float32Array;
  outputShape: [number, number, number];
}

/** Reads what conv2d and depthwiseConv2d share: square kernel, equal strides, library padding. */
export function readConv(ctx: ImportContext): ConvRead | Declined {
  const w = ctx.constant(1);
  if (!w?.floats || w.dims.length !== 4) return { declined: 'weights that are not a 4-D constant' };
  const [O, I, kh, kw] = w.dims;
  const window = squareWindow(ctx, ctx.attrInts('kernel_shape', [kh, kw]));
  if (isDeclined(window)) return window;
  if (kh !== kw || window.size !== kh)
    return { declined: `kernel_shape does not match ${kh}x${kw} weights` };
  const padding = libraryPadding(ctx, kh, window.stride);
  if (typeof padding === 'object') return padding;
  const [H, W] = ctx.shape;
  const bias = ctx.node.inputs[2] ? ctx.floats(2, 'bias', O) : undefined;
  const h = paddedOutput(H, kh, window.stride, padding).out;
  const wd = paddedOutput(W, kh, window.stride, padding).out;
  return {
    oihw: w.floats,
    O,
    I,
    k: kh,
    stride: window.stride,
    padding,
    bias,
    outputShape: [h, wd, O],
  };
}

/** The `Conv` node of a convolution whose OIHW weights are `oihw`. */
export function exportConv(
  ctx: ExportContext,
  layer: Layer,
  spec: { kernelSize: number; stride?: number; padding?: Padding },
  oihw: Float32Array,
  dims: number[],
  group: number,
): string {
  const k = spec.kernelSize;
  const stride = spec.stride ?? 1;
  const inputs = [ctx.input, ctx.floats('weight', dims, oihw)];
  const bias = layerTensor(layer, 'bias');
  if (bias) inputs.push(ctx.floats('bias', [dims[0]], bias));
  return ctx.node('Conv', inputs, [
    intsAttr('kernel_shape', [k, k]),
    intsAttr('strides', [stride, stride]),
    intsAttr('pads', explicitPads(ctx.inputShape, k, stride, spec.padding ?? 'valid')),
    intsAttr('dilations', [1, 1]),
    intAttr('group', group),
  ]);
}

export const conv2dOnnx: OnnxLayerMapping<Conv2dSpec> = {
  export(ctx, layer, spec) {
    const k = spec.kernelSize;
    const [, , I] = ctx.inputShape;
    const O = spec.filters;
    const oihw = permuteAxes(requiredTensor(layer, 'filters'), [k, k, I, O], [3, 2, 0, 1]);
    return exportConv(ctx, layer, spec, oihw, [O, I, k, k], 1);
  },
  importOps: ['Conv'],
  import(ctx): ImportedLayer<Conv2dSpec> | Declined {
    const group = ctx.attrInt('group', 1);
    if (group !== 1) return { declined: `group ${group} (conv2d has group 1)` };
    const conv = readConv(ctx);
    if (isDeclined(conv)) return conv;
    const { O, I, k } = conv;
    const C = ctx.shape[2];
    if (I !== C) return { declined: `weights for ${I} input channels on a ${C}-channel input` };
    const hwio = permuteAxes(conv.oihw, [O, I, k, k], [2, 3, 1, 0]);
    const weights: Record<string, Float32Array> = { filters: hwio };
    if (conv.bias) weights.bias = conv.bias;
    return {
      spec: {
        type: 'conv2d',
        filters: O,
        kernelSize: k,
        stride: conv.stride,
        padding: conv.padding,
        useBias: conv.bias !== undefined,
      },
      weights,
      outputShape: conv.outputShape,
    };
  },
};
