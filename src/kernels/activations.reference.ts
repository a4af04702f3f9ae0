/**
 * Reference twin of activations.ts: each activation's value and derivative written from its
 * definition for one number, with the derivative taken from x (the fast kernels may use y).
 */
import type { ActivationName } from './activations.js';

export interface ActivationFormula {
  value(x: number, param: number): number;
  derivative(x: number, param: number): number;
}

export const activationFormulas: Record<ActivationName, ActivationFormula> = {
  relu: { value: (x) => (x + Math.abs(x)) / 2, derivative: (x) => (x > 0 ? 1 : 0) },
  leakyRelu: {
    value: (x, slope) => Math.max(x, 0) + slope * Math.min(x, 0),
    derivative: (x, slope) => (x > 0 ? 1 : slope),
  },
  sigmoid: {
    value: (x) => 1 / (1 + Math.exp(-x)),
    derivative: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2,
  },
  tanh: {
    value: (x) => (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1),
    derivative: (x) => 1 / Math.cosh(x) ** 2,
  },
};

export function activationForwardReference(
  name: ActivationName,
  input: ArrayLike<number>,
  param: number,
): Float64Array {
  return Float64Array.from(input, (x) => activationFormulas[name].value(x, param));
}

export function activationBackwardReference(
  name: ActivationName,
  dOut: ArrayLike<number>,
  input: ArrayLike<number>,
  param: number,
): Float64Array {
  return Float64Array.from(
    input,
    (x, i) => dOut[i] * activationFormulas[name].derivative(x, param),
  );
}
