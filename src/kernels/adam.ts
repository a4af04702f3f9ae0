/**
 * The Adam / AdamW update of one parameter tensor as a kernel (the rule is in
 * src/optim/adam.ts): per weight, in float64 from the float32 (or float64) arrays,
 *   g = grad + l2 * value
 *   m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g * g   (stored, then read back)
 *   value = value * shrink - (lr * (m / c1)) / (sqrt(v / c2) + eps);  grad = 0
 * Its three divisions and square root per weight made it the largest serial part of a step of
 * the `best` net (1.06 ms for 154,000 weights); the SIMD twin (wasm/adam.ts) runs the same
 * operations in the same order two weights at a time, so both paths give the same bits.
 */
import { allocateFloat64 } from '../tensor/arena.js';
import type { FloatArray } from '../tensor/tensor.js';
import { simdFor } from './wasm/simd.js';

/** One step's constants: betas, bias corrections c = 1 - beta^t, epsilon, rate and decays. */
export interface AdamStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly c1: number;
  readonly c2: number;
  readonly epsilon: number;
  readonly learningRate: number;
  /** Weight decay added to the gradient (Adam's L2), 0 for none. */
  readonly l2: number;
  /** Factor the weight is multiplied by first (AdamW's 1 - lr * decay), 1 for none. */
  readonly shrink: number;
}

/** The SIMD kernel's ten float64 constants, in the arena. */
let constants: Float64Array | null = null;

/** One Adam step of `value` with its gradient and moments m, v; zeroes the gradient. */
export function adamUpdate(
  value: FloatArray,
  grad: FloatArray,
  m: FloatArray,
  v: FloatArray,
  s: AdamStep,
): void {
  const { beta1: b1, beta2: b2, c1, c2, epsilon: eps, learningRate: lr, l2, shrink } = s;
  const simd = simdFor(value, grad, m, v);
  if (
    simd !== null &&
    value instanceof Float32Array &&
    grad instanceof Float32Array &&
    m instanceof Float32Array &&
    v instanceof Float32Array
  ) {
    const c = simdConstants();
    if (c !== null) {
      c[0] = b1;
      c[1] = 1 - b1;
      c[2] = b2;
      c[3] = 1 - b2;
      c[4] = c1;
      c[5] = c2;
      c[6] = eps;
      c[7] = lr;
      c[8] = l2;
      c[9] = shrink;
      simd.adamUpdate(
        value.byteOffset,
        grad.byteOffset,
        m.byteOffset,
        v.byteOffset,
        value.length,
        c.byteOffset,
      );
      return;
    }
  }
  for (let i = 0; i < value.length; i++) {
    const g = grad[i] + l2 * value[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    value[i] = value[i] * shrink - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    grad[i] = 0;
  }
}

function simdConstants(): Float64Array | null {
  constants ??= allocateFloat64(10);
  return simdFor(constants) === null ? null : constants;
}
