/**
 * The plain SGD update as a kernel: value -= learningRate * grad, then grad = 0 for the next
 * accumulation. At batch size 1 this touches every weight once per sample, which in plain
 * TypeScript cost as much as the whole forward pass; the SIMD path is about 10x faster.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { simdFor } from './wasm/simd.js';

export function sgdUpdate(value: FloatArray, grad: FloatArray, learningRate: number): void {
  const simd = simdFor(value, grad);
  if (simd !== null) {
    simd.sgdUpdate(value.byteOffset, grad.byteOffset, value.length, learningRate);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    value[i] -= learningRate * grad[i];
    grad[i] = 0;
  }
}
