/** The plain SGD update of src/kernels/sgd.ts in f32 SIMD. */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** value -= lr * grad, then grad = 0, over n floats: the SGD step of src/kernels/sgd.ts. */
export function sgdUpdate(value: usize, grad: usize, n: i32, lr: f32): void {
  const rate = f32x4.splat(lr);
  const zeros = f32x4.splat(0);
  const bytes = (<usize>n) << 2;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    v128.store(value + i, f32x4.sub(v128.load(value + i), f32x4.mul(rate, v128.load(grad + i))));
    v128.store(grad + i, zeros);
  }
  for (; i < bytes; i += 4) {
    store<f32>(value + i, load<f32>(value + i) - lr * load<f32>(grad + i));
    store<f32>(grad + i, 0);
  }
}
