/**
 * Moving f32 values into and out of f64x2 lanes, for the kernels that compute in float64 from
 * float32 arrays (batchNorm.ts, adam.ts) as their TypeScript twins do.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** Lanes 0-1 of an f32x4 as f64x2. */
// @ts-ignore: decorator
@inline
export function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2-3 of an f32x4 as f64x2. */
// @ts-ignore: decorator
@inline
export function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded to one f32x4, a's lanes first. */
// @ts-ignore: decorator
@inline
export function join(a: v128, b: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}
