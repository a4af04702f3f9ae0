/**
 * Shared test helpers: seeded random arrays, closeness checks with useful failure messages, the
 * central-difference gradient check and the TensorFlow.js cross-check.
 */
import assert from 'node:assert/strict';
import type * as TF from '@tensorflow/tfjs';
import { requirePeer } from '../peers/load.js';
import type { Layer } from '../src/layers/layer.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import type { Sequential } from '../src/model/sequential.js';
import type { Random } from '../src/random/prng.js';
import { type FloatArray, sizeOf, type Tensor } from '../src/tensor/tensor.js';

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

/**
 * Largest error allowed for Winograd convolution (src/kernels/winograd.ts) F(2x2) and F(4x4),
 * relative to the largest exact value (as relativeError measures).
 * The direct float32 kernels stay within 3e-6. Winograd adds the rounding of its transforms,
 * whose entries reach 5 (B^T) and 8 (A^T) for F(4x4): values grow by up to ~10x inside a tile
 * (B^T's rows sum to 10 in absolute value) before the output transform cancels them again, so
 * float32's 6e-8 rounding becomes ~1e-6-1e-5 of the result. F(2x2)'s entries are 0 and +-1 and
 * +-1/2: its error stays at the direct kernels' level. Measured on the Keras-style and `best`
 * nets' shapes: up to 6.1e-6 for F(4x4), 4e-7 for F(2x2) (docs/benchmarks.md, "Winograd
 * convolution"); the limits leave 5x room.
 */
export const WINOGRAD_TOLERANCE: Record<2 | 4, number> = { 2: 3e-6, 4: 3e-5 };

/** The one step and tolerance of every central-difference gradient check (float64). */
export const GRADIENT_STEP = 1e-5;
export const GRADIENT_TOLERANCE = 1e-6;

/**
 * Checks analytic[i] against (L(v + h) - L(v - h)) / 2h for every element v = values[i]:
 * |numeric - analytic| <= GRADIENT_TOLERANCE * max(1, |numeric|, |analytic|).
 */
export function checkNumericGradient(
  values: FloatArray,
  analytic: ArrayLike<number>,
  loss: () => number,
  what: string,
): void {
  assert.equal(analytic.length, values.length, `${what}: gradient length`);
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + GRADIENT_STEP;
    const plus = loss();
    values[i] = saved - GRADIENT_STEP;
    const minus = loss();
    values[i] = saved;
    const numeric = (plus - minus) / (2 * GRADIENT_STEP);
    const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
    if (!(Math.abs(numeric - analytic[i]) <= GRADIENT_TOLERANCE * scale))
      assert.fail(`${what}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Central-difference check of a float64 layer at input x: dInput and every parameter gradient
 * of L = sum(forward(x) * R), R random; then a second backward must add the same gradients
 * again (they accumulate). `beforeForward` runs before every forward (dropout resets its
 * generator there, so every forward draws the same mask).
 */
export function gradientCheck(
  layer: Layer,
  x: Tensor,
  rng: Random,
  training = true,
  beforeForward: () => void = () => {},
): void {
  const forward = () => {
    beforeForward();
    return layer.forward(x, training);
  };
  const out = forward();
  const R = randomArray(rng, out.data.length);
  const dOut: Tensor = { shape: out.shape, data: R };
  const loss = () => dot(forward().data, R);
  for (const p of layer.params()) p.grad.fill(0);
  forward();
  const dIn = Float64Array.from(layer.backward(dOut).data);
  const grads = layer.params().map((p) => ({ p, grad: Float64Array.from(p.grad) }));
  checkNumericGradient(x.data, dIn, loss, `${layer.kind} dInput`);
  for (const { p, grad } of grads)
    checkNumericGradient(p.value, grad, loss, `${layer.kind} d${p.name}`);
  forward();
  layer.backward(dOut);
  for (const { p, grad } of grads) {
    for (let i = 0; i < grad.length; i++)
      assert.ok(Math.abs(p.grad[i] - 2 * grad[i]) < 1e-9, `${layer.kind} ${p.name} accumulates`);
  }
}

/** Gaussian values rounded to float32, so float64 code and a float32 peer see identical numbers. */
export function randomF32(rng: Random, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.fround(rng.gaussian() * scale);
  return a;
}

/** TensorFlow.js on its pure-JS cpu backend, from peers/ (loaded on first use). */
let tfjs: typeof TF | null = null;
export async function loadTfjs(): Promise<typeof TF> {
  if (!tfjs) {
    const tf = requirePeer<typeof TF>('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    tfjs = tf;
  }
  return tfjs;
}

/** The cross-checks' tolerance: float32 TF.js against our float64 on float32-exact values. */
export const TFJS_TOLERANCE = 1e-4;

export function expectCloseToTfjs(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const err = relativeError(actual, expected);
  assert.ok(err <= TFJS_TOLERANCE, `${what}: relative error ${err} > ${TFJS_TOLERANCE}`);
}

/**
 * Runs `layer` (float64; forward in `training` mode, then backward with dOut = w) and
 * `tfForward` on [x, ...params] in TF.js, and compares y, dL/dx and dL/dparam for each param,
 * for L = sum(y * w) with w random. The layer's parameters must hold float32-exact values.
 */
export function tfjsCrossCheck(
  tf: typeof TF,
  what: string,
  layer: Layer,
  x: Tensor,
  rng: Random,
  tfForward: (x: TF.Tensor, params: TF.Tensor[]) => TF.Tensor,
  training = true,
): void {
  const outShape = [x.shape[0], ...layer.outputShape];
  const w = randomF32(rng, sizeOf(outShape));
  const params = layer.params();
  for (const p of params) p.grad.fill(0);
  const y = Float64Array.from(layer.forward(x, training).data);
  const dIn = Float64Array.from(layer.backward({ shape: outShape, data: w }).data);
  const tensor = (data: ArrayLike<number>, shape: readonly number[]) =>
    tf.tensor(Float32Array.from(data), [...shape], 'float32');
  const tx = tensor(x.data, x.shape);
  const tw = tensor(w, outShape);
  const tparams = params.map((p) => tensor(p.value, p.shape));
  const ty = tfForward(tx, tparams);
  assert.deepEqual(ty.shape, outShape, `${what}: output shape`);
  expectCloseToTfjs(y, ty.dataSync(), `${what} output`);
  const grads = tf.grads((...args: TF.Tensor[]) =>
    tf.sum(tf.mul(tfForward(args[0], args.slice(1)), tw)),
  )([tx, ...tparams]);
  expectCloseToTfjs(dIn, grads[0].dataSync(), `${what} dInput`);
  params.forEach((p, i) => {
    expectCloseToTfjs(p.grad, grads[i + 1].dataSync(), `${what} d${p.name}`);
  });
  tf.dispose([tx, tw, ty, ...tparams, ...grads]);
}

/**
 * Central-difference check of every parameter gradient of a float64 model under the softmax
 * cross-entropy loss of `labels` at input x, in training mode. The model's noise generator is
 * reset before every forward, so dropout draws the same masks each time.
 */
export function modelGradientCheck(model: Sequential, x: Tensor, labels: number[]): void {
  const loss = new SoftmaxCrossEntropy('float64');
  const noiseState = model.noise.getState();
  const lossAt = () => {
    model.noise.setState(noiseState);
    return loss.forward(model.forward(x, true), labels);
  };
  model.zeroGradients();
  lossAt();
  model.backward(loss.backward());
  for (const p of model.params())
    checkNumericGradient(p.value, Float64Array.from(p.grad), lossAt, p.id);
}
