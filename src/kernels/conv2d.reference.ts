/**
 * Reference convolution kernels: the definition, written as plainly as possible, for tests to
 * compare the fast kernels in conv2d.ts against. Layouts as in conv2d.ts.
 */
import type { FloatArray } from '../tensor/tensor.js';
import type { ConvGeometry } from './convGeometry.js';
import { forEachPosition } from './forEachPosition.js';

function inputIndex(g: ConvGeometry, n: number, y: number, x: number, c: number): number {
  return ((n * g.inH + y) * g.inW + x) * g.inC + c;
}
function outputIndex(g: ConvGeometry, n: number, y: number, x: number, c: number): number {
  return ((n * g.outH + y) * g.outW + x) * g.outC + c;
}
function filterIndex(g: ConvGeometry, ky: number, kx: number, ci: number, co: number): number {
  return ((ky * g.kernelW + kx) * g.inC + ci) * g.outC + co;
}
/** The input pixel under filter tap (ky, kx) for output pixel (oy, ox), or null if in padding. */
function tap(
  g: ConvGeometry,
  oy: number,
  ox: number,
  ky: number,
  kx: number,
): [number, number] | null {
  const y = oy * g.stride + ky - g.padTop;
  const x = ox * g.stride + kx - g.padLeft;
  return y >= 0 && y < g.inH && x >= 0 && x < g.inW ? [y, x] : null;
}

function outputSize(g: ConvGeometry): number {
  return g.batch * g.outH * g.outW * g.outC;
}
/**
 * Calls visit(o, i, f) for every multiply-add of the convolution, out[o] += input[i] * filters[f],
 * in the order n, oy, ox, co, ky, kx, ci; taps over the padding are skipped. The forward pass and
 * both gradients are this one sum read three ways.
 */
function forEachProduct(g: ConvGeometry, visit: (o: number, i: number, f: number) => void): void {
  forEachPosition(g.batch, g.outH, g.outW, g.outC, (n, oy, ox, co) => {
    const o = outputIndex(g, n, oy, ox, co);
    for (let ky = 0; ky < g.kernelH; ky++)
      for (let kx = 0; kx < g.kernelW; kx++) {
        const p = tap(g, oy, ox, ky, kx);
        if (!p) continue;
        for (let ci = 0; ci < g.inC; ci++) {
          visit(o, inputIndex(g, n, p[0], p[1], ci), filterIndex(g, ky, kx, ci, co));
        }
      }
  });
}

export function conv2dForwardReference(
  out: FloatArray,
  input: FloatArray,
  filters: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
): void {
  // Sums in float64 whatever the storage type, then one rounding per output.
  const sum = new Float64Array(outputSize(g));
  for (let o = 0; o < sum.length; o++) sum[o] = bias ? bias[o % g.outC] : 0;
  forEachProduct(g, (o, i, f) => {
    sum[o] += input[i] * filters[f];
  });
  out.set(sum);
}

/** dIn = sum over outputs of dOut * filter; overwrites dIn. */
export function conv2dBackwardInputReference(
  dIn: FloatArray,
  dOut: FloatArray,
  filters: FloatArray,
  g: ConvGeometry,
): void {
  dIn.fill(0);
  forEachProduct(g, (o, i, f) => {
    dIn[i] += dOut[o] * filters[f];
  });
}

/** dFilters += sum over outputs of dOut * input (tutorial 3.1.9); dBias += sum of dOut. Accumulates. */
export function conv2dBackwardFilterReference(
  dFilters: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  g: ConvGeometry,
): void {
  if (dBias) for (let o = 0; o < outputSize(g); o++) dBias[o % g.outC] += dOut[o];
  forEachProduct(g, (o, i, f) => {
    dFilters[f] += dOut[o] * input[i];
  });
}
