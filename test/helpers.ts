/** Shared test helpers: seeded random arrays and closeness checks with useful failure messages. */
import assert from 'node:assert/strict';
import type { Random } from '../src/random/prng.js';
import type { FloatArray } from '../src/tensor/tensor.js';

export function randomArray(
  rng: Random,
  n: number,
  type: 'float32' | 'float64' = 'float64',
  scale = 1,
): FloatArray {
  const a = type === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.gaussian() * scale;
  return a;
}

/** Asserts |a - b| <= atol + rtol * |b| elementwise, naming the first bad index. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-5,
  atol = 1e-6,
  what = 'values',
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: length ${actual.length} != ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}[${i}]: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** Largest relative error max|a-b| / max(max|b|, tiny). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
