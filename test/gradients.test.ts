/**
 * Central-difference gradient checks in float64 (tutorial 3.1.7-3.1.9) of the loss and of whole
 * networks; each layer type's own check runs from the case table (test/layerCases.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaxPool2D } from '../src/layers/maxPool2d.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Sequential } from '../src/model/sequential.js';
import { tutorialPreset } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { checkNumericGradient, modelGradientCheck, randomArray } from './helpers.js';

test('softmax cross-entropy gradient is p - onehot (scaled by 1/N) and matches finite differences', () => {
  const rng = new Random(8);
  const N = 3;
  const C = 10;
  const logits: Tensor = { shape: [N, C], data: randomArray(rng, N * C, 'float64', 3) };
  const labels = [2, 7, 0];
  const loss = new SoftmaxCrossEntropy('float64');
  loss.forward(logits, labels);
  const analytic = Float64Array.from(loss.backward().data);
  checkNumericGradient(logits.data, analytic, () => loss.forward(logits, labels), 'dLogits');
});

test('whole tutorial network: end-to-end gradients of the loss for every parameter', () => {
  const model = new Sequential(
    { ...tutorialPreset.spec, input: { ...tutorialPreset.spec.input, shape: [10, 10, 1] } },
    { seed: 4, dtype: 'float64' },
  );
  const rng = new Random(9);
  const x: Tensor = { shape: [2, 10, 10, 1], data: randomArray(rng, 200) };
  modelGradientCheck(model, x, [3, 8]);
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
