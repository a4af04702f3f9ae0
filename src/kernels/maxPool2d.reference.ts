/** Reference max-pooling: each window gathered into a list, max and ties found by definition. */
import type { FloatArray } from '../tensor/tensor.js';
import type { ConvGeometry } from './convGeometry.js';

function windowIndices(g: ConvGeometry, n: number, oy: number, ox: number, c: number): number[] {
  const indices: number[] = [];
  for (let ky = 0; ky < g.kernelH; ky++)
    for (let kx = 0; kx < g.kernelW; kx++) {
      const y = oy * g.stride + ky;
      const x = ox * g.stride + kx;
      indices.push(((n * g.inH + y) * g.inW + x) * g.inC + c);
    }
  return indices;
}

function forEachWindow(g: ConvGeometry, visit: (o: number, indices: number[]) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let c = 0; c < g.inC; c++) {
          visit(((n * g.outH + oy) * g.outW + ox) * g.inC + c, windowIndices(g, n, oy, ox, c));
        }
}

export function maxPoolForwardReference(out: FloatArray, input: FloatArray, g: ConvGeometry): void {
  forEachWindow(g, (o, indices) => {
    out[o] = Math.max(...indices.map((i) => input[i]));
  });
}

export function maxPoolBackwardReference(
  dIn: FloatArray,
  dOut: FloatArray,
  input: FloatArray,
  ties: 'first' | 'all',
  g: ConvGeometry,
): void {
  dIn.fill(0);
  forEachWindow(g, (o, indices) => {
    const max = Math.max(...indices.map((i) => input[i]));
    const winners = indices.filter((i) => input[i] === max);
    for (const i of ties === 'first' ? winners.slice(0, 1) : winners) dIn[i] += dOut[o];
  });
}
