/**
 * Independent cross-check of the fused loss against TensorFlow.js (pure-JS cpu backend). Every
 * layer type is cross-checked from the case table (test/layerCases.test.ts) with the shared
 * helper in test/helpers.ts: same weights, same batch, outputs and every gradient within 1e-4.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Random } from '../src/random/prng.js';
import type { FloatArray } from '../src/tensor/tensor.js';
import { expectCloseToTfjs, loadTfjs, randomF32 } from './helpers.js';

test('softmax cross-entropy loss and dL/dlogits match TF.js', async () => {
  const tf = await loadTfjs();
  const rng = new Random(26);
  const N = 6;
  const C = 10;
  const logits = randomF32(rng, N * C, 3);
  const labels = Int32Array.from({ length: N }, () => rng.int(C));
  const loss = new SoftmaxCrossEntropy('float64');
  const value = loss.forward({ shape: [N, C], data: logits }, labels);
  const grad: FloatArray = loss.backward().data;
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), C);
  const tl = tf.tensor(Float32Array.from(logits), [N, C], 'float32');
  const f = (z: typeof tl) => tf.losses.softmaxCrossEntropy(onehot, z);
  const tfLoss = f(tl).dataSync()[0];
  assert.ok(Math.abs(value - tfLoss) / Math.abs(tfLoss) <= 1e-4, `loss ${value} vs ${tfLoss}`);
  expectCloseToTfjs(grad, tf.grad(f)(tl).dataSync(), 'softmax cross-entropy dLogits');
});
