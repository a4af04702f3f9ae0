/**
 * Micro-benchmark: GFLOP/s of the three matrix products, TypeScript vs WebAssembly SIMD, on the
 * dense layers of the tutorial net (batch 1 and 128), of the `best` preset (1152 -> 128 at batch
 * 64) and of the Keras-style net (9216 -> 128 at batch 128), in CPU time. Run: node dist/bench/micro/gemmShapes.js
 */
import {
  matmulAccumulate,
  matmulTransAAccumulate,
  matmulTransBAccumulate,
} from '../../src/kernels/matmul.js';
import { allocateFloat32, setSimdEnabled } from '../../src/kernels/wasm/simd.js';
import { microsecondsPerCall } from '../measure.js';

const filled = (n: number) => {
  const a = allocateFloat32(n); // in place: .map would copy it out of the arena
  for (let i = 0; i < n; i++) a[i] = ((i * 7919) % 13) / 13 - 0.5;
  return a;
};
// [name, batch, inputs, units]: forward NN [N x I].[I x U], weight grad TN, input grad NT.
for (const [name, N, I, U] of [
  ['tutorial dense, batch 1', 1, 1352, 10],
  ['tutorial dense, batch 128', 128, 1352, 10],
  ['best preset dense 1152->128, batch 64', 64, 1152, 128],
  ['keras dense 9216->128, batch 128', 128, 9216, 128],
] as const) {
  const x = filled(N * I);
  const w = filled(I * U);
  const out = allocateFloat32(N * U);
  const dOut = filled(N * U);
  const dW = allocateFloat32(I * U);
  const dIn = allocateFloat32(N * I);
  const flops = 2 * N * I * U;
  console.log(name);
  for (const simd of [false, true]) {
    setSimdEnabled(simd);
    const gf = (fn: () => void) => (flops / microsecondsPerCall(fn) / 1000).toFixed(1).padStart(5);
    console.log(
      `  ${simd ? 'wasm simd ' : 'typescript'}  forward ${gf(() => matmulAccumulate(out, 0, x, 0, w, 0, N, I, U))}` +
        `  weight-grad ${gf(() => matmulTransAAccumulate(dW, 0, x, 0, dOut, 0, N, I, U))}` +
        `  input-grad ${gf(() => matmulTransBAccumulate(dIn, 0, dOut, 0, w, 0, N, U, I))} GFLOP/s`,
    );
  }
}
