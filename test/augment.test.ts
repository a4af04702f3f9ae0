/**
 * Seeded augmentation: exact integer shifts, background fill, repeatable draws, bounded rotation,
 * and the fast version equal, bit for bit, to its straightforward reference twin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { augmentBatch } from '../src/data/augment.js';
import { augmentBatchReference } from '../src/data/augment.reference.js';
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

test('augmentBatch equals its reference twin bit for bit: shifts, rotations, channels, far outside', () => {
  const rng = new Random(11);
  // Sizes from 1x1 up, 1 and 3 channels, shifts beyond the image, rotations up to 180 degrees
  // (sources far outside the image), both storage types, and a background float32 would round.
  const cases = [
    { h: 28, w: 28, c: 1, maxShift: 2, maxRotateDegrees: 8 },
    { h: 7, w: 9, c: 3, maxShift: 3, maxRotateDegrees: 30 },
    { h: 5, w: 4, c: 2, maxShift: 12, maxRotateDegrees: 0 },
    { h: 1, w: 1, c: 1, maxShift: 1, maxRotateDegrees: 45 },
    { h: 32, w: 17, c: 3, maxShift: 0, maxRotateDegrees: 180 },
    { h: 30, w: 30, c: 1, maxShift: 20, maxRotateDegrees: 90 },
  ];
  for (const { h, w, c, ...config } of cases) {
    for (const make of [(n: number) => new Float32Array(n), (n: number) => new Float64Array(n)]) {
      const n = 12;
      const x = make(n * h * w * c);
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 0.5;
      const fast = x.slice();
      const reference = x.slice();
      const background = -0.4242424242424242;
      augmentBatch(fast, make(h * w * c), n, h, w, c, config, background, new Random(5));
      const scratch = make(h * w * c);
      augmentBatchReference(reference, scratch, n, h, w, c, config, background, new Random(5));
      assert.deepEqual(
        fast,
        reference,
        `${h}x${w}x${c} ${JSON.stringify(config)} ${x.constructor.name}`,
      );
      assert.notDeepEqual(fast, x, 'the batch changed');
    }
  }
});
