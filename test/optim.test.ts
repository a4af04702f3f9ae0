/**
 * Optimizer update rules against TF.js's optimizers fed the same gradient sequence, and against
 * steps worked by hand (weight decay, AdamW, bias correction); learning-rate schedules by value.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { requirePeer } from '../peers/load.js';
import type { Param } from '../src/layers/layer.js';
import { Adam } from '../src/optim/adam.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { learningRateAt } from '../src/optim/schedule.js';
import { SGD } from '../src/optim/sgd.js';
import { Random } from '../src/random/prng.js';
import { relativeError } from './helpers.js';

const tf = requirePeer<typeof TF>('@tensorflow/tfjs');

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function param(values: number[], shape = [values.length]): Param {
  return {
    name: 'w',
    shape,
    value: Float64Array.from(values),
    grad: new Float64Array(values.length),
  };
}

/** Five steps of `ours` and of `theirs` with the same random float32 gradients. */
function compareWithTfjs(ours: Optimizer, theirs: TF.Optimizer, lr: number): void {
  const rng = new Random(31);
  const init = Array.from({ length: 6 }, () => Math.fround(rng.gaussian()));
  const p = param(init, [2, 3]);
  const v = tf.variable(tf.tensor(init, [2, 3], 'float32'), true, 'w');
  for (let step = 0; step < 5; step++) {
    const g = Array.from({ length: 6 }, () => Math.fround(rng.gaussian()));
    p.grad.set(g);
    ours.step([p], lr);
    assert.deepEqual([...p.grad], [0, 0, 0, 0, 0, 0], 'gradients are zeroed after a step');
    theirs.applyGradients({ w: tf.tensor(g, [2, 3], 'float32') });
  }
  const err = relativeError(p.value, v.dataSync());
  assert.ok(err < 1e-5, `${ours.kind}: relative error ${err} after 5 steps`);
  v.dispose();
  theirs.dispose();
}

test('SGD with momentum and with Nesterov matches TF.js over 5 steps', () => {
  compareWithTfjs(new SGD({ momentum: 0.9 }), tf.train.momentum(0.1, 0.9, false), 0.1);
  compareWithTfjs(
    new SGD({ momentum: 0.9, nesterov: true }),
    tf.train.momentum(0.1, 0.9, true),
    0.1,
  );
});

test('Adam matches TF.js over 5 steps (bias correction from step 1)', () => {
  compareWithTfjs(
    new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    tf.train.adam(0.01, 0.9, 0.999, 1e-7),
    0.01,
  );
});

test('plain SGD is the tutorial update: w -= lr * g', () => {
  const p = param([1, -2]);
  p.grad.set([0.5, 0.25]);
  new SGD().step([p], 0.1);
  assert.deepEqual([...p.value], [1 - 0.05, -2 - 0.025]);
});

test('SGD momentum with weight decay, by hand: decay applies to weight matrices, not biases', () => {
  const w = param([1, 2], [1, 2]);
  const b = param([1]);
  const sgd = new SGD({ momentum: 0.5, weightDecay: 0.1 });
  w.grad.set([1, 1]);
  b.grad.set([1]);
  sgd.step([w, b], 0.1);
  // v = g + 0.1 w = [1.1, 1.2]; w -= 0.1 v. Bias: v = 1; b -= 0.1.
  assert.ok(Math.abs(w.value[0] - 0.89) < 1e-12 && Math.abs(w.value[1] - 1.88) < 1e-12);
  assert.ok(Math.abs(b.value[0] - 0.9) < 1e-12);
  w.grad.set([1, 1]);
  sgd.step([w, b], 0.1);
  // v = 0.5 [1.1, 1.2] + [1 + 0.089, 1 + 0.188] = [1.639, 1.788].
  assert.ok(Math.abs(w.value[0] - (0.89 - 0.1639)) < 1e-12);
  assert.ok(Math.abs(w.value[1] - (1.88 - 0.1788)) < 1e-12);
});

