/** The ReLU of src/kernels/activations.ts in f32 SIMD: the elementwise passes a conv net runs most. */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** out = max(input, 0) over n floats (NaN stays NaN, -0 becomes +0, as Math.max does). */
export function reluForward(out: usize, input: usize, n: i32): void {
  const zeros = f32x4.splat(0);
  const bytes = (<usize>n) << 2;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(out + i, f32x4.max(v128.load(input + i), zeros));
  for (; i < bytes; i += 4) store<f32>(out + i, max<f32>(load<f32>(input + i), 0));
}

/** dIn = input > 0 ? dOut : 0 over n floats (the subgradient at 0 is 0). */
export function reluBackward(dIn: usize, dOut: usize, input: usize, n: i32): void {
  const zeros = f32x4.splat(0);
  const bytes = (<usize>n) << 2;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const positive = f32x4.gt(v128.load(input + i), zeros);
    v128.store(dIn + i, v128.and(v128.load(dOut + i), positive));
  }
  for (; i < bytes; i += 4) store<f32>(dIn + i, load<f32>(input + i) > 0 ? load<f32>(dOut + i) : 0);
}
