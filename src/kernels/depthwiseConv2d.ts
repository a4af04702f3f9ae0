/**
 * Depthwise 2-D convolution kernels, NHWC: each input channel c has its own `multiplier`
 * filters, and output channel c * multiplier + m is input channel c convolved with filter m of
 * channel c (TensorFlow's depthwise_conv2d; PyTorch's Conv2d with groups = channels). Filters are
 * [kh, kw, C, M]. The geometry is convGeometry's with outC = C * M (`same` padding puts the extra
 * pixel bottom/right). Every loop runs over channels innermost, where NHWC is contiguous.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { zeroRange } from './bulk.js';
import type { ConvGeometry } from './convGeometry.js';

/**
 * Calls `visit(o, x, f)` for every output pixel and kernel tap that lands inside the input:
 * o, x and f are the offsets of channel 0 in the output, the input and the filters.
 */
function forEachTap(g: ConvGeometry, visit: (o: number, x: number, f: number) => void): void {
  const { inH, inW, inC, outH, outW, outC, kernelH, kernelW, stride, padTop, padLeft } = g;
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++) {
        const o = ((n * outH + oy) * outW + ox) * outC;
        for (let ky = 0; ky < kernelH; ky++) {
          const iy = oy * stride + ky - padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kernelW; kx++) {
            const ix = ox * stride + kx - padLeft;
            if (ix < 0 || ix >= inW) continue;
            visit(o, ((n * inH + iy) * inW + ix) * inC, (ky * kernelW + kx) * outC);
          }
        }
      }
}

/** target[t + c*M + m] += input[x + c] * source[s + c*M + m] for every channel c and multiple m. */
function channelProducts(
  target: FloatArray,
  t: number,
  source: FloatArray,
  s: number,
  input: FloatArray,
  x: number,
  C: number,
  M: number,
): void {
  for (let c = 0; c < C; c++) {
    const v = input[x + c];
    const j = c * M;
    for (let m = 0; m < M; m++) target[t + j + m] += v * source[s + j + m];
  }
}

/** out = depthwise conv of input + bias. Overwrites out. */
export function depthwiseConv2dForward(
  out: FloatArray,
  input: FloatArray,
  filters: FloatArray,
  bias: FloatArray | null,
  g: ConvGeometry,
  multiplier: number,
): void {
  const pixels = out.length / g.outC;
  for (let p = 0; p < pixels; p++) {
    if (bias) out.set(bias, p * g.outC);
    else out.fill(0, p * g.outC, (p + 1) * g.outC);
  }
  const C = g.inC;
  const M = multiplier;
  forEachTap(g, (o, x, f) => channelProducts(out, o, filters, f, input, x, C, M));
}

/** dIn = sum over the taps that read each input of dOut * filter. Overwrites dIn. */
export function depthwiseConv2dBackwardInput(
  dIn: FloatArray,
  dOut: FloatArray,
  filters: FloatArray,
  g: ConvGeometry,
  multiplier: number,
): void {
  zeroRange(dIn);
  const C = g.inC;
  const M = multiplier;
  forEachTap(g, (o, x, f) => {
    for (let c = 0; c < C; c++) {
      const j = c * M;
      let s = 0;
      for (let m = 0; m < M; m++) s += dOut[o + j + m] * filters[f + j + m];
      dIn[x + c] += s;
    }
  });
}

/** dFilters += sum of dOut * input over every tap; dBias += sum of dOut. Accumulates. */
export function depthwiseConv2dBackwardFilter(
  dFilters: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  input: FloatArray,
  g: ConvGeometry,
  multiplier: number,
): void {
  if (dBias) {
    for (let o = 0; o < dOut.length; o += g.outC)
      for (let j = 0; j < g.outC; j++) dBias[j] += dOut[o + j];
  }
  const C = g.inC;
  const M = multiplier;
  forEachTap(g, (o, x, f) => channelProducts(dFilters, f, dOut, o, input, x, C, M));
}
