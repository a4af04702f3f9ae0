/**
 * The deeper-net layers in float64: kernels against their reference twins, and every layer's
 * input and parameter gradients against central differences of L = sum(forward(x) * w).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { avgPoolBackward, avgPoolForward } from '../src/kernels/avgPool2d.js';
import {
  avgPoolBackwardReference,
  avgPoolForwardReference,
} from '../src/kernels/avgPool2d.reference.js';
import { batchNormBackward, batchNormForwardTraining } from '../src/kernels/batchNorm.js';
import {
  batchNormBackwardReference,
  batchNormTrainingReference,
} from '../src/kernels/batchNorm.reference.js';
import { convGeometry } from '../src/kernels/convGeometry.js';
import { ReLU } from '../src/layers/activation.js';
import { AvgPool2D } from '../src/layers/avgPool2d.js';
import { BatchNorm } from '../src/layers/batchNorm.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dropout } from '../src/layers/dropout.js';
import { Flatten } from '../src/layers/flatten.js';
import type { Layer } from '../src/layers/layer.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Sequential } from '../src/model/sequential.js';
import { Random } from '../src/random/prng.js';
import { type FloatArray, sizeOf, type Tensor } from '../src/tensor/tensor.js';
import { assertClose, randomArray, relativeError } from './helpers.js';

function weightedSum(y: Tensor, w: FloatArray): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += y.data[i] * w[i];
  return s;
}

/**
 * Central-difference check of dIn and every parameter gradient of `layer` at input x.
 * `beforeForward` runs before every forward (dropout resets its generator there).
 */
function gradientCheck(
  layer: Layer,
  x: Tensor,
  rng: Random,
  training = true,
  beforeForward: () => void = () => {},
): void {
  const outSize = sizeOf(layer.outputShape) * x.shape[0];
  const w = randomArray(rng, outSize);
  const loss = () => {
    beforeForward();
    return weightedSum(layer.forward(x, training), w);
  };
  for (const p of layer.params()) p.grad.fill(0);
  beforeForward();
  layer.forward(x, training);
  const dIn = Float64Array.from(
    layer.backward({ shape: [x.shape[0], ...layer.outputShape], data: w }).data,
  );
  const h = 1e-5;
  const numeric = (arr: FloatArray, i: number) => {
    const saved = arr[i];
    arr[i] = saved + h;
    const up = loss();
    arr[i] = saved - h;
    const down = loss();
    arr[i] = saved;
    return (up - down) / (2 * h);
  };
  const numDIn = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) numDIn[i] = numeric(x.data, i);
  assert.ok(
    relativeError(dIn, numDIn) < 1e-6,
    `${layer.kind} dIn: rel err ${relativeError(dIn, numDIn)}`,
  );
  for (const p of layer.params()) {
    const num = new Float64Array(p.value.length);
    for (let i = 0; i < p.value.length; i++) num[i] = numeric(p.value, i);
    const err = relativeError(p.grad, num);
    assert.ok(err < 1e-6, `${layer.kind} ${p.name}: rel err ${err}`);
  }
}

function randomInput(rng: Random, shape: number[]): Tensor {
  return { shape, data: randomArray(rng, sizeOf(shape)) };
}

test('batch norm kernels match the reference twin (forward and backward)', () => {
  const rng = new Random(11);
  const rows = 37;
  const C = 5;
  const x = randomArray(rng, rows * C, 'float64', 3);
  const gamma = randomArray(rng, C);
  const beta = randomArray(rng, C);
  const dOut = randomArray(rng, rows * C);
  const out = new Float64Array(rows * C);
  const xhat = new Float64Array(rows * C);
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const invStd = new Float64Array(C);
  batchNormForwardTraining(out, xhat, mean, variance, invStd, x, gamma, beta, rows, C, 1e-5);
  const ref = batchNormTrainingReference(x, gamma, beta, rows, C, 1e-5);
  assertClose(out, ref.out, 1e-10, 1e-12, 'bn out');
  assertClose(mean, ref.mean, 1e-10, 1e-12, 'bn mean');
  assertClose(variance, ref.variance, 1e-10, 1e-12, 'bn variance');
  const dIn = new Float64Array(rows * C);
  const dGamma = new Float64Array(C);
  const dBeta = new Float64Array(C);
  batchNormBackward(dIn, dGamma, dBeta, dOut, xhat, invStd, gamma, rows, C);
  const refB = batchNormBackwardReference(dOut, x, gamma, rows, C, 1e-5);
  assertClose(dIn, refB.dIn, 1e-8, 1e-10, 'bn dIn');
  assertClose(dGamma, refB.dGamma, 1e-8, 1e-10, 'bn dGamma');
  assertClose(dBeta, refB.dBeta, 1e-8, 1e-10, 'bn dBeta');
});

