/**
 * The Adam / AdamW update of src/optim/adam.ts in f64x2 SIMD. The TypeScript update computes each
 * weight's step in float64 from float32 weights, gradients and moments, storing the moments as
 * float32 before it reads them back for the step; this does the same operations in the same
 * order, two weights per f64x2, so both give the same bits.
 *
 * Per weight i, with c = [b1, 1 - b1, b2, 1 - b2, c1, c2, eps, lr, l2, shrink] (f64):
 *   g = grad + l2 * value
 *   m = f32(b1 * m + (1 - b1) * g)
 *   v = f32(b2 * v + ((1 - b2) * g) * g)
 *   value = f32(value * shrink - (lr * (m / c1)) / (sqrt(v / c2) + eps)),  grad = 0
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { high, join, low } from './f64Lanes';

/** The update above over n weights; `consts` points at the ten f64 constants, in that order. */
export function adamUpdate(value: usize, grad: usize, m: usize, v: usize, n: i32, consts: usize): void {
  const b1 = v128.load64_splat(consts);
  const oneMinusB1 = v128.load64_splat(consts + 8);
  const b2 = v128.load64_splat(consts + 16);
  const oneMinusB2 = v128.load64_splat(consts + 24);
  const c1 = v128.load64_splat(consts + 32);
  const c2 = v128.load64_splat(consts + 40);
  const eps = v128.load64_splat(consts + 48);
  const lr = v128.load64_splat(consts + 56);
  const l2 = v128.load64_splat(consts + 64);
  const shrink = v128.load64_splat(consts + 72);
  const zeros = f32x4.splat(0);
  const bytes = (<usize>n) << 2;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const w = v128.load(value + i);
    const g = v128.load(grad + i);
    const mm = v128.load(m + i);
    const vv = v128.load(v + i);
    // Two f64x2 halves of four weights; the moments are rounded to f32 once both are done.
    const m0 = moment(b1, oneMinusB1, low(mm), gradient(low(g), l2, low(w)), false);
    const m1 = moment(b1, oneMinusB1, high(mm), gradient(high(g), l2, high(w)), false);
    const v0 = moment(b2, oneMinusB2, low(vv), gradient(low(g), l2, low(w)), true);
    const v1 = moment(b2, oneMinusB2, high(vv), gradient(high(g), l2, high(w)), true);
    const m32 = join(m0, m1);
    const v32 = join(v0, v1);
    v128.store(m + i, m32);
    v128.store(v + i, v32);
    const w0 = weight(low(w), shrink, lr, low(m32), c1, low(v32), c2, eps);
    const w1 = weight(high(w), shrink, lr, high(m32), c1, high(v32), c2, eps);
    v128.store(value + i, join(w0, w1));
    v128.store(grad + i, zeros);
  }
  // The last 1-3 weights one at a time, in lane 0.
  for (; i < bytes; i += 4) {
    const w = low(v128.load32_zero(value + i));
    const g = gradient(low(v128.load32_zero(grad + i)), l2, w);
    const m32 = join(moment(b1, oneMinusB1, low(v128.load32_zero(m + i)), g, false), f64x2.splat(0));
    const v32 = join(moment(b2, oneMinusB2, low(v128.load32_zero(v + i)), g, true), f64x2.splat(0));
    v128.store32_lane(m + i, m32, 0);
    v128.store32_lane(v + i, v32, 0);
    const w32 = join(weight(w, shrink, lr, low(m32), c1, low(v32), c2, eps), f64x2.splat(0));
    v128.store32_lane(value + i, w32, 0);
    store<f32>(grad + i, 0);
  }
}

/** grad + l2 * value. */
// @ts-ignore: decorator
@inline
function gradient(g: v128, l2: v128, w: v128): v128 {
  return f64x2.add(g, f64x2.mul(l2, w));
}

/** b * x + (1 - b) * g, or b * x + ((1 - b) * g) * g for the second moment. */
// @ts-ignore: decorator
@inline
function moment(b: v128, oneMinusB: v128, x: v128, g: v128, squared: bool): v128 {
  const t = f64x2.mul(oneMinusB, g);
  return f64x2.add(f64x2.mul(b, x), squared ? f64x2.mul(t, g) : t);
}

/** value * shrink - (lr * (m / c1)) / (sqrt(v / c2) + eps). */
// @ts-ignore: decorator
@inline
function weight(w: v128, shrink: v128, lr: v128, m: v128, c1: v128, v: v128, c2: v128, eps: v128): v128 {
  const step = f64x2.mul(lr, f64x2.div(m, c1));
  const denominator = f64x2.add(f64x2.sqrt(f64x2.div(v, c2)), eps);
  return f64x2.sub(f64x2.mul(w, shrink), f64x2.div(step, denominator));
}
