/**
 * Micro-benchmark: GFLOP/s of the convolution kernels, TypeScript vs WebAssembly SIMD, on the
 * tutorial's conv (28x28x1 -> 26x26x8, 3x3) and on a Keras-style conv (26x26x32 -> 24x24x64,
 * 3x3 valid) and its `same`-padded twin, per image, in CPU time. On the SIMD path the two
 * Keras-style shapes run Winograd F(4x4, 3x3) (src/kernels/winograd.ts): their GFLOP/s count
 * the direct convolution's multiply-adds; winogradShapes.js compares the kernels.
 * Run: node dist/bench/micro/convShapes.js
 */
import {
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  im2colLength,
} from '../../src/kernels/conv2d.js';
import { convGeometry, type Padding } from '../../src/kernels/convGeometry.js';
import { allocateFloat32, setSimdEnabled } from '../../src/kernels/wasm/simd.js';
import { Random } from '../../src/random/prng.js';
import { microsecondsPerCall } from '../measure.js';

const rng = new Random(1);
const random = (n: number) => {
  const a = allocateFloat32(n);
  for (let i = 0; i < n; i++) a[i] = rng.gaussian();
  return a;
};
const shapes: [string, [number, number, number], number, Padding][] = [
  ['tutorial 28x28x1 -> 8, 3x3 valid', [28, 28, 1], 8, 'valid'],
  ['26x26x32 -> 64, 3x3 valid', [26, 26, 32], 64, 'valid'],
  ['26x26x32 -> 64, 3x3 same', [26, 26, 32], 64, 'same'],
];
for (const [name, shape, outC, padding] of shapes) {
  const g = convGeometry(1, shape, outC, 3, 3, 1, padding);
  const flops = 2 * g.outH * g.outW * outC * 9 * shape[2];
  const x = random(shape[0] * shape[1] * shape[2]);
  const f = random(9 * shape[2] * outC);
  const out = allocateFloat32(g.outH * g.outW * outC);
  const dOut = random(out.length);
  const dIn = allocateFloat32(x.length);
  const dF = allocateFloat32(f.length);
  const cols = allocateFloat32(im2colLength(g));
  console.log(name);
  for (const simd of [false, true]) {
    setSimdEnabled(simd);
    const gf = (fn: () => void) => (flops / microsecondsPerCall(fn) / 1000).toFixed(1).padStart(5);
    console.log(
      `  ${simd ? 'wasm simd ' : 'typescript'}  forward ${gf(() => conv2dForward(out, x, f, null, g, cols))}` +
        `  backward-input ${gf(() => conv2dBackwardInput(dIn, dOut, f, g, cols))}` +
        `  backward-filter ${gf(() => conv2dBackwardFilter(dF, null, dOut, x, g, cols))} GFLOP/s`,
    );
  }
}
