/**
 * Micro-benchmark: nanoseconds per value of the batch-norm, max-pool, AdamW and dropout kernels
 * on the `best` preset's shapes at batch 64 (batch norm over 14x14x16, 6x6x32 and 128 channels;
 * 2x2 pooling of 28x28x16; the 1568x128 dense weights), TypeScript path against WebAssembly SIMD, in CPU time (medians of 5
 * runs; the inputs stay in cache between calls, so these are the kernels' own costs).
 * Run: node dist/bench/micro/layerKernels.js
 */

import { type AdamStep, adamUpdate } from '../../src/kernels/adam.js';
import {
  batchNormBackward,
  batchNormForwardInference,
  batchNormForwardTraining,
} from '../../src/kernels/batchNorm.js';
import { convGeometry } from '../../src/kernels/convGeometry.js';
import { maxPoolBackwardFirst, maxPoolForward } from '../../src/kernels/maxPool2d.js';
import { allocateFloat32, allocateInt32, setSimdEnabled } from '../../src/kernels/wasm/simd.js';
import { drawDropoutMask } from '../../src/layers/dropout.js';
import { Random } from '../../src/random/prng.js';
import { microsecondsPerCall } from '../measure.js';

const rng = new Random(1);
const filled = (n: number) => {
  const a = allocateFloat32(n); // in place: .map would copy it out of the arena
  for (let i = 0; i < n; i++) a[i] = rng.gaussian();
  return a;
};

/** `name`: ns per value on each path, and the SIMD speed-up. */
function compare(name: string, values: number, fn: () => void): void {
  const ns: number[] = [];
  for (const simd of [false, true]) {
    setSimdEnabled(simd);
    ns.push((microsecondsPerCall(fn) * 1000) / values);
  }
  setSimdEnabled(true);
  const [ts, wasm] = ns;
  const cells = `${ts.toFixed(2).padStart(6)} ns  ${wasm.toFixed(2).padStart(6)} ns`;
  console.log(`${name.padEnd(44)} ${cells}  ${(ts / wasm).toFixed(1).padStart(5)}x`);
}

console.log(`${'kernel (best preset shape, batch 64)'.padEnd(44)} typescript  wasm simd  speed-up`);
for (const [rows, C, what] of [
  [64 * 14 * 14, 16, '14x14x16'],
  [64 * 6 * 6, 32, '6x6x32'],
  [64, 128, '128'],
] as const) {
  const n = rows * C;
  const [x, dOut, gamma, beta] = [filled(n), filled(n), filled(C), filled(C)];
  const [out, xhat, dIn] = [allocateFloat32(n), allocateFloat32(n), allocateFloat32(n)];
  const [mean, variance, invStd] = [allocateFloat32(C), allocateFloat32(C), allocateFloat32(C)];
  const [dGamma, dBeta] = [allocateFloat32(C), allocateFloat32(C)];
  const runningVar = allocateFloat32(C).fill(1);
  compare(`batch norm ${what} forward (training)`, n, () =>
    batchNormForwardTraining(out, xhat, mean, variance, invStd, x, gamma, beta, rows, C, 1e-5),
  );
  compare(`batch norm ${what} backward`, n, () =>
    batchNormBackward(dIn, dGamma, dBeta, dOut, xhat, invStd, gamma, rows, C),
  );
  compare(`batch norm ${what} forward (inference)`, n, () =>
    batchNormForwardInference(out, x, gamma, beta, mean, runningVar, rows, C, 1e-5),
  );
}

const g = convGeometry(64, [28, 28, 16], 16, 2, 2, 2, 'valid');
const inLen = 64 * 28 * 28 * 16;
const outLen = 64 * 14 * 14 * 16;
const [image, pooled, dPooled, dImage] = [
  filled(inLen),
  allocateFloat32(outLen),
  filled(outLen),
  allocateFloat32(inLen),
];
const argmax = allocateInt32(outLen);
compare('max-pool 2x2 28x28x16 forward (per input)', inLen, () =>
  maxPoolForward(pooled, argmax, image, g),
);
compare('max-pool 2x2 28x28x16 backward, first max', inLen, () =>
  maxPoolBackwardFirst(dImage, dPooled, argmax, g),
);

// AdamW over the best net's 1568x128 dense weights (most of its 154,000), step 100.
const weightCount = 1568 * 128;
const [weights, grads, m1, m2] = [
  filled(weightCount),
  filled(weightCount),
  filled(weightCount),
  filled(weightCount),
];
for (let i = 0; i < weightCount; i++) m2[i] = m2[i] * m2[i] * 1e-4;
const adamStep: AdamStep = {
  beta1: 0.9,
  beta2: 0.999,
  c1: 1 - 0.9 ** 100,
  c2: 1 - 0.999 ** 100,
  epsilon: 1e-8,
  learningRate: 1e-7,
  l2: 0,
  shrink: 1 - 1e-7 * 0.01,
};
compare('AdamW update, 1568x128 weights (per weight)', weightCount, () =>
  adamUpdate(weights, grads, m1, m2, adamStep),
);

// The mask draws are TypeScript on both paths: the row compares Random.uniform per value.
const mask = allocateFloat32(64 * 128);
const noise = new Random(2);
const perCall = (fn: () => void) => (microsecondsPerCall(fn) * 1000) / mask.length;
const uniform = perCall(() => {
  for (let i = 0; i < mask.length; i++) mask[i] = noise.uniform() < 0.3 ? 0 : 1 / 0.7;
});
const drawn = perCall(() => drawDropoutMask(mask, mask.length, 0.3, 1 / 0.7, noise));
const cells = `${uniform.toFixed(2).padStart(6)} ns  ${drawn.toFixed(2).padStart(6)} ns`;
console.log(
  `${'dropout mask 64x128 (uniform vs draw loop)'.padEnd(44)} ${cells}  ${(uniform / drawn).toFixed(1).padStart(5)}x`,
);
