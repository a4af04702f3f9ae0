/**
 * The WebAssembly SIMD ceiling of this core, for the GFLOP/s columns of the benchmarks: twelve
 * independent chains of 4-wide multiply + add on registers only, no memory traffic, so nothing
 * but the core's vector units limits it. Not a kernel of the engine.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** Runs `iterations` rounds of 12 f32x4 multiply-adds (96 FLOP each); returns a lane so none is dropped. */
export function simdPeakLoop(iterations: i32, seed: f32): f32 {
  const m = f32x4.splat(0.999999);
  const c = f32x4.splat(0.000001);
  let a0 = f32x4.splat(seed), a1 = f32x4.splat(seed + 1), a2 = f32x4.splat(seed + 2);
  let a3 = f32x4.splat(seed + 3), a4 = f32x4.splat(seed + 4), a5 = f32x4.splat(seed + 5);
  let a6 = f32x4.splat(seed + 6), a7 = f32x4.splat(seed + 7), a8 = f32x4.splat(seed + 8);
  let a9 = f32x4.splat(seed + 9), a10 = f32x4.splat(seed + 10), a11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c);
    a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c);
    a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c);
    a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c);
    a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c);
    a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c);
    a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5));
  const t = f32x4.add(f32x4.add(f32x4.add(a6, a7), f32x4.add(a8, a9)), f32x4.add(a10, a11));
  return f32x4.extract_lane(f32x4.add(s, t), 0);
}
