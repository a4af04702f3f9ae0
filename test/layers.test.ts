/**
 * What the deeper-net layers do beyond the checks every layer gets from the case table
 * (test/layerCases.test.ts): batch norm's running statistics, dropout's masks, a stacked net's
 * end-to-end gradients, shape inference and the model summary.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Activation } from '../src/layers/activation.js';
import { BatchNorm } from '../src/layers/batchNorm.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dropout, drawDropoutMask } from '../src/layers/dropout.js';
import { Sequential } from '../src/model/sequential.js';
import { Random } from '../src/random/prng.js';
import { sizeOf, type Tensor } from '../src/tensor/tensor.js';
import { modelGradientCheck, randomArray } from './helpers.js';

function randomInput(rng: Random, shape: number[]): Tensor {
  return { shape, data: randomArray(rng, sizeOf(shape)) };
}

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

test('dropout: inverted scaling, seeded masks, identity at inference', () => {
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
});

test('dropout masks are the draws of Random.uniform, and the generator ends where they leave it', () => {
  for (const [n, rate, seed] of [
    [1, 0.3, 1],
    [3, 0.5, 2],
    [1001, 0.3, 3],
    [64, 0.999, 4],
    [64, 1e-9, 5],
  ]) {
    const fast = new Random(seed);
    const slow = new Random(seed);
    fast.gaussian(); // a spare Gaussian in the state must survive
    slow.gaussian();
    const keep = 1 / (1 - rate);
    const mask = new Float32Array(n);
    drawDropoutMask(mask, n, rate, keep, fast);
    const expected = Float32Array.from({ length: n }, () => (slow.uniform() < rate ? 0 : keep));
    assert.deepStrictEqual(mask, expected, `mask n=${n} rate=${rate}`);
    assert.deepStrictEqual(fast.getState(), slow.getState(), `state after n=${n}`);
    assert.equal(fast.gaussian(), slow.gaussian());
  }
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
  modelGradientCheck(model, x, [1, 4, 0]);
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

test('sigmoid and tanh stay finite far from 0: outputs saturate and gradients vanish', () => {
  const x = { shape: [1, 4], data: Float64Array.from([-800, -40, 40, 800]) };
  const dOut = { shape: [1, 4], data: Float64Array.from([1, 1, 1, 1]) };
  const sigmoid = new Activation([4], 'sigmoid', 0, 'float64');
  assert.deepEqual(Array.from(sigmoid.forward(x, true).data), [
    0,
    Math.exp(-40) / (1 + Math.exp(-40)),
    1 / (1 + Math.exp(-40)),
    1,
  ]);
  assert.ok(sigmoid.backward(dOut).data.every((d) => Number.isFinite(d) && d >= 0 && d < 1e-17));
  const tanh = new Activation([4], 'tanh', 0, 'float64');
  assert.deepEqual(Array.from(tanh.forward(x, true).data), [-1, -1, 1, 1]);
  assert.deepEqual(Array.from(tanh.backward(dOut).data), [0, 0, 0, 0]);
});
