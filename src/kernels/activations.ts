/**
 * Elementwise activation kernels over flat arrays of any shape, one entry per activation. Each
 * backward gets both the input x and the output y = f(x), so a derivative can use whichever is
 * cheaper (sigmoid: y(1 - y)). `param` is the activation's one number (leakyRelu's slope); the
 * others ignore it. The reference twin, activations.reference.ts, writes each f and f' per value.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { simdFor } from './wasm/simd.js';

/** One activation's forward and backward pass over flat arrays. */
export interface ActivationKernel {
  /** out = f(input). Overwrites out. */
  forward(out: FloatArray, input: FloatArray, length: number, param: number): void;
  /** dIn = dOut * f'(input), with output = f(input). Overwrites dIn. */
  backward(
    dIn: FloatArray,
    dOut: FloatArray,
    input: FloatArray,
    output: FloatArray,
    length: number,
    param: number,
  ): void;
}

const kernels = {
  relu: {
    forward(out, input, length) {
      const simd = simdFor(out, input);
      if (simd !== null) return simd.reluForward(out.byteOffset, input.byteOffset, length);
      for (let i = 0; i < length; i++) out[i] = Math.max(input[i], 0);
    },
    /** The subgradient at 0 is 0, as in TF.js. */
    backward(dIn, dOut, input, _output, length) {
      const simd = simdFor(dIn, dOut, input);
      if (simd !== null)
        return simd.reluBackward(dIn.byteOffset, dOut.byteOffset, input.byteOffset, length);
      for (let i = 0; i < length; i++) dIn[i] = input[i] > 0 ? dOut[i] : 0;
    },
  },
  /** x where x > 0, else param * x (PyTorch's negative_slope, TF.js's alpha). */
  leakyRelu: {
    forward(out, input, length, slope) {
      for (let i = 0; i < length; i++) out[i] = input[i] > 0 ? input[i] : slope * input[i];
    },
    backward(dIn, dOut, input, _output, length, slope) {
      for (let i = 0; i < length; i++) dIn[i] = input[i] > 0 ? dOut[i] : slope * dOut[i];
    },
  },
  /** 1 / (1 + e^-x), written so that no exponential overflows; f' = y(1 - y). */
  sigmoid: {
    forward(out, input, length) {
      for (let i = 0; i < length; i++) {
        const x = input[i];
        if (x >= 0) out[i] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          out[i] = e / (1 + e);
        }
      }
    },
    backward(dIn, dOut, _input, output, length) {
      for (let i = 0; i < length; i++) dIn[i] = dOut[i] * output[i] * (1 - output[i]);
    },
  },
  /** Hyperbolic tangent; f' = 1 - y^2. */
  tanh: {
    forward(out, input, length) {
      for (let i = 0; i < length; i++) out[i] = Math.tanh(input[i]);
    },
    backward(dIn, dOut, _input, output, length) {
      for (let i = 0; i < length; i++) dIn[i] = dOut[i] * (1 - output[i] * output[i]);
    },
  },
} satisfies Record<string, ActivationKernel>;

/** The name of an activation: 'relu', 'leakyRelu', 'sigmoid' or 'tanh'. */
export type ActivationName = keyof typeof kernels;

/** The forward and backward kernels of each activation, by name. */
export const activationKernels: Record<ActivationName, ActivationKernel> = kernels;
