/**
 * Max-pooling kernels (tutorial 3.1.4 forward, 3.1.8 backward). Layout NHWC; windows of
 * `kernelH x kernelW` moved by `stride`, no padding, sizes floored as in the tutorial.
 *
 * Ties: forward records, per output, the input index of the FIRST maximum in row-major window
 * order (PyTorch's and TF.js's rule). `maxPoolBackwardFirst` routes each gradient there only;
 * `maxPoolBackwardAllTies` routes it to every input equal to the maximum, as the tutorial's code
 * does (on MNIST's flat background that multiplies the gradient by up to 4).
 */
import type { FloatArray } from '../tensor/tensor.js';
import { zeroRange } from './bulk.js';
import { type ConvGeometry, forEachWindow, geometryAddress } from './convGeometry.js';
import { simdFor } from './wasm/simd.js';

/** out = max over each window; argmax records the input index of each window's first maximum. */
export function maxPoolForward(
  out: FloatArray,
  argmax: Int32Array,
  input: FloatArray,
  g: ConvGeometry,
): void {
  const simd = simdFor(out, argmax, input);
  if (simd !== null) {
    simd.maxPoolForward(out.byteOffset, argmax.byteOffset, input.byteOffset, geometryAddress(g));
    return;
  }
  const { inW, inC, kernelH, kernelW } = g;
  forEachWindow(g, (corner, o) => {
    for (let c = 0; c < inC; c++) {
      let best = corner + c;
      let max = input[best];
      for (let ky = 0; ky < kernelH; ky++) {
        let idx = corner + ky * inW * inC + c;
        for (let kx = 0; kx < kernelW; kx++, idx += inC) {
          const v = input[idx];
          if (v > max) {
            max = v;
            best = idx;
          }
        }
      }
      out[o + c] = max;
      argmax[o + c] = best;
    }
  });
}

/** dIn = dOut routed to the recorded first maximum of each window. Overwrites dIn. */
export function maxPoolBackwardFirst(
  dIn: FloatArray,
  dOut: FloatArray,
  argmax: Int32Array,
  g: ConvGeometry,
): void {
  zeroRange(dIn, 0, g.batch * g.inH * g.inW * g.inC);
  const total = g.batch * g.outH * g.outW * g.outC;
  const simd = simdFor(dIn, dOut, argmax);
  if (simd !== null) {
    simd.maxPoolBackwardFirst(dIn.byteOffset, dOut.byteOffset, argmax.byteOffset, total);
    return;
  }
  for (let o = 0; o < total; o++) dIn[argmax[o]] += dOut[o];
}

/** dIn = dOut routed to every input equal to its window's maximum (the tutorial's rule). */
export function maxPoolBackwardAllTies(
  dIn: FloatArray,
  dOut: FloatArray,
  input: FloatArray,
  out: FloatArray,
  g: ConvGeometry,
): void {
  const { batch, inH, inW, inC, kernelH, kernelW } = g;
  zeroRange(dIn, 0, batch * inH * inW * inC);
  const simd = simdFor(dIn, dOut, input, out);
  if (simd !== null) {
    const pointers = [dIn.byteOffset, dOut.byteOffset, input.byteOffset, out.byteOffset] as const;
    simd.maxPoolBackwardAllTies(...pointers, geometryAddress(g));
    return;
  }
  forEachWindow(g, (corner, o) => {
    for (let c = 0; c < inC; c++) {
      const max = out[o + c];
      const d = dOut[o + c];
      for (let ky = 0; ky < kernelH; ky++) {
        let idx = corner + ky * inW * inC + c;
        for (let kx = 0; kx < kernelW; kx++, idx += inC) {
          if (input[idx] === max) dIn[idx] += d;
        }
      }
    }
  });
}