test('Adam first step by hand is lr * sign(g) (bias correction cancels 1 - beta)', () => {
  const p = param([1, 1, 1]);
  p.grad.set([0.3, -2, 1e-3]);
  new Adam({ epsilon: 0 }).step([p], 0.01);
  assert.ok(relativeError(p.value, [0.99, 1.01, 0.99]) < 1e-12, String([...p.value]));
  // Second step, g = 1 both times: m = 0.19 / 0.19, v = 0.001999 / 0.001999, step = lr.
  const q = param([0]);
  const adam = new Adam({ epsilon: 0 });
  q.grad.set([1]);
  adam.step([q], 0.1);
  q.grad.set([1]);
  adam.step([q], 0.1);
  assert.ok(Math.abs(q.value[0] + 0.2) < 1e-12, String(q.value[0]));
});

test('AdamW decouples weight decay: w shrinks by lr * decay before the Adam step; Adam adds L2', () => {
  const w = param([2], [1, 1]);
  w.grad.set([0.5]);
  new Adam({ weightDecay: 0.1, decoupled: true, epsilon: 0 }).step([w], 0.01);
  assert.ok(Math.abs(w.value[0] - (2 * (1 - 0.001) - 0.01)) < 1e-12, String(w.value[0]));
  const l2 = param([2], [1, 1]);
  l2.grad.set([-0.1]);
  // g + 0.1 * w = 0.1 > 0, so the first Adam step moves by -lr.
  new Adam({ weightDecay: 0.1, epsilon: 0 }).step([l2], 0.01);
  assert.ok(Math.abs(l2.value[0] - 1.99) < 1e-12, String(l2.value[0]));
});

test('optimizer state round-trips: a restored optimizer continues identically', () => {
  const rng = new Random(32);
  const a = param([1, 2, 3]);
  const b = param([1, 2, 3]);
  const first = new Adam();
  const grads = Array.from({ length: 4 }, () => [rng.gaussian(), rng.gaussian(), rng.gaussian()]);
  for (const g of grads.slice(0, 2)) {
    a.grad.set(g);
    first.step([a], 0.01);
  }
  b.value.set(a.value);
  const second = new Adam();
  second.setState([b], first.getState());
  for (const g of grads.slice(2)) {
    a.grad.set(g);
    first.step([a], 0.01);
    b.grad.set(g);
    second.step([b], 0.01);
  }
  assert.deepEqual([...b.value], [...a.value]);
  assert.throws(() => second.setState([param([1])], first.getState()), /slot 'm'/);
});

test('learning-rate schedules: step, cosine with warm-up, one-cycle', () => {
  const at = (s: Parameters<typeof learningRateAt>[0], step: number) =>
    learningRateAt(s, 1, step, 10, 100);
  assert.equal(at({ type: 'constant' }, 57), 1);
  assert.equal(at({ type: 'step', everyEpochs: 3, factor: 0.1 }, 29), 1);
  assert.ok(Math.abs(at({ type: 'step', everyEpochs: 3, factor: 0.1 }, 30) - 0.1) < 1e-15);
  const cos = { type: 'cosine' as const, warmupEpochs: 1 };
  assert.equal(at(cos, 0), 0.1);
  assert.equal(at(cos, 9), 1);
  assert.equal(at(cos, 10), 1);
  assert.ok(Math.abs(at(cos, 55) - 0.5) < 1e-12);
  assert.ok(at(cos, 100) < 1e-12);
  const one = { type: 'oneCycle' as const, peak: 0.2, div: 10, finalDiv: 100 };
  assert.ok(Math.abs(at(one, 0) - 0.1) < 1e-12);
  assert.ok(Math.abs(at(one, 10) - 0.55) < 1e-12);
  assert.equal(at(one, 20), 1);
  assert.ok(Math.abs(at(one, 60) - (0.01 + 0.99 / 2)) < 1e-12);
  assert.ok(Math.abs(at(one, 100) - 0.01) < 1e-12);
});
