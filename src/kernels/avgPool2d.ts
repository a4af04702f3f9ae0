/**
 * Average-pooling kernels, NHWC, windows of kernelH x kernelW moved by `stride`, no padding.
 * Global average pooling is the window that covers the whole image.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { zeroRange } from './bulk.js';
import { type ConvGeometry, forEachWindow } from './convGeometry.js';

/** out = mean of each window. Overwrites out [N, outH, outW, C]. */
export function avgPoolForward(out: FloatArray, input: FloatArray, g: ConvGeometry): void {
  const { inW, inC, kernelH, kernelW } = g;
  const inv = 1 / (kernelH * kernelW);
  forEachWindow(g, (corner, o) => {
    for (let c = 0; c < inC; c++) out[o + c] = 0;
    for (let ky = 0; ky < kernelH; ky++) {
      let idx = corner + ky * inW * inC;
      for (let kx = 0; kx < kernelW; kx++, idx += inC) {
        for (let c = 0; c < inC; c++) out[o + c] += input[idx + c];
      }
    }
    for (let c = 0; c < inC; c++) out[o + c] *= inv;
  });
}

/** Spreads each output gradient evenly over its window. Overwrites dIn [N, inH, inW, C]. */
export function avgPoolBackward(dIn: FloatArray, dOut: FloatArray, g: ConvGeometry): void {
  const { batch, inH, inW, inC, kernelH, kernelW } = g;
  const inv = 1 / (kernelH * kernelW);
  zeroRange(dIn, 0, batch * inH * inW * inC);
  forEachWindow(g, (corner, o) => {
    for (let ky = 0; ky < kernelH; ky++) {
      let idx = corner + ky * inW * inC;
      for (let kx = 0; kx < kernelW; kx++, idx += inC) {
        for (let c = 0; c < inC; c++) dIn[idx + c] += dOut[o + c] * inv;
      }
    }
  });
}
