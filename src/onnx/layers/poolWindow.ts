/** The window of an ONNX MaxPool or AveragePool, checked against what the library's pools do. */
import { paddedOutput } from '../../kernels/convGeometry.js';
import {
  type Declined,
  type ExportContext,
  type ImportContext,
  intsAttr,
  isDeclined,
  squareWindow,
} from '../mapping.js';

/** The pool layers' fields read here (defaults: size 2, stride the size). */
export interface PoolSpec {
  poolSize?: number;
  stride?: number;
}

/** A `MaxPool` or `AveragePool` node: windows of the pool size, stride (default: the size), no padding. */
export function exportPool(
  ctx: ExportContext,
  op: 'MaxPool' | 'AveragePool',
  spec: PoolSpec,
): string {
  const size = spec.poolSize ?? 2;
  const stride = spec.stride ?? size;
  return ctx.node(
    op,
    [ctx.input],
    [
      intsAttr('kernel_shape', [size, size]),
      intsAttr('strides', [stride, stride]),
      intsAttr('pads', [0, 0, 0, 0]),
    ],
  );
}

export interface PoolWindow {
  poolSize: number;
  stride: number;
  outputShape: [number, number, number];
}

/** The library pools windows that fit inside the image (no padding, output size rounded down). */
export function importPoolWindow(ctx: ImportContext): PoolWindow | Declined {
  const kernel = ctx.attrInts('kernel_shape', []);
  const window = squareWindow(ctx, kernel);
  if (isDeclined(window)) return window;
  const pads = ctx.attrInts('pads', [0, 0, 0, 0]);
  if (pads.some((p) => p !== 0))
    return { declined: `pads ${JSON.stringify(pads)} (pooling here has no padding)` };
  const autoPad = ctx.attrString('auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID')
    return { declined: `auto_pad ${autoPad} (pooling here has no padding)` };
  const [H, W, C] = ctx.shape;
  const { size, stride } = window;
  const h = paddedOutput(H, size, stride, 'valid').out;
  const w = paddedOutput(W, size, stride, 'valid').out;
  if (h < 1 || w < 1)
    return { declined: `a ${size}x${size} window larger than the ${H}x${W} input` };
  if (ctx.attrInt('ceil_mode', 0) !== 0) {
    // Rounding up gives another output row or column unless the windows tile the input exactly.
    const ceil = (n: number) => Math.ceil((n - size) / stride) + 1;
    if (ceil(H) !== h || ceil(W) !== w)
      return { declined: 'ceil_mode 1 (output sizes round down here)' };
  }
  return { poolSize: size, stride, outputShape: [h, w, C] };
}