test('average pooling kernels match the reference twin, windows 2/2, 3/2 and global', () => {
  const rng = new Random(12);
  for (const [k, s] of [
    [2, 2],
    [3, 2],
    [6, 1],
  ]) {
    const g = convGeometry(2, [6, 6, 3], 3, k, k, s, 'valid');
    const x = randomArray(rng, 2 * 6 * 6 * 3);
    const out = new Float64Array(2 * g.outH * g.outW * 3);
    avgPoolForward(out, x, g);
    assertClose(out, avgPoolForwardReference(x, g), 1e-12, 1e-12, `avgpool ${k}/${s} out`);
    const dOut = randomArray(rng, out.length);
    const dIn = new Float64Array(x.length);
    avgPoolBackward(dIn, dOut, g);
    assertClose(dIn, avgPoolBackwardReference(dOut, g), 1e-12, 1e-12, `avgpool ${k}/${s} dIn`);
  }
});

test('ReLU, flatten, average pooling: gradients match central differences', () => {
  const rng = new Random(13);
  gradientCheck(new ReLU([4, 4, 3], 'float64'), randomInput(rng, [2, 4, 4, 3]), rng);
  gradientCheck(new Flatten([3, 2, 2], 'float64'), randomInput(rng, [2, 3, 2, 2]), rng);
  gradientCheck(
    new AvgPool2D([5, 5, 2], { poolSize: 2 }, 'float64'),
    randomInput(rng, [2, 5, 5, 2]),
    rng,
  );
  gradientCheck(
    new AvgPool2D([4, 3, 2], { global: true }, 'float64'),
    randomInput(rng, [3, 4, 3, 2]),
    rng,
  );
});

test('batch norm gradients match central differences, conv (per channel) and dense (per unit)', () => {
  const rng = new Random(14);
  const conv = new BatchNorm([3, 3, 4], {}, 'float64');
  conv.gamma.set(randomArray(rng, 4));
  conv.beta.set(randomArray(rng, 4));
  gradientCheck(conv, randomInput(rng, [2, 3, 3, 4]), rng);
  const dense = new BatchNorm([6], { epsilon: 1e-3 }, 'float64');
  dense.gamma.set(randomArray(rng, 6));
  gradientCheck(dense, randomInput(rng, [5, 6]), rng);
  const frozen = new BatchNorm([2, 2, 3], {}, 'float64');
  frozen.gamma.set(randomArray(rng, 3));
  frozen.runningMean.set(randomArray(rng, 3));
  frozen.runningVar.set([0.5, 2, 1.5]);
  gradientCheck(frozen, randomInput(rng, [2, 2, 2, 3]), rng, false);
});

test('batch norm keeps running statistics and uses them at inference', () => {
  const rng = new Random(15);
  const bn = new BatchNorm([3], { momentum: 0.5 }, 'float64');
  const x = randomInput(rng, [4, 3]);
  bn.forward(x, true);
  for (let c = 0; c < 3; c++) {
    const col = [0, 1, 2, 3].map((r) => x.data[r * 3 + c]);
    const mean = col.reduce((a, b) => a + b) / 4;
    const unbiased = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
    assert.ok(Math.abs(bn.runningMean[c] - 0.5 * mean) < 1e-12);
    assert.ok(Math.abs(bn.runningVar[c] - (0.5 + 0.5 * unbiased)) < 1e-12);
  }
  const y = bn.forward(x, false);
  for (let i = 0; i < 12; i++) {
    const c = i % 3;
    const expected = (x.data[i] - bn.runningMean[c]) / Math.sqrt(bn.runningVar[c] + 1e-5);
    assert.ok(Math.abs(y.data[i] - expected) < 1e-12);
  }
});

