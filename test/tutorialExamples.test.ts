/** The tutorial's worked examples (3.1.3, 3.1.3.2, 3.1.4, 3.1.5) reproduced through the library. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conv2dForward, im2colLength } from '../src/kernels/conv2d.js';
import { convGeometry } from '../src/kernels/convGeometry.js';
import { maxPoolForward } from '../src/kernels/maxPool2d.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Sequential } from '../src/model/sequential.js';
import { tutorialPreset } from '../src/presets.js';
import { Random } from '../src/random/prng.js';

const image = [
  [0, 50, 0, 29],
  [0, 80, 31, 2],
  [33, 90, 0, 75],
  [0, 9, 0, 95],
];
const verticalSobel = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];

function convolve(padding: 'valid' | 'same'): { out: Float64Array; h: number; w: number } {
  const g = convGeometry(1, [4, 4, 1], 1, 3, 3, 1, padding);
  const out = new Float64Array(g.outH * g.outW);
  conv2dForward(
    out,
    Float64Array.from(image.flat()),
    Float64Array.from(verticalSobel.flat()),
    null,
    g,
    new Float64Array(im2colLength(g)),
  );
  return { out, h: g.outH, w: g.outW };
}

test('4x4 image convolved with the vertical Sobel filter gives the tutorial Figure 7', () => {
  const { out, h, w } = convolve('valid');
  assert.deepEqual([h, w], [2, 2]);
  assert.deepEqual(Array.from(out), [29, -192, -35, -22]);
});

test('same padding keeps the 4x4 size (Figure 12) and the centre equals the valid result', () => {
  const { out, h, w } = convolve('same');
  assert.deepEqual([h, w], [4, 4]);
  assert.deepEqual([out[5], out[6], out[9], out[10]], [29, -192, -35, -22]);
  // Top-left corner sees only the zero padding plus pixels (0,0),(0,1),(1,0),(1,1): 2*50 + 80 = 180.
  assert.equal(out[0], 180);
});

test('2x2 max pooling of the 4x4 image gives the tutorial Figure 14', () => {
  const g = convGeometry(1, [4, 4, 1], 1, 2, 2, 2, 'valid');
  const out = new Float64Array(4);
  const argmax = new Int32Array(4);
  maxPoolForward(out, argmax, Float64Array.from(image.flat()), g);
  assert.deepEqual(Array.from(out), [80, 31, 90, 95]);
  assert.deepEqual(Array.from(argmax), [5, 6, 9, 15]);
});

test('tutorial net shapes: 28x28x1 -> 26x26x8 -> 13x13x8 -> 10', () => {
  const model = new Sequential(tutorialPreset.spec, { seed: 1 });
  assert.deepEqual(
    model.layers.map((l) => [...l.outputShape]),
    [[26, 26, 8], [13, 13, 8], [10]],
  );
  assert.equal(
    model.params().reduce((s, p) => s + p.value.length, 0),
    72 + 1352 * 10 + 10,
  );
});

test('an untrained tutorial net has loss close to ln 10 (3.1.5.3)', () => {
  const model = new Sequential(tutorialPreset.spec, { seed: 7 });
  const rng = new Random(3);
  const n = 50;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() - 0.5;
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const loss = new SoftmaxCrossEntropy().forward(
    model.forward({ shape: [n, 28, 28, 1], data: x }),
    labels,
  );
  assert.ok(
    Math.abs(loss - Math.log(10)) < 0.05,
    `loss ${loss} should be close to ln 10 = ${Math.log(10)}`,
  );
});
