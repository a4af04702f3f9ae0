/** Class probabilities for predict and visualize: a stable softmax and the top-k ordering. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softmax, topK } from '../src/image/classify.js';
import { tileGrid } from '../src/image/tileGrid.js';
import { assertClose } from './helpers.js';

test('softmax matches exp(z) / sum exp(z) and does not overflow on large logits', () => {
  const z = [1, 2, 3];
  const e = z.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  assertClose(
    softmax(z),
    e.map((v) => v / sum),
    1e-12,
    0,
  );
  // Shifting every logit by 1000 changes nothing (naive exp(1003) would be Infinity).
  assertClose(
    softmax(z.map((v) => v + 1000)),
    e.map((v) => v / sum),
    1e-12,
    0,
  );
});

test('topK gives the most probable classes first, ties by lower label', () => {
  assert.deepEqual(topK([0.1, 0.4, 0.1, 0.4], 3), [
    { label: 1, probability: 0.4 },
    { label: 3, probability: 0.4 },
    { label: 0, probability: 0.1 },
  ]);
});

test('tileGrid lays tiles out left to right with gaps, each pixel enlarged', () => {
  const a = Uint8Array.from([1, 2, 3, 4]);
  const b = Uint8Array.from([5, 6, 7, 8]);
  const grid = tileGrid([a, b], 2, 2, { zoom: 2, gap: 1, background: 0, columns: 2 });
  assert.deepEqual([grid.width, grid.height], [1 + 2 * (4 + 1), 1 + 4 + 1]);
  const row = (y: number) => Array.from(grid.data.subarray(y * grid.width, (y + 1) * grid.width));
  assert.deepEqual(row(0), new Array(11).fill(0));
  assert.deepEqual(row(1), [0, 1, 1, 2, 2, 0, 5, 5, 6, 6, 0]);
  assert.deepEqual(row(4), [0, 3, 3, 4, 4, 0, 7, 7, 8, 8, 0]);
});
