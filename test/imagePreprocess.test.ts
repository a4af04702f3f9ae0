/** Making pictures of digits MNIST-like (mnistPreprocess.ts), checked against MNIST test digits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMnistDir, loadSplit } from '../src/data/mnistFiles.js';
import { grayscale } from '../src/image/grayscale.js';
import { preprocessDigit } from '../src/image/mnistPreprocess.js';
import type { GrayImage } from '../src/image/raster.js';
import { resizeArea } from '../src/image/resize.js';
import { decodeImage, encodeGrayPng } from '../src/io/imageFiles.js';
import { assertClose } from './helpers.js';
import { digitOnPaper } from './imageHelpers.js';

const mnistTest = loadSplit(defaultMnistDir(), 't10k');

function testDigit(index: number): Uint8Array {
  return mnistTest.images.subarray(index * 784, (index + 1) * 784);
}

/** Mean |a - b| over 28x28, allowing the centring to differ by one pixel (rounding). */
function bestShiftedDifference(a: Uint8Array, b: Uint8Array): number {
  let best = Number.POSITIVE_INFINITY;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      let diff = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sy = y + dy;
          const sx = x + dx;
          const moved = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? a[sy * 28 + sx] : 0;
          diff += Math.abs(moved - b[y * 28 + x]);
        }
      }
      best = Math.min(best, diff / 784);
    }
  }
  return best;
}

test('an enlarged, inverted, off-centre MNIST test digit comes back as the MNIST digit', () => {
  for (const index of [0, 1, 2, 3]) {
    const original = testDigit(index);
    const picture = digitOnPaper(original, 10, 500, 360, 170 - 40 * index, 40);
    const digit = preprocessDigit(grayscale(decodeImage(encodeGrayPng(picture), 'photo.png')));
    assert.equal(digit.inverted, true);
    // Centre of mass within half a pixel of the middle, as MNIST placed its digits.
    let mass = 0;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < 784; i++) {
      mass += digit.pixels[i];
      mx += digit.pixels[i] * (i % 28);
      my += digit.pixels[i] * Math.floor(i / 28);
    }
    assert.ok(Math.abs(mx / mass - 13.5) <= 0.5 && Math.abs(my / mass - 13.5) <= 0.5);
    const diff = bestShiftedDifference(digit.pixels, original);
    assert.ok(diff < 3, `digit ${index}: mean absolute difference from the original ${diff}`);
  }
});

test('white ink on black is not inverted, and an MNIST image is a fixed point', () => {
  const original = testDigit(5);
  const img: GrayImage = { width: 28, height: 28, data: Float32Array.from(original) };
  const digit = preprocessDigit(img);
  assert.equal(digit.inverted, false);
  assert.ok(bestShiftedDifference(digit.pixels, original) < 3);
});

test('specks of dust away from the digit do not change the result', () => {
  const original = testDigit(7);
  const clean = digitOnPaper(original, 8, 400, 300, 90, 40);
  const dusty = digitOnPaper(original, 8, 400, 300, 90, 40);
  for (const [x, y] of [
    [5, 5],
    [380, 20],
    [30, 280],
    [390, 290],
  ]) {
    for (let d = 0; d < 9; d++) dusty.data[(y + Math.floor(d / 3)) * 400 + x + (d % 3)] = 0;
  }
  const toGray = (g: typeof clean) => ({
    width: 400,
    height: 300,
    data: Float32Array.from(g.data),
  });
  const a = preprocessDigit(toGray(clean));
  const b = preprocessDigit(toGray(dusty));
  assert.deepEqual(b.box, a.box);
  assert.deepEqual(Array.from(b.pixels), Array.from(a.pixels));
});

test('a blank picture is refused', () => {
  const blank: GrayImage = { width: 50, height: 40, data: new Float32Array(2000).fill(230) };
  assert.throws(() => preprocessDigit(blank), /no digit found/);
});

test('area resizing averages exactly the covered pixels', () => {
  // 4x2 -> 2x1: each output pixel is the mean of a 2x2 block.
  const img: GrayImage = { width: 4, height: 2, data: Float32Array.from([0, 4, 8, 8, 2, 6, 0, 4]) };
  assertClose(resizeArea(img, 2, 1).data, [3, 5]);
  // 3 -> 2 columns: the middle pixel is split half and half.
  const row: GrayImage = { width: 3, height: 1, data: Float32Array.from([3, 6, 9]) };
  assertClose(resizeArea(row, 2, 1).data, [(3 + 0.5 * 6) / 1.5, (0.5 * 6 + 9) / 1.5]);
  // Enlarging 1 -> 3 copies.
  assertClose(
    resizeArea({ width: 1, height: 1, data: Float32Array.from([7]) }, 3, 2).data,
    [7, 7, 7, 7, 7, 7],
  );
});

test('a shadow across the paper is not taken for ink', () => {
  const original = testDigit(4);
  const even = digitOnPaper(original, 10, 480, 400, 120, 50);
  // Light falling off to the right and bottom: the far corner gets half as bright as the near one.
  const shaded = { ...even, data: Uint8Array.from(even.data) };
  for (let y = 0; y < 400; y++) {
    for (let x = 0; x < 480; x++) {
      shaded.data[y * 480 + x] = Math.round(
        even.data[y * 480 + x] * (1 - 0.5 * (x / 480) * (y / 400)),
      );
    }
  }
  const toGray = (g: typeof even) => ({ width: 480, height: 400, data: Float32Array.from(g.data) });
  const a = preprocessDigit(toGray(even));
  const b = preprocessDigit(toGray(shaded));
  assert.deepEqual(b.box, a.box);
  const diff = bestShiftedDifference(b.pixels, a.pixels);
  assert.ok(diff < 5, `mean absolute difference between shaded and evenly lit: ${diff}`);
});
