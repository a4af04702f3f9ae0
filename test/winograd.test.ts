/**
 * Winograd convolution F(2x2, 3x3) and F(4x4, 3x3), forward, backward-input and backward-filter:
 * the float64 reference twin against the direct reference convolution (same maths, so equal to
 * float64 rounding), and the WebAssembly kernels against the direct reference within a float32
 * tolerance, on odd shapes: outputs not divisible by the tile, 1-9 channels (SIMD groups of 4
 * and single-channel tails), batches of 1-3, `valid`, `same` and numeric padding.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  conv2dBackward,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  im2colLength,
} from '../src/kernels/conv2d.js';
import {
  conv2dBackwardFilterReference,
  conv2dBackwardInputReference,
  conv2dForwardReference,
} from '../src/kernels/conv2d.reference.js';
import { type ConvGeometry, convGeometry, type Padding } from '../src/kernels/convGeometry.js';
import { setSimdEnabled, simdAvailable, simdBuild } from '../src/kernels/wasm/simd.js';
import {
  conv2dBackwardFilterWinograd,
  conv2dBackwardInputWinograd,
  conv2dForwardWinograd,
  winogradTileSize,
} from '../src/kernels/winograd.js';
import {
  conv2dBackwardFilterWinogradReference,
  conv2dBackwardInputWinogradReference,
  conv2dForwardWinogradReference,
} from '../src/kernels/winograd.reference.js';
import type { WinogradTile } from '../src/kernels/winogradMatrices.js';
import { Random } from '../src/random/prng.js';
import { allocateFloat32 } from '../src/tensor/arena.js';
import { relativeError, WINOGRAD_TOLERANCE } from './helpers.js';

const TILES: WinogradTile[] = [2, 4];

const TOL = WINOGRAD_TOLERANCE;

interface Case {
  batch: number;
  inShape: [number, number, number];
  outC: number;
  padding: Padding;
}

function cases(rng: Random): Case[] {
  const fixed: Case[] = [
    { batch: 1, inShape: [3, 3, 1], outC: 1, padding: 'valid' }, // one pixel out
    { batch: 2, inShape: [7, 9, 5], outC: 3, padding: 'same' },
    { batch: 3, inShape: [8, 5, 4], outC: 6, padding: 'valid' },
    { batch: 1, inShape: [6, 6, 9], outC: 9, padding: 1 },
    { batch: 2, inShape: [12, 11, 8], outC: 12, padding: 'same' },
  ];
  for (let i = 0; i < 5; i++) {
    fixed.push({
      batch: 1 + rng.int(3),
      inShape: [3 + rng.int(9), 3 + rng.int(9), 1 + rng.int(9)],
      outC: 1 + rng.int(9),
      padding: (['valid', 'same', 1] as const)[rng.int(3)],
    });
  }
  return fixed;
}

function gaussians(rng: Random, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.gaussian();
  return a;
}

function arena(values: ArrayLike<number>): Float32Array {
  const a = allocateFloat32(values.length);
  a.set(values);
  return a;
}

/** The direct reference's forward pass and both gradients for one case. */
function direct(
  g: ConvGeometry,
  x: Float64Array,
  f: Float64Array,
  bias: Float64Array,
  dOut: Float64Array,
  dF0: Float64Array,
  dB0: Float64Array,
) {
  const out = new Float64Array(dOut.length);
  conv2dForwardReference(out, x, f, bias, g);
  const dIn = new Float64Array(x.length);
  conv2dBackwardInputReference(dIn, dOut, f, g);
  const dF = Float64Array.from(dF0);
  const dB = Float64Array.from(dB0);
  conv2dBackwardFilterReference(dF, dB, dOut, x, g);
  return { out, dIn, dF, dB };
}

function eachCase(
  seed: number,
  fn: (g: ConvGeometry, d: ReturnType<typeof data>, what: string) => void,
): void {
  const rng = new Random(seed);
  for (const c of cases(rng)) {
    const g = convGeometry(c.batch, c.inShape, c.outC, 3, 3, 1, c.padding);
    fn(g, data(rng, g), JSON.stringify(c));
  }
}