test('dropout: inverted scaling, seeded masks, identity at inference, exact gradient', () => {
  const rng = new Random(16);
  const noise = new Random(99);
  const layer = new Dropout([50], { rate: 0.4 }, noise, 'float64');
  const x = randomInput(rng, [4, 50]);
  const y = Float64Array.from(layer.forward(x, true).data);
  let zeros = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 0) zeros++;
    else assert.ok(Math.abs(y[i] - x.data[i] / 0.6) < 1e-12);
  }
  assert.ok(zeros > 40 && zeros < 120, `${zeros} of 200 dropped at rate 0.4`);
  assert.equal(layer.forward(x, false).data, x.data);
  // The same generator state gives the same mask.
  const again = new Dropout([50], { rate: 0.4 }, new Random(99), 'float64');
  assert.deepEqual(Float64Array.from(again.forward(x, true).data), y);
  const state = noise.getState();
  gradientCheck(layer, x, rng, true, () => noise.setState(state));
});

test('a stacked net (conv stride 2, batch norm, ReLU, max pool, dropout, dense) backpropagates exactly', () => {
  const rng = new Random(17);
  const model = new Sequential(
    {
      input: { shape: [9, 9, 2], scale: 1, offset: 0 },
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 1, useBias: false },
        { type: 'batchNorm' },
        { type: 'relu' },
        { type: 'maxPool2d', poolSize: 2, stride: 1 },
        { type: 'conv2d', filters: 4, kernelSize: 2, padding: 'same' },
        { type: 'globalAvgPool2d' },
        { type: 'dropout', rate: 0.25 },
        { type: 'dense', units: 5 },
      ],
    },
    { seed: 3, dtype: 'float64' },
  );
  const x = randomInput(rng, [3, 9, 9, 2]);
  const labels = [1, 4, 0];
  const loss = new SoftmaxCrossEntropy('float64');
  const noiseState = model.noise.getState();
  const lossAt = () => {
    model.noise.setState(noiseState);
    return loss.forward(model.forward(x, true), labels);
  };
  model.zeroGradients();
  lossAt();
  model.backward(loss.backward());
  const h = 1e-5;
  for (const p of model.params()) {
    const num = new Float64Array(p.value.length);
    for (let i = 0; i < p.value.length; i++) {
      const saved = p.value[i];
      p.value[i] = saved + h;
      const up = lossAt();
      p.value[i] = saved - h;
      const down = lossAt();
      p.value[i] = saved;
      num[i] = (up - down) / (2 * h);
    }
    const err = relativeError(p.grad, num);
    assert.ok(err < 1e-5, `${p.id}: rel err ${err}`);
  }
});

test('conv2d with stride 2 and numeric padding infers shapes like TF (floor((in + 2p - k) / s) + 1)', () => {
  const rng = new Random(18);
  assert.deepEqual(
    new Conv2D([28, 28, 1], { filters: 4, kernelSize: 3, stride: 2, padding: 1 }, rng).outputShape,
    [14, 14, 4],
  );
  assert.deepEqual(
    new Conv2D([28, 28, 1], { filters: 4, kernelSize: 5, stride: 2, padding: 'same' }, rng)
      .outputShape,
    [14, 14, 4],
  );
  assert.deepEqual(
    new Conv2D([28, 28, 1], { filters: 4, kernelSize: 5, stride: 2, padding: 'valid' }, rng)
      .outputShape,
    [12, 12, 4],
  );
});

test('summary lists every layer with output shape and parameter count', () => {
  const model = new Sequential({
    input: { shape: [8, 8, 1], scale: 1, offset: 0 },
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', useBias: false },
      { type: 'batchNorm' },
      { type: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ],
  });
  const s = model.summary();
  assert.match(s, /1 conv2d\s+\[8, 8, 4\]\s+36/);
  assert.match(s, /2 batchNorm\s+\[8, 8, 4\]\s+8/);
  assert.match(s, /4 flatten\s+\[256\]\s+0/);
  assert.match(s, /5 dense\s+\[10\]\s+2570/);
  assert.match(s, /total parameters: 2614/);
});
