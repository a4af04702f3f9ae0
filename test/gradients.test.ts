/**
 * Central-difference gradient checks in float64 (tutorial 3.1.7-3.1.9): each layer's input and
 * parameter gradients from `backward` must match (L(x+h) - L(x-h)) / 2h for L = sum(out * R),
 * R random, on random Gaussian (hence tie-free) inputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Conv2D, type Conv2DConfig } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import type { Layer } from '../src/layers/layer.js';
import { MaxPool2D } from '../src/layers/maxPool2d.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Sequential } from '../src/model/sequential.js';
import { tutorialPreset } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import type { FloatArray, Tensor } from '../src/tensor/tensor.js';
import { randomArray } from './helpers.js';

const H = 1e-6;

function dot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Checks d(sum(out*R))/d(values[i]) numerically against `analytic[i]` for every i. */
function checkNumeric(
  values: FloatArray,
  analytic: FloatArray,
  loss: () => number,
  what: string,
): void {
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + H;
    const plus = loss();
    values[i] = saved - H;
    const minus = loss();
    values[i] = saved;
    const numeric = (plus - minus) / (2 * H);
    const err =
      Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
    worst = Math.max(worst, err);
    if (err > 1e-6) assert.fail(`${what}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
  }
  assert.ok(worst < 1e-6, `${what}: worst relative error ${worst}`);
}

function gradientCheck(layer: Layer, batch: number, seed: number): void {
  const rng = new Random(seed);
  const x: Tensor = {
    shape: [batch, ...layer.inputShape],
    data: randomArray(rng, batch * sizeOf(layer.inputShape)),
  };
  const out = layer.forward(x, true);
  const R = randomArray(rng, out.data.length);
  const loss = () => dot(layer.forward(x, true).data, R);
  for (const p of layer.params()) p.grad.fill(0);
  layer.forward(x, true);
  const dIn = Float64Array.from(layer.backward({ shape: out.shape, data: R }).data);
  const grads = layer.params().map((p) => ({ p, grad: Float64Array.from(p.grad) }));
  checkNumeric(x.data, dIn, loss, `${layer.kind} dInput`);
  for (const { p, grad } of grads) checkNumeric(p.value, grad, loss, `${layer.kind} d${p.name}`);
  // Gradients accumulate: a second backward adds the same amount again.
  layer.forward(x, true);
  layer.backward({ shape: out.shape, data: R });
  for (const { p, grad } of grads) {
    for (let i = 0; i < grad.length; i++)
      assert.ok(Math.abs(p.grad[i] - 2 * grad[i]) < 1e-9, `${p.name} accumulates`);
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function conv(inputShape: number[], config: Conv2DConfig): Conv2D {
  return new Conv2D(inputShape, config, new Random(11), 'float64');
}

test('conv2d gradients: tutorial shape, 1 channel, valid, no bias', () => {
  gradientCheck(
    conv([8, 8, 1], { filters: 3, kernelSize: 3, useBias: false, init: 'tutorial' }),
    2,
    1,
  );
});

test('conv2d gradients: 3 input channels, 4 filters, same padding, bias', () => {
  gradientCheck(
    conv([7, 6, 3], { filters: 4, kernelSize: 3, padding: 'same', useBias: true }),
    2,
    2,
  );
});

test('conv2d gradients: 5x5 kernel, stride 2, numeric padding 1, odd sizes', () => {
  gradientCheck(conv([9, 7, 2], { filters: 3, kernelSize: 5, stride: 2, padding: 1 }), 3, 3);
});

test('conv2d gradients: stride 2 with same padding', () => {
  gradientCheck(conv([8, 9, 2], { filters: 2, kernelSize: 3, stride: 2, padding: 'same' }), 1, 4);
});

test('maxPool2d gradients, both tie rules, odd input sizes floor', () => {
  for (const ties of ['first', 'all'] as const) {
    const pool = new MaxPool2D([7, 9, 3], { ties }, 'float64');
    assert.deepEqual([...pool.outputShape], [3, 4, 3]);
    gradientCheck(pool, 2, 5);
  }
});

test('maxPool2d 3x3 windows with stride 2 (overlapping) gradients', () => {
  gradientCheck(new MaxPool2D([7, 7, 2], { poolSize: 3, stride: 2 }, 'float64'), 2, 6);
});

test('dense gradients, from a flattened 3-D input', () => {
  gradientCheck(new Dense([3, 4, 2], { units: 5 }, new Random(3), 'float64'), 3, 7);
});

test('softmax cross-entropy gradient is p - onehot (scaled by 1/N) and matches finite differences', () => {
  const rng = new Random(8);
  const N = 3;
  const C = 10;
  const logits: Tensor = { shape: [N, C], data: randomArray(rng, N * C, 'float64', 3) };
  const labels = [2, 7, 0];
  const loss = new SoftmaxCrossEntropy('float64');
  loss.forward(logits, labels);
  const analytic = Float64Array.from(loss.backward().data);
  checkNumeric(logits.data, analytic, () => loss.forward(logits, labels), 'dLogits');
});

test('whole tutorial network: end-to-end gradients of the loss for every parameter', () => {
  const model = new Sequential(
    { ...tutorialPreset.spec, input: { ...tutorialPreset.spec.input, shape: [10, 10, 1] } },
    { seed: 4, dtype: 'float64' },
  );
  const rng = new Random(9);
  const x: Tensor = { shape: [2, 10, 10, 1], data: randomArray(rng, 200) };
  const labels = [3, 8];
  const loss = new SoftmaxCrossEntropy('float64');
  const lossOf = () => loss.forward(model.forward(x, true), labels);
  model.zeroGradients();
  lossOf();
  model.backward(loss.backward());
  for (const p of model.params()) checkNumeric(p.value, Float64Array.from(p.grad), lossOf, p.id);
});

test('max-pool tie rules on a tied window: first routes to one input, all to every tied input', () => {
  const input: Tensor = { shape: [1, 2, 4, 1], data: Float64Array.from([1, 1, 0, 5, 1, 1, 5, 2]) };
  const dOut: Tensor = { shape: [1, 1, 2, 1], data: Float64Array.from([10, 20]) };
  const first = new MaxPool2D([2, 4, 1], { ties: 'first' }, 'float64');
  assert.deepEqual(Array.from(first.forward(input, true).data), [1, 5]);
  assert.deepEqual(Array.from(first.backward(dOut).data), [10, 0, 0, 20, 0, 0, 0, 0]);
  const all = new MaxPool2D([2, 4, 1], { ties: 'all' }, 'float64');
  all.forward(input, true);
  assert.deepEqual(Array.from(all.backward(dOut).data), [10, 10, 0, 20, 10, 10, 20, 0]);
});
