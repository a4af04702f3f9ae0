/** Sobel through the image path (tutorial 3.1.3.1): edges, the tutorial's numbers, strips. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absClipToBytes, absPercentile } from '../src/image/displayScale.js';
import { rasterFromGray8 } from '../src/image/raster.js';
import { gradientMagnitude, sobel, sobelFilters, sobelOfRows } from '../src/image/sobel.js';
import { stripGeometry } from '../src/image/stripConv.js';
import { decodeImage, encodeGrayPng } from '../src/io/imageFiles.js';
import { conv2dForwardReference } from '../src/kernels/conv2d.reference.js';
import { convGeometry } from '../src/kernels/convGeometry.js';
import { Random } from '../src/random/prng.js';
import { assertClose } from './helpers.js';
import { grayFrom } from './imageHelpers.js';

const W = 16;
const H = 12;

/** Largest |value| over the pixels not on the outer 1-pixel frame (which sees the zero padding). */
function interiorMaxAbs(values: Float32Array, pick: (x: number, y: number) => boolean): number {
  let m = 0;
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) if (pick(x, y)) m = Math.max(m, Math.abs(values[y * W + x]));
  return m;
}

test('a vertical step edge shows only in the vertical Sobel output', () => {
  // Dark (40) left of column 8, bright (200) from column 8: the edge lies between columns 7 and 8.
  const img = grayFrom(W, H, (x) => (x < 8 ? 40 : 200));
  const s = sobel(decodeImage(encodeGrayPng(img), 'step.png'));
  const onEdge = (x: number) => x === 7 || x === 8;
  // Each column next to the edge sees a 160 step through weights 1 + 2 + 1.
  assert.equal(
    interiorMaxAbs(s.vertical, (x) => onEdge(x)),
    4 * 160,
  );
  for (let y = 1; y < H - 1; y++) {
    assert.equal(s.vertical[y * W + 7], 640, `vertical at (7, ${y})`);
    assert.equal(s.vertical[y * W + 8], 640, `vertical at (8, ${y})`);
  }
  assert.equal(
    interiorMaxAbs(s.vertical, (x) => !onEdge(x)),
    0,
  );
  assert.equal(
    interiorMaxAbs(s.horizontal, () => true),
    0,
  );
});

test('a horizontal step edge shows only in the horizontal Sobel output', () => {
  const img = grayFrom(W, H, (_x, y) => (y < 6 ? 220 : 20));
  const s = sobel(decodeImage(encodeGrayPng(img), 'step.png'));
  const onEdge = (y: number) => y === 5 || y === 6;
  for (let x = 1; x < W - 1; x++) {
    // Bright above dark: the horizontal filter [1 2 1; 0 0 0; -1 -2 -1] gives +4 * 200.
    assert.equal(s.horizontal[5 * W + x], 800);
    assert.equal(s.horizontal[6 * W + x], 800);
  }
  assert.equal(
    interiorMaxAbs(s.horizontal, (_x, y) => !onEdge(y)),
    0,
  );
  assert.equal(
    interiorMaxAbs(s.vertical, () => true),
    0,
  );
});

test('the tutorial 4x4 example through PNG encode, decode and Sobel gives Figure 7 and Figure 12', () => {
  const pixels = [0, 50, 0, 29, 0, 80, 31, 2, 33, 90, 0, 75, 0, 9, 0, 95];
  const png = encodeGrayPng({ width: 4, height: 4, data: Uint8Array.from(pixels) });
  const s = sobel(decodeImage(png, 'tutorial.png'));
  // Same padding keeps 4x4; its centre is the valid 2x2 result of Figure 7.
  assertClose([s.vertical[5], s.vertical[6], s.vertical[9], s.vertical[10]], [29, -192, -35, -22]);
  // Corner (0, 0) over the zero padding of Figure 12: 0*-2 + 50*2 + 0*-1 + 80*1 = 180.
  assertClose([s.vertical[0]], [180]);
});

test('strips with a halo give exactly the whole-image same-padded convolution', () => {
  const width = 11;
  const height = 10;
  const rng = new Random(5);
  const image = new Float32Array(width * height).map(() => Math.round(rng.uniform() * 255));
  const source = (y0: number, y1: number, out: Float32Array) =>
    out.set(image.subarray(y0 * width, y1 * width));
  const g = convGeometry(1, [height, width, 1], 2, 3, 3, 1, 'same');
  const expected = new Float64Array(height * width * 2);
  conv2dForwardReference(
    expected,
    Float64Array.from(image),
    Float64Array.from(sobelFilters()),
    null,
    g,
  );
  for (const stripRows of [1, 3, 4, 10, 64]) {
    const s = sobelOfRows(source, width, height, stripRows);
    const both = new Float32Array(height * width * 2);
    for (let i = 0; i < width * height; i++) {
      both[2 * i] = s.vertical[i];
      both[2 * i + 1] = s.horizontal[i];
    }
    assertClose(both, expected, 0, 1e-3, `strips of ${stripRows} rows`);
  }
});

test('strip geometry reads one halo row each side and pads only at the image edges', () => {
  const whole = convGeometry(1, [10, 7, 1], 2, 3, 3, 1, 'same');
  assert.deepEqual(
    [stripGeometry(whole, 0, 4)].map((s) => [s.inY0, s.inY1, s.geometry.padTop, s.geometry.inH]),
    [[0, 5, 1, 5]],
  );
  const mid = stripGeometry(whole, 4, 8);
  assert.deepEqual([mid.inY0, mid.inY1, mid.geometry.padTop, mid.geometry.outH], [3, 9, 0, 4]);
  const last = stripGeometry(whole, 8, 10);
  assert.deepEqual([last.inY0, last.inY1, last.geometry.padTop], [7, 10, 0]);
});

test('gradient magnitude is the length of (vertical, horizontal)', () => {
  const img = grayFrom(W, H, (x, y) => (x + 2 * y) * 5);
  const s = sobel(rasterFromGray8(img));
  const m = gradientMagnitude(s);
  // A ramp rising 5 per column and 10 per row: vertical = 4 * (2 columns * 5); horizontal =
  // 4 * (top row - bottom row) = 4 * -(2 rows * 10), negative because it gets brighter downwards.
  const i = 5 * W + 5;
  assertClose([s.vertical[i], s.horizontal[i], m[i]], [40, -80, Math.sqrt(40 ** 2 + 80 ** 2)]);
});

test('display scaling: |v| with the percentile at white, larger values clipped', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => (i % 2 ? -1 : 1) * (i / 10));
  const white = absPercentile(values, 90);
  assert.ok(Math.abs(white - 90) < 0.1, `90th percentile of |v| = 0..99.9 is ${white}`);
  const bytes = absClipToBytes(values, 90);
  assert.equal(bytes[0], 0);
  assert.equal(bytes[451], Math.round((45.1 / white) * 255));
  assert.equal(bytes[999], 255);
  // A flat picture with one edge pixel: the percentile is 0, so the maximum is white instead.
  const sparse = new Float32Array(100);
  sparse[3] = -7;
  assert.deepEqual([absClipToBytes(sparse, 99.5)[3], absClipToBytes(sparse, 99.5)[4]], [255, 0]);
});
