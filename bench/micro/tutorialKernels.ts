/**
 * Micro-benchmark: time per call of each kernel the tutorial net runs per sample, and of one
 * whole per-sample training step, in CPU time (the machine is shared, so wall time is too noisy).
 * Run: node dist/bench/micro/tutorialKernels.js
 */
import {
  conv2dBackwardFilter,
  conv2dForward,
  im2col,
  im2colLength,
} from '../../src/kernels/conv2d.js';
import { convGeometry } from '../../src/kernels/convGeometry.js';
import { denseBackwardInput, denseBackwardParams, denseForward } from '../../src/kernels/dense.js';
import { matmulAccumulate } from '../../src/kernels/matmul.js';
import { maxPoolBackwardAllTies, maxPoolForward } from '../../src/kernels/maxPool2d.js';
import { softmaxCrossEntropy } from '../../src/kernels/softmaxCrossEntropy.js';
import {
  allocateFloat32,
  allocateInt32,
  setSimdEnabled,
  simdAvailable,
} from '../../src/kernels/wasm/simd.js';
import { SoftmaxCrossEntropy } from '../../src/losses/softmaxCrossEntropy.js';
import { Sequential } from '../../src/model/sequential.js';
import { SGD } from '../../src/optim/sgd.js';
import { tutorialPreset } from '../../src/presets.js';
import { Random } from '../../src/random/prng.js';
import { microsecondsPerCall } from '../measure.js';

function time(name: string, flops: number, fn: () => void): void {
  const us = microsecondsPerCall(fn);
  const gf = flops ? ` ${(flops / us / 1000).toFixed(2)} GFLOP/s` : '';
  console.log(`${name.padEnd(28)} ${us.toFixed(2).padStart(8)} us${gf}`);
}

const rng = new Random(1);
const fill = (a: Float32Array) => {
  for (let i = 0; i < a.length; i++) a[i] = rng.gaussian();
  return a;
};
const g = convGeometry(1, [28, 28, 1], 8, 3, 3, 1, 'valid');
const x = fill(allocateFloat32(784));
const f = fill(allocateFloat32(72));
const convOut = allocateFloat32(5408);
const cols = allocateFloat32(im2colLength(g));
const pg = convGeometry(1, [26, 26, 8], 8, 2, 2, 2, 'valid');
const pooled = allocateFloat32(1352);
const argmax = allocateInt32(1352);
const dConv = allocateFloat32(5408);
const w = fill(allocateFloat32(13520));
const dw = allocateFloat32(13520);
const b = allocateFloat32(10);
const db = allocateFloat32(10);
const logits = allocateFloat32(10);
const probs = allocateFloat32(10);
const dLogits = fill(allocateFloat32(10));
const dPooled = allocateFloat32(1352);
const dF = allocateFloat32(72);
for (const simd of simdAvailable() ? [false, true] : [false]) {
  setSimdEnabled(simd);
  console.log(simd ? '--- WebAssembly SIMD' : '--- TypeScript');
  const conv = 2 * 676 * 9 * 8;
  const dense = 2 * 1352 * 10;
  time('conv2dForward', conv, () => conv2dForward(convOut, x, f, null, g, cols));
  time('  im2col', 0, () => im2col(cols, x, 0, g));
  time('  gemm 676x9x8', conv, () => matmulAccumulate(convOut, 0, cols, 0, f, 0, 676, 9, 8));
  time('maxPoolForward', 0, () => maxPoolForward(pooled, argmax, convOut, pg));
  time('denseForward', dense, () => denseForward(logits, pooled, w, b, 1, 1352, 10));
  time('softmaxCrossEntropy', 0, () => softmaxCrossEntropy(probs, dLogits, logits, [3], 1, 10, 1));
  time('denseBackwardParams', dense, () =>
    denseBackwardParams(dw, db, dLogits, pooled, 1, 1352, 10),
  );
  time('denseBackwardInput', dense, () => denseBackwardInput(dPooled, dLogits, w, 1, 1352, 10));
  time('maxPoolBackwardAllTies', 0, () =>
    maxPoolBackwardAllTies(dConv, dPooled, convOut, pooled, pg),
  );
  time('conv2dBackwardFilter', conv, () => conv2dBackwardFilter(dF, null, dConv, x, g, cols));

  const model = new Sequential(tutorialPreset.spec, { seed: 1 });
  const loss = new SoftmaxCrossEntropy();
  const sgd = new SGD();
  const params = model.params();
  const input = { shape: [1, 28, 28, 1], data: fill(allocateFloat32(784)) };
  const labels = [3];
  time('whole per-sample step', 0, () => {
    const out = model.forward(input, true);
    loss.forward(out, labels);
    model.backward(loss.backward());
    sgd.step(params, 0.001);
  });
}
{
  const model = new Sequential(tutorialPreset.spec, { seed: 1 });
  const sgd = new SGD();
  const params = model.params();
  const loss = new SoftmaxCrossEntropy();
  const input = { shape: [1, 28, 28, 1], data: fill(allocateFloat32(784)) };
  time('sgd.step alone', 0, () => sgd.step(params, 0.001));
  time('forward+loss only', 0, () => {
    loss.forward(model.forward(input, true), [3]);
  });
  time('forward+loss+backward', 0, () => {
    loss.forward(model.forward(input, true), [3]);
    model.backward(loss.backward());
  });
}
