/** Seeded augmentation: exact integer shifts, background fill, repeatable draws, bounded rotation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { augmentBatch } from '../src/data/augment.js';
import { Random } from '../src/random/prng.js';

const H = 6;
const W = 5;

function batchOf(n: number): Float64Array {
  const x = new Float64Array(n * H * W);
  for (let i = 0; i < x.length; i++) x[i] = 1 + (i % 17);
  return x;
}

test('a shift moves every pixel by whole pixels and fills the uncovered edge with background', () => {
  const n = 20;
  const x = batchOf(n);
  const original = x.slice();
  augmentBatch(
    x,
    new Float64Array(H * W),
    n,
    H,
    W,
    1,
    { maxShift: 2, maxRotateDegrees: 0 },
    -7,
    new Random(3),
  );
  let moved = 0;
  for (let b = 0; b < n; b++) {
    // Find the shift that explains this image, among the 25 allowed.
    const img = x.subarray(b * H * W, (b + 1) * H * W);
    const src = original.subarray(b * H * W, (b + 1) * H * W);
    const fits = [];
    for (let dy = -2; dy <= 2; dy++)
      for (let dx = -2; dx <= 2; dx++) {
        let ok = true;
        for (let y = 0; y < H && ok; y++)
          for (let xx = 0; xx < W && ok; xx++) {
            const sy = y - dy;
            const sx = xx - dx;
            const want = sy >= 0 && sy < H && sx >= 0 && sx < W ? src[sy * W + sx] : -7;
            ok = img[y * W + xx] === want;
          }
        if (ok) fits.push([dx, dy]);
      }
    assert.equal(fits.length, 1, `image ${b} is one exact shift`);
    if (fits[0][0] !== 0 || fits[0][1] !== 0) moved++;
  }
  assert.ok(moved >= 15, `${moved} of 20 images moved`);
});

test('the same seed gives the same augmented batch; rotation stays within the value range', () => {
  const config = { maxShift: 1, maxRotateDegrees: 15 };
  const a = batchOf(8);
  const b = batchOf(8);
  augmentBatch(a, new Float64Array(H * W), 8, H, W, 1, config, 0, new Random(4));
  augmentBatch(b, new Float64Array(H * W), 8, H, W, 1, config, 0, new Random(4));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, batchOf(8));
  // Bilinear sampling mixes source pixels and background (0), so values stay in [0, 17].
  for (const v of a) assert.ok(v >= 0 && v <= 17 + 1e-12, String(v));
});
