/** argmax: the predicted class of a row of logits, first index on ties as NumPy's np.argmax. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax } from '../src/kernels/argmax.js';
import { Random } from '../src/random/prng.js';

test('argmax picks the first largest value of a row, within an offset window', () => {
  const rng = new Random(5);
  for (let trial = 0; trial < 200; trial++) {
    // Small integers, so ties are common.
    const row = Array.from({ length: 1 + (trial % 12) }, () => rng.int(4));
    assert.equal(argmax(row), row.indexOf(Math.max(...row)), `row ${row}`);
    const padded = Float32Array.from([9, 9, ...row, 9]);
    assert.equal(argmax(padded, 2, row.length), argmax(row), `window of ${row}`);
  }
  assert.equal(argmax([-3, -1, -1, -2]), 1);
});
