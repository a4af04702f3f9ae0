/** Slow, obviously-correct average pooling for tests: one output value at a time, by index maths. */
import type { ConvGeometry } from './convGeometry.js';
import { forEachPosition } from './forEachPosition.js';

const at = (g: ConvGeometry, n: number, y: number, x: number, c: number, h: number, w: number) =>
  ((n * h + y) * w + x) * g.inC + c;

export function avgPoolForwardReference(input: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const out = new Float64Array(g.batch * g.outH * g.outW * g.inC);
  forEachPosition(g.batch, g.outH, g.outW, g.inC, (n, oy, ox, c) => {
    let s = 0;
    for (let ky = 0; ky < g.kernelH; ky++)
      for (let kx = 0; kx < g.kernelW; kx++)
        s += input[at(g, n, oy * g.stride + ky, ox * g.stride + kx, c, g.inH, g.inW)];
    out[at(g, n, oy, ox, c, g.outH, g.outW)] = s / (g.kernelH * g.kernelW);
  });
  return out;
}

export function avgPoolBackwardReference(dOut: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const dIn = new Float64Array(g.batch * g.inH * g.inW * g.inC);
  forEachPosition(g.batch, g.outH, g.outW, g.inC, (n, oy, ox, c) => {
    for (let ky = 0; ky < g.kernelH; ky++)
      for (let kx = 0; kx < g.kernelW; kx++)
        dIn[at(g, n, oy * g.stride + ky, ox * g.stride + kx, c, g.inH, g.inW)] +=
          dOut[at(g, n, oy, ox, c, g.outH, g.outW)] / (g.kernelH * g.kernelW);
  });
  return dIn;
}
