/**
 * Reference depthwise convolution for tests: every value written as its defining sum, one output
 * (or input, or filter) element at a time; the gradients gather instead of scattering.
 *   out[n, oy, ox, c*M + m] = bias[c*M + m] + sum_{ky, kx} x[n, oy*s + ky - pt, ox*s + kx - pl, c] * f[ky, kx, c, m]
 */
import type { ConvGeometry } from './convGeometry.js';
import { forEachPosition } from './forEachPosition.js';

/** The input value at (n, y, x, c), 0 in the padding. */
function inputAt(
  g: ConvGeometry,
  input: ArrayLike<number>,
  n: number,
  y: number,
  x: number,
  c: number,
) {
  if (y < 0 || y >= g.inH || x < 0 || x >= g.inW) return 0;
  return input[((n * g.inH + y) * g.inW + x) * g.inC + c];
}

const outputIndex = (g: ConvGeometry, n: number, oy: number, ox: number, j: number) =>
  ((n * g.outH + oy) * g.outW + ox) * g.outC + j;

const filterIndex = (g: ConvGeometry, ky: number, kx: number, j: number) =>
  (ky * g.kernelW + kx) * g.outC + j;

export function depthwiseConv2dForwardReference(
  input: ArrayLike<number>,
  filters: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  g: ConvGeometry,
  multiplier: number,
): Float64Array {
  const out = new Float64Array(g.batch * g.outH * g.outW * g.outC);
  forEachPosition(g.batch, g.outH, g.outW, g.outC, (n, oy, ox, j) => {
    const c = Math.floor(j / multiplier);
    let sum = bias ? bias[j] : 0;
    for (let ky = 0; ky < g.kernelH; ky++)
      for (let kx = 0; kx < g.kernelW; kx++) {
        const y = oy * g.stride + ky - g.padTop;
        const x = ox * g.stride + kx - g.padLeft;
        sum += inputAt(g, input, n, y, x, c) * filters[filterIndex(g, ky, kx, j)];
      }
    out[outputIndex(g, n, oy, ox, j)] = sum;
  });
  return out;
}

/** dIn[n, y, x, c]: the sum over the outputs whose window covers (y, x), of dOut * filter. */
export function depthwiseConv2dBackwardInputReference(
  dOut: ArrayLike<number>,
  filters: ArrayLike<number>,
  g: ConvGeometry,
  multiplier: number,
): Float64Array {
  const dIn = new Float64Array(g.batch * g.inH * g.inW * g.inC);
  forEachPosition(g.batch, g.inH, g.inW, g.inC, (n, y, x, c) => {
    let sum = 0;
    for (let ky = 0; ky < g.kernelH; ky++)
      for (let kx = 0; kx < g.kernelW; kx++) {
        // The output whose tap (ky, kx) reads (y, x), if the stride lands on one.
        const sy = y + g.padTop - ky;
        const sx = x + g.padLeft - kx;
        if (sy % g.stride !== 0 || sx % g.stride !== 0) continue;
        const oy = sy / g.stride;
        const ox = sx / g.stride;
        if (oy < 0 || oy >= g.outH || ox < 0 || ox >= g.outW) continue;
        for (let m = 0; m < multiplier; m++) {
          const j = c * multiplier + m;
          sum += dOut[outputIndex(g, n, oy, ox, j)] * filters[filterIndex(g, ky, kx, j)];
        }
      }
    dIn[((n * g.inH + y) * g.inW + x) * g.inC + c] = sum;
  });
  return dIn;
}

/** dFilters[ky, kx, c, m] and dBias[c*M + m], each the sum over every output of its term. */
export function depthwiseConv2dBackwardFilterReference(
  dOut: ArrayLike<number>,
  input: ArrayLike<number>,
  g: ConvGeometry,
  multiplier: number,
): { dFilters: Float64Array; dBias: Float64Array } {
  const dFilters = new Float64Array(g.kernelH * g.kernelW * g.outC);
  const dBias = new Float64Array(g.outC);
  for (let j = 0; j < g.outC; j++) {
    const c = Math.floor(j / multiplier);
    for (let n = 0; n < g.batch; n++)
      for (let oy = 0; oy < g.outH; oy++)
        for (let ox = 0; ox < g.outW; ox++) {
          const d = dOut[outputIndex(g, n, oy, ox, j)];
          dBias[j] += d;
          for (let ky = 0; ky < g.kernelH; ky++)
            for (let kx = 0; kx < g.kernelW; kx++) {
              const y = oy * g.stride + ky - g.padTop;
              const x = ox * g.stride + kx - g.padLeft;
              dFilters[filterIndex(g, ky, kx, j)] += d * inputAt(g, input, n, y, x, c);
            }
        }
  }
  return { dFilters, dBias };
}
