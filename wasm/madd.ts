/**
 * The one multiply-add of the kernels. scripts/buildWasm.mjs compiles every kernel twice: the
 * plain module (SIMD only) multiplies, rounds, then adds, as every engine with SIMD can; the
 * relaxed module (`--enable relaxed-simd`, which defines ASC_FEATURE_RELAXED_SIMD) may use
 * `f32x4.relaxed_madd` instead: one instruction per multiply-add where the core has a fused
 * multiply-add, rounded once, so its sums differ from the plain module's in the last bits.
 *
 * Fusing pays only where many independent sums are in flight. A fused multiply-add takes longer
 * to deliver its result than an add (4 cycles against 2 on an AMD Zen 5 core), so a loop that
 * waits on one or a few running sums slows down: in the relaxed module, a dense layer's forward
 * pass at batch size 1 (one 8-wide row tile, two running sums) ran at half the plain module's
 * speed when fused. Callers pass `fuse` true only where 8 or more sums run side by side, or
 * where no sum waits on the last (C updated in memory).
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** acc + x * w, lane by lane; fused in the relaxed module when `fuse` (a constant) is true. */
// @ts-ignore: decorator
@inline
export function madd(x: v128, w: v128, acc: v128, fuse: bool): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && fuse) return f32x4.relaxed_madd(x, w, acc);
  return f32x4.add(acc, f32x4.mul(x, w));
}
