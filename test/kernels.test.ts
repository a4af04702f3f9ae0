/**
 * Every fast kernel against its reference twin, on random shapes with odd sizes, stride 2 and
 * `same` padding, down each path the engine can take: TypeScript on float64, TypeScript on
 * float32, and WebAssembly SIMD on float32 arrays in the arena. The SIMD path runs the build of the
 * kernels this engine picks: SIMD only in Node 20 without flags; the relaxed-SIMD build (fused
 * multiply-add) where relaxed SIMD is on, which test/relaxedSimd.test.ts runs this file under.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { activationKernels } from '../src/kernels/activations.js';
import {
  activationBackwardReference,
  activationForwardReference,
} from '../src/kernels/activations.reference.js';
import { type AdamStep, adamUpdate } from '../src/kernels/adam.js';
import { avgPoolBackward, avgPoolForward } from '../src/kernels/avgPool2d.js';
import {
  avgPoolBackwardReference,
  avgPoolForwardReference,
} from '../src/kernels/avgPool2d.reference.js';
import {
  batchNormBackward,
  batchNormForwardInference,
  batchNormForwardTraining,
} from '../src/kernels/batchNorm.js';
import {
  batchNormBackwardReference,
  batchNormInferenceReference,
  batchNormTrainingReference,
} from '../src/kernels/batchNorm.reference.js';
import {
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
import { denseBackwardInput, denseBackwardParams, denseForward } from '../src/kernels/dense.js';
import { denseBackwardReference, denseForwardReference } from '../src/kernels/dense.reference.js';
import {
  depthwiseConv2dBackwardFilter,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dForward,
} from '../src/kernels/depthwiseConv2d.js';
import {
  depthwiseConv2dBackwardFilterReference,
  depthwiseConv2dBackwardInputReference,
  depthwiseConv2dForwardReference,
} from '../src/kernels/depthwiseConv2d.reference.js';
import {
  matmulAccumulate,
  matmulTransAAccumulate,
  matmulTransBAccumulate,
} from '../src/kernels/matmul.js';
import {
  matmulAccumulateReference,
  matmulTransAAccumulateReference,
  matmulTransBAccumulateReference,
} from '../src/kernels/matmul.reference.js';
import {
  maxPoolBackwardAllTies,
  maxPoolBackwardFirst,
  maxPoolForward,
} from '../src/kernels/maxPool2d.js';
import {
  maxPoolBackwardReference,
  maxPoolForwardReference,
} from '../src/kernels/maxPool2d.reference.js';
import { sgdUpdate } from '../src/kernels/sgd.js';
import { softmaxCrossEntropy } from '../src/kernels/softmaxCrossEntropy.js';
import { tutorialSoftmaxCrossEntropy } from '../src/kernels/softmaxCrossEntropy.reference.js';
import {
  initSimdKernels,
  setRelaxedSimdEnabled,
  setSimdEnabled,
  simdAvailable,
  simdBuild,
} from '../src/kernels/wasm/simd.js';
import { winogradTileSize } from '../src/kernels/winograd.js';
import { Random } from '../src/random/prng.js';
import { allocateFloat32, allocateInt32, inArena } from '../src/tensor/arena.js';
import { allocate, type FloatArray } from '../src/tensor/tensor.js';
import { assertClose, randomArray, relativeError, WINOGRAD_TOLERANCE } from './helpers.js';
import { engineOffersRelaxedSimd } from './relaxedSimdProbe.js';

type Path = 'ts-float64' | 'ts-float32' | 'simd-float32';
// The SIMD path runs wherever it is available; the first test fails if it is missing unexpectedly.
const paths: Path[] = simdAvailable()
  ? ['ts-float64', 'ts-float32', 'simd-float32']
  : ['ts-float64', 'ts-float32'];
/** float32 sums of up to a few thousand terms, relative to the largest value. */
const TOL: Record<Path, number> = { 'ts-float64': 1e-12, 'ts-float32': 3e-6, 'simd-float32': 3e-6 };