function data(rng: Random, g: ConvGeometry) {
  const x = gaussians(rng, g.batch * g.inH * g.inW * g.inC);
  const f = gaussians(rng, 9 * g.inC * g.outC);
  const bias = gaussians(rng, g.outC);
  const dOut = gaussians(rng, g.batch * g.outH * g.outW * g.outC);
  const dF0 = gaussians(rng, f.length);
  const dB0 = gaussians(rng, g.outC);
  return { x, f, bias, dOut, dF0, dB0, ...direct(g, x, f, bias, dOut, dF0, dB0) };
}

test('the Winograd reference twin equals the direct reference convolution (float64)', () => {
  eachCase(41, (g, d, what) => {
    for (const m of TILES) {
      const out = new Float64Array(d.out.length);
      conv2dForwardWinogradReference(out, d.x, d.f, d.bias, g, m);
      assert.ok(relativeError(out, d.out) < 1e-12, `F(${m}) forward ${what}`);
      const dIn = new Float64Array(d.dIn.length).fill(7);
      conv2dBackwardInputWinogradReference(dIn, d.dOut, d.f, g, m);
      assert.ok(relativeError(dIn, d.dIn) < 1e-12, `F(${m}) backward-input ${what}`);
      const dF = Float64Array.from(d.dF0);
      const dB = Float64Array.from(d.dB0);
      conv2dBackwardFilterWinogradReference(dF, dB, d.dOut, d.x, g, m);
      assert.ok(relativeError(dF, d.dF) < 1e-12, `F(${m}) backward-filter ${what}`);
      assert.ok(relativeError(dB, d.dB) < 1e-12, `F(${m}) bias gradient ${what}`);
    }
  });
});

test('the WebAssembly Winograd kernels equal the direct reference within float32 tolerance', () => {
  assert.ok(simdAvailable(), 'WebAssembly SIMD runs here');
  // Set by test/relaxedSimd.test.ts when it runs this file on the other build of the kernels.
  const asked = process.env.CNN_TS_EXPECT_SIMD_BUILD;
  if (asked !== undefined) assert.equal(simdBuild(), asked);
  eachCase(43, (g, d, what) => {
    for (const m of TILES) {
      const check = (actual: Float32Array, expected: Float64Array, part: string) => {
        const err = relativeError(actual, expected);
        assert.ok(err <= TOL[m], `F(${m}) ${part} ${what}: relative error ${err} > ${TOL[m]}`);
      };
      const out = arena(new Float64Array(d.out.length).fill(7)); // stale values are overwritten
      conv2dForwardWinograd(out, arena(d.x), arena(d.f), arena(d.bias), g, m);
      check(out, d.out, 'forward');
      const noBias = arena(new Float64Array(d.out.length));
      conv2dForwardWinograd(noBias, arena(d.x), arena(d.f), null, g, m);
      const expected = d.out.map((v, i) => v - d.bias[i % g.outC]);
      check(noBias, expected, 'forward without bias');
      const dIn = arena(new Float64Array(d.dIn.length).fill(7));
      conv2dBackwardInputWinograd(dIn, arena(d.dOut), arena(d.f), g, m);
      check(dIn, d.dIn, 'backward-input');
      const dF = arena(d.dF0);
      const dB = arena(d.dB0);
      conv2dBackwardFilterWinograd(dF, dB, arena(d.dOut), arena(d.x), g, m);
      check(dF, d.dF, 'backward-filter');
      check(dB, d.dB, 'bias gradient');
    }
  });
});

