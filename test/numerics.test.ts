/** Softmax cross-entropy against the tutorial's own formulation, stability, and the seeded PRNG. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softmaxCrossEntropy } from '../src/kernels/softmaxCrossEntropy.js';
import { tutorialSoftmaxCrossEntropy } from '../src/kernels/softmaxCrossEntropy.reference.js';
import { Random } from '../src/random/prng.js';
import { assertClose } from './helpers.js';

test('fused softmax cross-entropy equals the tutorial derivation (3.1.7) with the bugs fixed', () => {
  const rng = new Random(5);
  for (let trial = 0; trial < 20; trial++) {
    const logits = Float64Array.from({ length: 10 }, () => rng.gaussian() * 4);
    const label = rng.int(10);
    const probs = new Float64Array(10);
    const grad = new Float64Array(10);
    const loss = softmaxCrossEntropy(probs, grad, logits, [label], 1, 10, 1);
    const ref = tutorialSoftmaxCrossEntropy(logits, label);
    assert.ok(Math.abs(loss - ref.loss) < 1e-12, `loss ${loss} vs ${ref.loss}`);
    assertClose(probs, ref.probs, 1e-12, 1e-15, 'probs');
    assertClose(grad, ref.dLogits, 1e-9, 1e-12, 'dLogits');
  }
});

test('the printed tutorial bug (dout_dt[i] += ...) would double the diagonal gradient term', () => {
  const logits = [0.5, -1, 2];
  const { dLogits } = tutorialSoftmaxCrossEntropy(logits, 1);
  const p = tutorialSoftmaxCrossEntropy(logits, 1).probs;
  // Correct: dL/dt_c = p_c - 1. With '+=' it would be (p_c - 1) + (-p_c) * ... : not p - onehot.
  assert.ok(Math.abs(dLogits[1] - (p[1] - 1)) < 1e-12);
  assert.ok(Math.abs(dLogits[0] - p[0]) < 1e-12);
});

test('large logits neither overflow nor give NaN', () => {
  const logits = Float32Array.from([1000, 0, -1000, 999]);
  const probs = new Float32Array(4);
  const grad = new Float32Array(4);
  const loss = softmaxCrossEntropy(probs, grad, logits, [3], 1, 4, 1);
  assert.ok(Number.isFinite(loss));
  assert.ok(Math.abs(loss - Math.log(1 + Math.exp(1))) < 1e-6, `loss ${loss}`);
  assert.ok(grad.every(Number.isFinite));
  assert.ok(Math.abs(probs[0] + probs[3] - 1) < 1e-6);
});

test('the PRNG repeats for the same seed and differs between seeds', () => {
  const a = new Random(42);
  const b = new Random(42);
  const c = new Random(43);
  const sa = Array.from({ length: 100 }, () => a.nextUint32());
  const sb = Array.from({ length: 100 }, () => b.nextUint32());
  const sc = Array.from({ length: 100 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.throws(() => new Random(-1), /seed must be an integer/);
});

test('Gaussian samples have mean ~0 and variance ~1; state snapshots resume the sequence', () => {
  const rng = new Random(7);
  const n = 200000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const g = rng.gaussian();
    sum += g;
    sq += g * g;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sq / n - mean * mean - 1) < 0.02, `variance ${sq / n}`);
  rng.gaussian();
  const state = rng.getState();
  const next = [rng.gaussian(), rng.uniform(), rng.gaussian()];
  const copy = new Random(1);
  copy.setState(state);
  assert.deepEqual([copy.gaussian(), copy.uniform(), copy.gaussian()], next);
});

test('shuffle is a seeded permutation', () => {
  const a = new Random(3).shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
  const b = new Random(3).shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(a, b);
  assert.deepEqual(
    Array.from(a).sort((x, y) => x - y),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.notDeepEqual(
    Array.from(a),
    Array.from({ length: 50 }, (_, i) => i),
  );
});