/** Runs fn with the kernels switched to `path`, handing it an allocator for that path. */
function onPath(path: Path, fn: (make: (values: ArrayLike<number>) => FloatArray) => void): void {
  const previous = setSimdEnabled(path === 'simd-float32');
  try {
    fn((values) => {
      const a =
        path === 'ts-float64'
          ? new Float64Array(values.length)
          : path === 'ts-float32'
            ? new Float32Array(values.length)
            : allocateFloat32(values.length);
      a.set(values);
      if (path === 'simd-float32' && values.length > 0) assert.ok(inArena(a), 'arena allocation');
      return a;
    });
  } finally {
    setSimdEnabled(previous);
  }
}

function gaussians(rng: Random, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.gaussian();
  return a;
}

function close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  path: Path,
  what: string,
  tol = TOL[path],
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const err = relativeError(actual, expected);
  assert.ok(err <= tol, `${what} on ${path}: relative error ${err} > ${tol}`);
}

test('the SIMD path is available here unless switched off by CNN_TS_NO_WASM', () => {
  assert.equal(simdAvailable(), process.env.CNN_TS_NO_WASM !== '1');
});

test('the SIMD kernels are the relaxed build exactly where relaxed SIMD is on and wanted', () => {
  const expected = !simdAvailable()
    ? null
    : engineOffersRelaxedSimd() && process.env.CNN_TS_NO_RELAXED !== '1'
      ? 'relaxed'
      : 'plain';
  assert.equal(simdBuild(), expected);
  // Set by test/relaxedSimd.test.ts when it runs this file with relaxed SIMD on or off.
  const asked = process.env.CNN_TS_EXPECT_SIMD_BUILD;
  if (asked !== undefined) assert.equal(simdBuild(), asked);
});

test('setRelaxedSimdEnabled(false) switches to the plain build, and back', () => {
  const before = simdBuild();
  const was = setRelaxedSimdEnabled(false);
  try {
    assert.equal(simdBuild(), simdAvailable() ? 'plain' : null);
  } finally {
    setRelaxedSimdEnabled(was);
  }
  assert.equal(simdBuild(), before);
});

test('initSimdKernels resolves to whether SIMD runs here', async () => {
  assert.equal(await initSimdKernels(), simdAvailable());
});