test('3x3 stride-1 convolutions with 4+ input and 8+ output channels take Winograd; others stay direct', () => {
  const keras = convGeometry(128, [26, 26, 32], 64, 3, 3, 1, 'valid');
  assert.equal(winogradTileSize(keras), 4);
  assert.equal(winogradTileSize(convGeometry(64, [14, 14, 16], 32, 3, 3, 1, 'valid')), 4);
  // Small outputs, where F(4x4)'s tiles overhang most, take F(2x2).
  assert.equal(winogradTileSize(convGeometry(1, [6, 6, 64], 64, 3, 3, 1, 'same')), 2);
  assert.equal(winogradTileSize(convGeometry(1, [9, 9, 64], 64, 3, 3, 1, 'valid')), 4);
  // The tutorial's conv (1 channel in), few channels, stride 2 and 5x5 kernels stay direct.
  assert.equal(winogradTileSize(convGeometry(1, [28, 28, 1], 8, 3, 3, 1, 'valid')), 0);
  assert.equal(winogradTileSize(convGeometry(1, [28, 28, 3], 16, 3, 3, 1, 'valid')), 0);
  assert.equal(winogradTileSize(convGeometry(1, [28, 28, 16], 4, 3, 3, 1, 'valid')), 0);
  assert.equal(winogradTileSize(convGeometry(1, [28, 28, 16], 16, 3, 3, 2, 'same')), 0);
  assert.equal(winogradTileSize(convGeometry(1, [28, 28, 16], 16, 5, 5, 1, 'same')), 0);
  // conv2dForward dispatches: its result is Winograd's, to the bit, on the SIMD path.
  const rng = new Random(47);
  const g = convGeometry(2, [9, 10, 8], 8, 3, 3, 1, 'same');
  const x = arena(gaussians(rng, 2 * 9 * 10 * 8));
  const f = arena(gaussians(rng, 9 * 8 * 8));
  const viaConv = allocateFloat32(2 * 9 * 10 * 8);
  const viaWinograd = allocateFloat32(viaConv.length);
  conv2dForward(viaConv, x, f, null, g, allocateFloat32(im2colLength(g)));
  conv2dForwardWinograd(viaWinograd, x, f, null, g, 4);
  assert.deepEqual(viaConv, viaWinograd);
  // Off the SIMD path the direct TypeScript kernels run, and agree within tolerance.
  const dF = new Float32Array(f.length);
  const previous = setSimdEnabled(false);
  try {
    conv2dBackwardFilter(dF, null, viaConv, x, g, new Float32Array(im2colLength(g)));
  } finally {
    setSimdEnabled(previous);
  }
  const dFW = allocateFloat32(f.length);
  conv2dBackwardFilterWinograd(dFW, null, viaConv, x, g, 4);
  assert.ok(relativeError(dFW, dF) <= TOL[4]);
});

test('conv2dBackward gives both gradients, bit for bit as the two kernels do apart', () => {
  const rng = new Random(53);
  for (const g of [
    convGeometry(2, [9, 10, 8], 12, 3, 3, 1, 'same'), // Winograd F(4x4)
    convGeometry(3, [7, 7, 16], 8, 3, 3, 1, 'valid'), // Winograd F(2x2)
    convGeometry(2, [9, 10, 3], 5, 3, 3, 2, 'same'), // direct
  ]) {
    const x = arena(gaussians(rng, g.batch * g.inH * g.inW * g.inC));
    const f = arena(gaussians(rng, 9 * g.inC * g.outC));
    const dOut = arena(gaussians(rng, g.batch * g.outH * g.outW * g.outC));
    const dF0 = gaussians(rng, f.length);
    const cols = allocateFloat32(im2colLength(g));
    const [dIn, dF, dB] = [allocateFloat32(x.length), arena(dF0), allocateFloat32(g.outC)];
    conv2dBackward(dIn, dF, dB, dOut, x, f, g, cols);
    const [dIn2, dF2, dB2] = [allocateFloat32(x.length), arena(dF0), allocateFloat32(g.outC)];
    conv2dBackwardFilter(dF2, dB2, dOut, x, g, cols);
    conv2dBackwardInput(dIn2, dOut, f, g, cols);
    assert.deepEqual([dIn, dF, dB], [dIn2, dF2, dB2], JSON.stringify(g));
  }
});