test('CNN_TS_NO_WASM=1 falls back to the TypeScript kernels and still trains', () => {
  const simdModule = new URL('../src/kernels/wasm/simd.js', import.meta.url).href;
  const arenaModule = new URL('../src/tensor/arena.js', import.meta.url).href;
  const modelModule = new URL('../src/model/sequential.js', import.meta.url).href;
  const presetModule = new URL('../src/presets.js', import.meta.url).href;
  const script = `
    const { simdAvailable } = await import('${simdModule}');
    const { allocateFloat32, inArena } = await import('${arenaModule}');
    const { Sequential } = await import('${modelModule}');
    const { tutorialPreset } = await import('${presetModule}');
    const model = new Sequential(tutorialPreset.spec);
    const x = { shape: [2, 28, 28, 1], data: new Float32Array(2 * 784).fill(0.25) };
    const logits = model.forward(x, true);
    console.log(JSON.stringify({ simd: simdAvailable(), arena: inArena(allocateFloat32(8)),
      finite: Array.from(logits.data).every(Number.isFinite) }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, CNN_TS_NO_WASM: '1' },
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out.trim()), { simd: false, arena: false, finite: true });
});

test('allocate puts float32 arrays in the arena, zeroed, and float64 on the heap', () => {
  const a = allocate('float32', 1000);
  assert.equal(inArena(a), simdAvailable());
  assert.ok(a.every((v) => v === 0));
  assert.ok(!inArena(allocate('float64', 10)));
  const b = allocateInt32(7);
  assert.equal(inArena(b), simdAvailable());
  // Two live arrays never share storage.
  const c = allocateFloat32(16);
  const d = allocateFloat32(16);
  c.fill(1);
  assert.ok(d.every((v) => v === 0));
});

test('matmul kernels equal the textbook loops on tile-edge and odd sizes', () => {
  const rng = new Random(11);
  const sizes = [
    [1, 1, 1],
    [1, 1352, 10],
    [4, 9, 8],
    [5, 7, 13],
    [9, 3, 17],
    [8, 16, 8],
    [3, 10, 1352],
    [13, 21, 6],
    // Wide (column blocks of 8, then 4, then 1) with a ragged bottom row pair.
    [6, 11, 29],
    // A's rows 4 KiB or more apart: the weight gradient copies strips of A (16, 4, then 1 wide)
    // and covers C in 32-column chunks.
    [5, 1030, 13],
    [4, 1040, 40],
  ];
  for (const [M, K, N] of sizes) {
    const A = gaussians(rng, M * K);
    const B = gaussians(rng, K * N);
    const Bt = gaussians(rng, N * K);
    const At = gaussians(rng, M * N);
    const C0 = gaussians(rng, M * N);
    const D0 = gaussians(rng, K * N);
    const nn = Float64Array.from(C0);
    matmulAccumulateReference(nn, A, B, M, K, N);
    const tn = Float64Array.from(D0);
    matmulTransAAccumulateReference(tn, A, At, M, K, N);
    const nt = Float64Array.from(C0);
    matmulTransBAccumulateReference(nt, A, Bt, M, K, N);
    for (const path of paths) {
      onPath(path, (make) => {
        const what = `${M}x${K}x${N}`;
        const c = make(C0);
        matmulAccumulate(c, 0, make(A), 0, make(B), 0, M, K, N);
        close(c, nn, path, `matmulAccumulate ${what}`);
        const d = make(D0);
        matmulTransAAccumulate(d, 0, make(A), 0, make(At), 0, M, K, N);
        close(d, tn, path, `matmulTransAAccumulate ${what}`);
        const e = make(C0);
        matmulTransBAccumulate(e, 0, make(A), 0, make(Bt), 0, M, K, N);
        close(e, nt, path, `matmulTransBAccumulate ${what}`);
      });
    }
  }
});

test('matmul kernels honour offsets into larger arrays', () => {
  const rng = new Random(12);
  const [M, K, N] = [5, 6, 9];
  const A = gaussians(rng, 3 + M * K);
  const B = gaussians(rng, 2 + K * N);
  const expected = new Float64Array(M * N);
  matmulAccumulateReference(expected, A.subarray(3), B.subarray(2), M, K, N);
  for (const path of paths) {
    onPath(path, (make) => {
      const c = make(new Float64Array(1 + M * N));
      matmulAccumulate(c, 1, make(A), 3, make(B), 2, M, K, N);
      assert.equal(c[0], 0, 'nothing written before the offset');
      close(c.subarray(1), expected, path, 'offset matmul');
    });
  }
});

interface ConvCase {
  batch: number;
  inShape: [number, number, number];
  outC: number;
  k: number;
  stride: number;
  padding: Padding;
}

function convCases(): ConvCase[] {
  const cases: ConvCase[] = [
    { batch: 1, inShape: [28, 28, 1], outC: 8, k: 3, stride: 1, padding: 'valid' },
    { batch: 2, inShape: [7, 5, 3], outC: 5, k: 3, stride: 1, padding: 'valid' },
    { batch: 1, inShape: [8, 8, 4], outC: 8, k: 3, stride: 2, padding: 'same' },
    { batch: 3, inShape: [9, 6, 2], outC: 6, k: 2, stride: 2, padding: 'same' },
    { batch: 1, inShape: [5, 5, 1], outC: 3, k: 5, stride: 1, padding: 'same' },
    { batch: 2, inShape: [11, 11, 8], outC: 12, k: 3, stride: 1, padding: 1 },
    { batch: 2, inShape: [13, 10, 7], outC: 9, k: 3, stride: 2, padding: 'valid' },
    // Wide outputs (>= 16 channels) take the SIMD column-block order; 21 leaves a ragged tail.
    { batch: 2, inShape: [10, 9, 12], outC: 21, k: 3, stride: 1, padding: 'valid' },
    { batch: 1, inShape: [9, 11, 5], outC: 32, k: 3, stride: 1, padding: 'same' },
    // Padding wider than stride-3 1x1 windows need: the padded copy outgrows cols, so im2col runs.
    { batch: 2, inShape: [7, 7, 3], outC: 5, k: 1, stride: 3, padding: 1 },
    // The last input row and column lie beyond every window: the padded copy leaves them out.
    { batch: 1, inShape: [12, 12, 2], outC: 6, k: 3, stride: 3, padding: 1 },
  ];
  const rng = new Random(5);
  for (let i = 0; i < 12; i++) {
    const k = 1 + rng.int(4);
    const stride = 1 + rng.int(2);
    const padding: Padding = (['valid', 'same', 1] as const)[rng.int(3)];
    const h = k + rng.int(9);
    const w = k + rng.int(9);
    cases.push({
      batch: 1 + rng.int(3),
      inShape: [h, w, 1 + rng.int(9)],
      outC: 1 + rng.int(17),
      k,
      stride,
      padding,
    });
  }
  return cases;
}

test('conv2d forward, backward-input and backward-filter equal the reference', () => {
  const rng = new Random(21);
  for (const c of convCases()) {
    const g: ConvGeometry = convGeometry(c.batch, c.inShape, c.outC, c.k, c.k, c.stride, c.padding);
    const inLen = g.batch * g.inH * g.inW * g.inC;
    const outLen = g.batch * g.outH * g.outW * g.outC;
    const x = gaussians(rng, inLen);
    const f = gaussians(rng, c.k * c.k * g.inC * g.outC);
    const bias = gaussians(rng, g.outC);
    const dOut = gaussians(rng, outLen);
    const df0 = gaussians(rng, f.length);
    const db0 = gaussians(rng, g.outC);
    const out = new Float64Array(outLen);
    conv2dForwardReference(out, x, f, bias, g);
    const dIn = new Float64Array(inLen);
    conv2dBackwardInputReference(dIn, dOut, f, g);
    const df = Float64Array.from(df0);
    const db = Float64Array.from(db0);
    conv2dBackwardFilterReference(df, db, dOut, x, g);
    const what = `${JSON.stringify(c)}`;
    // 3x3 stride-1 convolutions with enough channels run Winograd's algorithm on the SIMD path.
    const tile = winogradTileSize(g);
    for (const path of paths) {
      const tol = path === 'simd-float32' && tile !== 0 ? WINOGRAD_TOLERANCE[tile] : TOL[path];
      onPath(path, (make) => {
        const cols = make(new Float64Array(im2colLength(g)));
        const o = make(new Float64Array(outLen));
        conv2dForward(o, make(x), make(f), make(bias), g, cols);
        close(o, out, path, `conv2dForward ${what}`, tol);
        const di = make(new Float64Array(inLen).fill(7)); // stale values must be overwritten
        conv2dBackwardInput(di, make(dOut), make(f), g, cols);
        close(di, dIn, path, `conv2dBackwardInput ${what}`, tol);
        const dfa = make(df0);
        const dba = make(db0);
        conv2dBackwardFilter(dfa, dba, make(dOut), make(x), g, cols);
        close(dfa, df, path, `conv2dBackwardFilter ${what}`, tol);
        close(dba, db, path, `conv2dBackwardFilter bias ${what}`);
      });
    }
  }
});

test('max-pool forward and both backward rules equal the reference, ties included', () => {
  const rng = new Random(31);
  const cases: [number, [number, number, number], number, number][] = [
    [1, [26, 26, 8], 2, 2],
    [2, [7, 9, 3], 2, 2],
    [1, [9, 9, 5], 3, 2],
    [3, [6, 5, 4], 3, 3],
    [1, [5, 8, 1], 2, 1],
    // 2 x 2 windows with channels past a multiple of 4 (vectors, then single channels).
    [2, [6, 7, 6], 2, 2],
    [3, [5, 5, 7], 2, 2],
  ];
  for (const [batch, shape, size, stride] of cases) {
    const g = convGeometry(batch, shape, shape[2], size, size, stride, 'valid');
    const inLen = batch * shape[0] * shape[1] * shape[2];
    const outLen = batch * g.outH * g.outW * g.outC;
    // Small integers make ties common, which is what the two backward rules differ on.
    const x = Float64Array.from({ length: inLen }, () => rng.int(4));
    const dOut = gaussians(rng, outLen);
    const out = new Float64Array(outLen);
    maxPoolForwardReference(out, x, g);
    const dFirst = new Float64Array(inLen);
    maxPoolBackwardReference(dFirst, dOut, x, 'first', g);
    const dAll = new Float64Array(inLen);
    maxPoolBackwardReference(dAll, dOut, x, 'all', g);
    for (const path of paths) {
      onPath(path, (make) => {
        const what = `${batch}x${shape.join('x')} pool ${size}/${stride}`;
        const o = make(new Float64Array(outLen));
        const argmax = path === 'simd-float32' ? allocateInt32(outLen) : new Int32Array(outLen);
        const xa = make(x);
        maxPoolForward(o, argmax, xa, g);
        close(o, out, path, `maxPoolForward ${what}`);
        const d1 = make(new Float64Array(inLen).fill(3));
        maxPoolBackwardFirst(d1, make(dOut), argmax, g);
        close(d1, dFirst, path, `maxPoolBackwardFirst ${what}`);
        const d2 = make(new Float64Array(inLen).fill(3));
        maxPoolBackwardAllTies(d2, make(dOut), xa, o, g);
        close(d2, dAll, path, `maxPoolBackwardAllTies ${what}`);
      });
    }
  }
});

test('dense forward and backward equal the reference', () => {
  const rng = new Random(41);
  for (const [N, I, U] of [
    [1, 1352, 10],
    [3, 7, 13],
    [5, 1, 1],
    [4, 33, 8],
    [2, 9, 128],
    // 1024 inputs or more (strips of inputs copied for the weight gradient), odd batch and units.
    [6, 1030, 13],
    [3, 1027, 35],
  ]) {
    const x = gaussians(rng, N * I);
    const w = gaussians(rng, I * U);
    const b = gaussians(rng, U);
    const dOut = gaussians(rng, N * U);
    const dw0 = gaussians(rng, I * U);
    const db0 = gaussians(rng, U);
    const out = new Float64Array(N * U);
    denseForwardReference(out, x, w, b, N, I, U);
    const dIn = new Float64Array(N * I);
    const dw = Float64Array.from(dw0);
    const db = Float64Array.from(db0);
    denseBackwardReference(dIn, dw, db, dOut, x, w, N, I, U);
    for (const path of paths) {
      onPath(path, (make) => {
        const what = `${N}x${I}->${U}`;
        const o = make(new Float64Array(N * U));
        denseForward(o, make(x), make(w), make(b), N, I, U);
        close(o, out, path, `denseForward ${what}`);
        const dwa = make(dw0);
        const dba = make(db0);
        denseBackwardParams(dwa, dba, make(dOut), make(x), N, I, U);
        close(dwa, dw, path, `denseBackwardParams ${what}`);
        close(dba, db, path, `denseBackwardParams bias ${what}`);
        const di = make(new Float64Array(N * I).fill(5));
        denseBackwardInput(di, make(dOut), make(w), N, I, U);
        close(di, dIn, path, `denseBackwardInput ${what}`);
      });
    }
  }
});

test('fused softmax cross-entropy equals the tutorial formulation', () => {
  const rng = new Random(51);
  const N = 4;
  const C = 10;
  const logits = gaussians(rng, N * C);
  const labels = [3, 0, 9, 5];
  for (const path of paths) {
    onPath(path, (make) => {
      const probs = make(new Float64Array(N * C));
      const grad = make(new Float64Array(N * C));
      const total = softmaxCrossEntropy(probs, grad, make(logits), labels, N, C, 1);
      let expectedTotal = 0;
      for (let n = 0; n < N; n++) {
        const ref = tutorialSoftmaxCrossEntropy(logits.subarray(n * C, (n + 1) * C), labels[n]);
        expectedTotal += ref.loss;
        close(probs.subarray(n * C, (n + 1) * C), ref.probs, path, 'probs');
        close(grad.subarray(n * C, (n + 1) * C), ref.dLogits, path, 'dLogits');
      }
      assert.ok(Math.abs(total - expectedTotal) < 1e-5 * expectedTotal, `loss on ${path}`);
    });
  }
});

test('relu forward and backward equal the reference exactly, zeros and tails included', () => {
  const rng = new Random(67);
  for (const n of [1, 3, 4, 13, 1352]) {
    // Every fourth value exactly 0 or -0: the subgradient there is 0, and max(-0, 0) is +0.
    const x = gaussians(rng, n).map((v, i) => (i % 4 === 1 ? 0 : i % 4 === 3 ? -0 : v));
    const dOut = gaussians(rng, n);
    const forward = activationForwardReference('relu', x, 0);
    const backward = activationBackwardReference('relu', dOut, x, 0);
    for (const path of paths) {
      onPath(path, (make) => {
        const out = make(new Float64Array(n + 1).fill(7));
        const dIn = make(new Float64Array(n + 1).fill(7));
        const xs = make(x);
        const ds = make(dOut);
        activationKernels.relu.forward(out, xs, n, 0);
        activationKernels.relu.backward(dIn, ds, xs, out, n, 0);
        // Rounded to the path's precision; + 0 because the reference's 0 * dOut may be -0.
        const values = (a: ArrayLike<number>) =>
          Array.from(path === 'ts-float64' ? a : Float32Array.from(a), (v) => v + 0).slice(0, n);
        assert.deepEqual(values(out), values(forward), `relu forward n=${n} ${path}`);
        assert.deepEqual(values(dIn), values(backward), `relu backward n=${n} ${path}`);
        assert.equal(out[n], 7, 'nothing written past length');
        assert.equal(dIn[n], 7, 'nothing written past length');
      });
    }
  }
});

test('sgdUpdate steps every weight and zeroes the gradient, tails included', () => {
  const rng = new Random(61);
  for (const n of [1, 3, 4, 13, 1352]) {
    const v = gaussians(rng, n);
    const g = gaussians(rng, n);
    const expected = v.map((x, i) => x - 0.01 * g[i]);
    for (const path of paths) {
      onPath(path, (make) => {
        const va = make(v);
        const ga = make(g);
        sgdUpdate(va, ga, 0.01);
        close(va, expected, path, `sgdUpdate n=${n}`);
        assert.ok(
          ga.every((x) => x === 0),
          'gradient zeroed',
        );
      });
    }
  }
});

test('adamUpdate: the SIMD path gives the bits of the TypeScript float32 path; both match a worked step', () => {
  const rng = new Random(62);
  const steps: AdamStep[] = [
    // Adam at step 1, Adam with L2 at step 7, AdamW at step 300 (tiny bias corrections).
    {
      beta1: 0.9,
      beta2: 0.999,
      c1: 0.1,
      c2: 0.001,
      epsilon: 1e-8,
      learningRate: 0.01,
      l2: 0,
      shrink: 1,
    },
    {
      beta1: 0.9,
      beta2: 0.999,
      c1: 1 - 0.9 ** 7,
      c2: 1 - 0.999 ** 7,
      epsilon: 1e-8,
      learningRate: 0.003,
      l2: 0.01,
      shrink: 1,
    },
    {
      beta1: 0.8,
      beta2: 0.99,
      c1: 1 - 0.8 ** 300,
      c2: 1 - 0.99 ** 300,
      epsilon: 1e-6,
      learningRate: 0.002,
      l2: 0,
      shrink: 1 - 0.002 * 0.05,
    },
  ];
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 13, 1352]) {
    for (const s of steps) {
      const value = gaussians(rng, n);
      const grad = gaussians(rng, n).map((g) => g * 0.1);
      const m = gaussians(rng, n).map((x) => x * 0.01);
      const v = gaussians(rng, n).map((x) => x * x * 1e-4);
      // The worked step, in float64 from the float32-rounded inputs, moments rounded as stored.
      const f = Math.fround;
      const want = Array.from(value, (w0, i) => {
        const w = f(w0);
        const g = f(grad[i]) + s.l2 * w;
        const mi = f(s.beta1 * f(m[i]) + (1 - s.beta1) * g);
        const vi = f(s.beta2 * f(v[i]) + (1 - s.beta2) * g * g);
        return f(
          w * s.shrink - (s.learningRate * (mi / s.c1)) / (Math.sqrt(vi / s.c2) + s.epsilon),
        );
      });
      const results: Record<string, number[]> = {};
      for (const path of paths) {
        onPath(path, (make) => {
          const [va, ga, ma, vva] = [make(value), make(grad), make(m), make(v)];
          adamUpdate(va, ga, ma, vva, s);
          assert.ok(
            ga.every((x) => x === 0),
            'gradient zeroed',
          );
          results[path] = Array.from(va);
          if (path !== 'ts-float64') {
            assert.deepEqual(results[path], want, `adamUpdate n=${n} on ${path}: the worked step`);
          } else close(va, want, path, `adamUpdate n=${n}`, 1e-6);
        });
      }
      if (results['simd-float32'])
        assert.deepEqual(results['simd-float32'], results['ts-float32'], `n=${n}: same bits`);
    }
  }
});

test('batch norm kernels match the reference twin on every path, the SIMD one bit for bit', () => {
  const rng = new Random(11);
  // [rows, C]: channel counts below, at and past the 4-wide vectors, one to a few rows.
  for (const [rows, C] of [
    [37, 5],
    [1, 3],
    [3, 1],
    [3, 7],
    [50, 16],
    [9, 6],
    [4, 130],
  ]) {
    const x = Float64Array.from(randomArray(rng, rows * C, 'float32', 3), (v, i) => v + (i % C));
    const gamma = Float64Array.from(randomArray(rng, C, 'float32'));
    const beta = Float64Array.from(randomArray(rng, C, 'float32'));
    const dOut = Float64Array.from(randomArray(rng, rows * C, 'float32'));
    const runningMean = Float64Array.from(randomArray(rng, C, 'float32'));
    const runningVar = Float64Array.from({ length: C }, () => Math.fround(0.5 + rng.uniform()));
    const ref = batchNormTrainingReference(x, gamma, beta, rows, C, 1e-5);
    const refB = batchNormBackwardReference(dOut, x, gamma, rows, C, 1e-5);
    const refI = batchNormInferenceReference(
      x,
      dOut,
      gamma,
      beta,
      runningMean,
      runningVar,
      rows,
      C,
      1e-5,
    );
    const results = new Map<Path, FloatArray[]>();
    // dx cancels to a few ulps of dy where rows are few: looser than close()'s sums.
    const near = (
      actual: ArrayLike<number>,
      expected: ArrayLike<number>,
      path: Path,
      what: string,
    ) => {
      const err = relativeError(actual, expected);
      const tol = path === 'ts-float64' ? 1e-10 : 1e-5;
      assert.ok(err <= tol, `${what} on ${path}: relative error ${err} > ${tol}`);
    };
    for (const path of paths) {
      onPath(path, (make) => {
        const what = `${rows}x${C}`;
        const [out, xhat, dIn, outI] = [0, 1, 2, 3].map(() => make(new Float64Array(rows * C)));
        const [mean, variance, invStd] = [0, 1, 2].map(() => make(new Float64Array(C)));
        const dGamma = make(new Float64Array(C).fill(1));
        const dBeta = make(new Float64Array(C).fill(2));
        const xa = make(x);
        const [g, b] = [make(gamma), make(beta)];
        batchNormForwardTraining(out, xhat, mean, variance, invStd, xa, g, b, rows, C, 1e-5);
        near(out, ref.out, path, `bn out ${what}`);
        near(mean, ref.mean, path, `bn mean ${what}`);
        near(variance, ref.variance, path, `bn variance ${what}`);
        batchNormBackward(dIn, dGamma, dBeta, make(dOut), xhat, invStd, g, rows, C);
        near(dIn, refB.dIn, path, `bn dIn ${what}`);
        near(
          dGamma.map((v) => v - 1),
          refB.dGamma,
          path,
          `bn dGamma ${what}`,
        );
        near(
          dBeta.map((v) => v - 2),
          refB.dBeta,
          path,
          `bn dBeta ${what}`,
        );
        const [rm, rv] = [make(runningMean), make(runningVar)];
        batchNormForwardInference(outI, xa, g, b, rm, rv, rows, C, 1e-5);
        near(outI, refI.out, path, `bn inference out ${what}`);
        results.set(path, [out, xhat, mean, variance, invStd, dIn, dGamma, dBeta, outI]);
      });
    }
    const simd = results.get('simd-float32');
    const ts = results.get('ts-float32') as FloatArray[];
    for (const [k, a] of (simd ?? []).entries()) {
      assert.deepStrictEqual(a, ts[k], `bn ${rows}x${C}: SIMD result ${k} differs`);
    }
  }
});

test('average pooling kernels match the reference twin, windows 2/2, 3/2 and global', () => {
  const rng = new Random(12);
  for (const [k, s] of [
    [2, 2],
    [3, 2],
    [6, 1],
  ]) {
    const g = convGeometry(2, [6, 6, 3], 3, k, k, s, 'valid');
    const x = randomArray(rng, 2 * 6 * 6 * 3);
    const out = new Float64Array(2 * g.outH * g.outW * 3);
    avgPoolForward(out, x, g);
    assertClose(out, avgPoolForwardReference(x, g), 1e-12, 1e-12, `avgpool ${k}/${s} out`);
    const dOut = randomArray(rng, out.length);
    const dIn = new Float64Array(x.length);
    avgPoolBackward(dIn, dOut, g);
    assertClose(dIn, avgPoolBackwardReference(dOut, g), 1e-12, 1e-12, `avgpool ${k}/${s} dIn`);
  }
});

test('depthwise conv2d forward, backward-input and backward-filter equal the reference', () => {
  const rng = new Random(71);
  for (const c of convCases()) {
    const M = 1 + (c.outC % 3);
    const g = convGeometry(c.batch, c.inShape, c.inShape[2] * M, c.k, c.k, c.stride, c.padding);
    const x = gaussians(rng, g.batch * g.inH * g.inW * g.inC);
    const f = gaussians(rng, c.k * c.k * g.outC);
    const bias = gaussians(rng, g.outC);
    const dOut = gaussians(rng, g.batch * g.outH * g.outW * g.outC);
    const df0 = gaussians(rng, f.length);
    const db0 = gaussians(rng, g.outC);
    const out = depthwiseConv2dForwardReference(x, f, bias, g, M);
    const dIn = depthwiseConv2dBackwardInputReference(dOut, f, g, M);
    const ref = depthwiseConv2dBackwardFilterReference(dOut, x, g, M);
    const what = `${JSON.stringify(c)} multiplier ${M}`;
    for (const path of paths) {
      onPath(path, (make) => {
        const o = make(new Float64Array(out.length).fill(9)); // stale values must be overwritten
        depthwiseConv2dForward(o, make(x), make(f), make(bias), g, M);
        close(o, out, path, `depthwiseConv2dForward ${what}`);
        const di = make(new Float64Array(x.length).fill(7));
        depthwiseConv2dBackwardInput(di, make(dOut), make(f), g, M);
        close(di, dIn, path, `depthwiseConv2dBackwardInput ${what}`);
        const dfa = make(df0);
        const dba = make(db0);
        depthwiseConv2dBackwardFilter(dfa, dba, make(dOut), make(x), g, M);
        close(
          dfa,
          df0.map((v, i) => v + ref.dFilters[i]),
          path,
          `depthwise dFilters ${what}`,
        );
        close(
          dba,
          db0.map((v, i) => v + ref.dBias[i]),
          path,
          `depthwise dBias ${what}`,
        );
      });
    }
  }
});
