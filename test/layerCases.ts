/**
 * The table of layer cases: one row per layer type in the registry, each with the configs and
 * input shapes to try, the layer written with the kernels' reference twins (null for a layer
 * without a kernel) and the same function in TF.js (null where TF.js has no such layer).
 * test/layerCases.test.ts runs every case through the float64 gradient check, the twin and
 * TF.js, and saves and reloads a model holding the layer. The type below makes the compiler ask
 * for a row when a layer joins the registry; a new layer is one row.
 */
import type * as TF from '@tensorflow/tfjs';
import type { activationKernels } from '../src/kernels/activations.js';
import {
  activationBackwardReference,
  activationForwardReference,
} from '../src/kernels/activations.reference.js';
import {
  avgPoolBackwardReference,
  avgPoolForwardReference,
} from '../src/kernels/avgPool2d.reference.js';
import {
  batchNormBackwardReference,
  batchNormInferenceReference,
  batchNormTrainingReference,
} from '../src/kernels/batchNorm.reference.js';
import {
  conv2dBackwardFilterReference,
  conv2dBackwardInputReference,
  conv2dForwardReference,
} from '../src/kernels/conv2d.reference.js';
import { type ConvGeometry, convGeometry, type Padding } from '../src/kernels/convGeometry.js';
import { denseBackwardReference, denseForwardReference } from '../src/kernels/dense.reference.js';
import {
  depthwiseConv2dBackwardFilterReference,
  depthwiseConv2dBackwardInputReference,
  depthwiseConv2dForwardReference,
} from '../src/kernels/depthwiseConv2d.reference.js';
import {
  maxPoolBackwardReference,
  maxPoolForwardReference,
} from '../src/kernels/maxPool2d.reference.js';
import type { Layer } from '../src/layers/layer.js';
import type { LayerSpecOf, LayerType } from '../src/layers/registry.js';
import type { Random } from '../src/random/prng.js';
import { type FloatArray, sizeOf } from '../src/tensor/tensor.js';
import { randomF32 } from './helpers.js';

export interface LayerCase<S> {
  spec: S;
  /** One input's shape, without the batch dimension. */
  input: number[];
  batch: number;
  /** The output shape the layer must infer, when the case is about shapes. */
  output?: number[];
  /** Forward in training mode (default true). */
  training?: boolean;
  /** Sets what random parameters do not (batch norm's running statistics). */
  prepare?: (layer: Layer, rng: Random) => void;
}

/** What a twin gets: the case's input, the layer's tensors by name, and dL/dy. */
export interface TwinInput<S> {
  spec: S;
  inputShape: number[];
  batch: number;
  training: boolean;
  x: FloatArray;
  params: Record<string, FloatArray>;
  state: Record<string, FloatArray>;
  dOut: FloatArray;
}

export interface TwinOutput {
  out: ArrayLike<number>;
  dIn: ArrayLike<number>;
  /** dL/dparam for every parameter, by name. */
  grads: Record<string, ArrayLike<number>>;
}

export interface LayerRow<S> {
  cases: LayerCase<S>[];
  /** Bad configs and the one-line message each must get, naming the layer (here layer 1). */
  invalid?: { config: Record<string, unknown>; message: string }[];
  /** The layer computed with the reference twins of its kernels; null: no kernel of its own. */
  twin: ((t: TwinInput<S>) => TwinOutput) | null;
  /** The same function in TF.js on the input and the parameters in `params()` order. */
  tf:
    | ((
        tf: typeof TF,
        x: TF.Tensor,
        params: TF.Tensor[],
        c: { spec: S; training: boolean; state: Record<string, TF.Tensor> },
      ) => TF.Tensor)
    | null;
}

const zeros = (n: number) => new Float64Array(n);

function convSpecGeometry(
  spec: { kernelSize: number; stride?: number; padding?: Padding },
  inputShape: number[],
  batch: number,
  outC: number,
): ConvGeometry {
  const k = spec.kernelSize;
  return convGeometry(batch, inputShape, outC, k, k, spec.stride ?? 1, spec.padding ?? 'valid');
}

function poolGeometry(
  spec: { poolSize?: number; stride?: number },
  inputShape: number[],
  batch: number,
): ConvGeometry {
  const size = spec.poolSize ?? 2;
  return convGeometry(batch, inputShape, inputShape[2], size, size, spec.stride ?? size, 'valid');
}

function withBias(
  grads: Record<string, ArrayLike<number>>,
  dBias: ArrayLike<number> | null,
): Record<string, ArrayLike<number>> {
  return dBias ? { ...grads, bias: dBias } : grads;
}

/** The activations' row: the kernel table's entry against its per-value reference formula. */
function activationRow<T extends keyof typeof activationKernels>(
  type: T,
  param: (spec: LayerSpecOf<T>) => number,
  tfForward: (tf: typeof TF, x: TF.Tensor, spec: LayerSpecOf<T>) => TF.Tensor,
  cases: LayerCase<LayerSpecOf<T>>[],
  invalid?: LayerRow<LayerSpecOf<T>>['invalid'],
): LayerRow<LayerSpecOf<T>> {
  return {
    cases,
    invalid,
    twin: ({ spec, x, dOut }) => ({
      out: activationForwardReference(type, x, param(spec)),
      dIn: activationBackwardReference(type, dOut, x, param(spec)),
      grads: {},
    }),
    tf: (tf, x, _params, { spec }) => tfForward(tf, x, spec),
  };
}

/** The TF.js twin of a convolution layer: tf[op] with the spec's stride and padding, plus the bias. */
function tfConvLayer(op: 'conv2d' | 'depthwiseConv2d') {
  return (
    tf: typeof TF,
    x: TF.Tensor,
    [f, b]: TF.Tensor[],
    { spec }: { spec: { stride?: number; padding?: Padding } },
  ): TF.Tensor => {
    const y = tf[op](x as TF.Tensor4D, f as TF.Tensor4D, spec.stride ?? 1, spec.padding ?? 'valid');
    return b ? tf.add(y, b) : y;
  };
}

/** The row of an activation without a parameter: on an image and on a vector of `vectorLength`. */
function plainActivationRow<T extends 'relu' | 'sigmoid' | 'tanh'>(
  type: T,
  tfForward: (tf: typeof TF, x: TF.Tensor) => TF.Tensor,
  vectorLength: number,
): LayerRow<LayerSpecOf<T>> {
  const spec = () => ({ type }) as LayerSpecOf<T>;
  return activationRow(type, () => 0, tfForward, [
    { spec: spec(), input: [4, 4, 3], batch: 2 },
    { spec: spec(), input: [vectorLength], batch: 3 },
  ]);
}

/** Batch norm's running statistics: random means, variances in [0.5, ...). */
function randomRunningStatistics(layer: Layer, rng: Random): void {
  const [mean, variance] = layer.stateTensors!();
  mean.value.set(randomF32(rng, mean.value.length));
  variance.value.set(randomF32(rng, variance.value.length).map((v) => Math.fround(0.5 + v * v)));
}

export const layerCases: { [T in LayerType]: LayerRow<LayerSpecOf<T>> } = {
  conv2d: {
    cases: [
      {
        spec: { type: 'conv2d', filters: 3, kernelSize: 3, useBias: false, init: 'tutorial' },
        input: [8, 8, 1],
        batch: 2,
      },
      {
        spec: { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', useBias: true },
        input: [7, 6, 3],
        batch: 2,
      },
      {
        spec: { type: 'conv2d', filters: 3, kernelSize: 5, stride: 2, padding: 1 },
        input: [9, 7, 2],
        batch: 3,
      },
      {
        spec: { type: 'conv2d', filters: 2, kernelSize: 3, stride: 2, padding: 'same' },
        input: [8, 9, 2],
        batch: 1,
      },
      ...[
        { k: 3, stride: 1, padding: 'valid' as const, inC: 3, filters: 4 },
        { k: 3, stride: 1, padding: 'same' as const, inC: 2, filters: 5 },
        { k: 3, stride: 2, padding: 'same' as const, inC: 3, filters: 4 },
        { k: 5, stride: 2, padding: 'valid' as const, inC: 2, filters: 3 },
        { k: 3, stride: 2, padding: 1, inC: 2, filters: 3 },
      ].flatMap((c) =>
        [true, false].map((useBias) => ({
          spec: {
            type: 'conv2d' as const,
            filters: c.filters,
            kernelSize: c.k,
            stride: c.stride,
            padding: c.padding,
            useBias,
          },
          input: [9, 8, c.inC],
          batch: 3,
        })),
      ),
    ],
    twin: ({ spec, inputShape, batch, x, params, dOut }) => {
      const g = convSpecGeometry(spec, inputShape, batch, spec.filters);
      const out = zeros(dOut.length);
      const bias = params.bias ?? null;
      conv2dForwardReference(out, x, params.filters, bias, g);
      const dIn = zeros(x.length);
      conv2dBackwardInputReference(dIn, dOut, params.filters, g);
      const dFilters = zeros(params.filters.length);
      const dBias = bias ? zeros(bias.length) : null;
      conv2dBackwardFilterReference(dFilters, dBias, dOut, x, g);
      return {
        out,
        dIn,
        grads: withBias({ filters: dFilters }, dBias),
      };
    },
    tf: tfConvLayer('conv2d'),
  },

  depthwiseConv2d: {
    cases: [
      {
        spec: { type: 'depthwiseConv2d', kernelSize: 3 },
        input: [6, 5, 3],
        batch: 2,
        output: [4, 3, 3],
      },
      {
        spec: { type: 'depthwiseConv2d', kernelSize: 3, depthMultiplier: 2, padding: 'same' },
        input: [5, 6, 2],
        batch: 2,
        output: [5, 6, 4],
      },
      {
        spec: {
          type: 'depthwiseConv2d',
          kernelSize: 3,
          stride: 2,
          padding: 'same',
          useBias: false,
        },
        input: [8, 7, 3],
        batch: 2,
        output: [4, 4, 3],
      },
      {
        spec: {
          type: 'depthwiseConv2d',
          kernelSize: 2,
          stride: 2,
          padding: 'same',
          depthMultiplier: 3,
        },
        input: [5, 5, 2],
        batch: 1,
        output: [3, 3, 6],
      },
      {
        spec: { type: 'depthwiseConv2d', kernelSize: 5, stride: 2, padding: 1, depthMultiplier: 2 },
        input: [9, 8, 2],
        batch: 2,
        output: [4, 3, 4],
      },
      {
        spec: { type: 'depthwiseConv2d', kernelSize: 1, init: 'glorot' },
        input: [3, 3, 4],
        batch: 2,
      },
    ],
    invalid: [
      {
        config: { type: 'depthwiseConv2d' },
        message: 'layer 1 kernelSize must be a whole number from 1 to 64, got undefined',
      },
      {
        config: { type: 'depthwiseConv2d', kernelSize: 3, depthMultiplier: 0 },
        message: 'layer 1 depthMultiplier must be a whole number from 1 to 256, got 0',
      },
      {
        config: { type: 'depthwiseConv2d', kernelSize: 3, padding: 'full' },
        message: `layer 1 padding must be 'valid', 'same' or a whole number, got "full"`,
      },
    ],
    twin: ({ spec, inputShape, batch, x, params, dOut }) => {
      const M = spec.depthMultiplier ?? 1;
      const g = convSpecGeometry(spec, inputShape, batch, inputShape[2] * M);
      const bias = params.bias ?? null;
      const d = depthwiseConv2dBackwardFilterReference(dOut, x, g, M);
      return {
        out: depthwiseConv2dForwardReference(x, params.filters, bias, g, M),
        dIn: depthwiseConv2dBackwardInputReference(dOut, params.filters, g, M),
        grads: withBias({ filters: d.dFilters }, bias ? d.dBias : null),
      };
    },
    tf: tfConvLayer('depthwiseConv2d'),
  },

  maxPool2d: {
    cases: [
      { spec: { type: 'maxPool2d', ties: 'first' }, input: [7, 9, 3], batch: 2, output: [3, 4, 3] },
      { spec: { type: 'maxPool2d', ties: 'all' }, input: [7, 9, 3], batch: 2, output: [3, 4, 3] },
      { spec: { type: 'maxPool2d', poolSize: 3, stride: 2 }, input: [7, 7, 2], batch: 2 },
      { spec: { type: 'maxPool2d', poolSize: 2, stride: 2 }, input: [7, 8, 3], batch: 2 },
      { spec: { type: 'maxPool2d', poolSize: 3, stride: 2 }, input: [7, 8, 3], batch: 2 },
    ],
    twin: ({ spec, inputShape, batch, x, dOut }) => {
      const g = poolGeometry(spec, inputShape, batch);
      const out = zeros(dOut.length);
      maxPoolForwardReference(out, x, g);
      const dIn = zeros(x.length);
      maxPoolBackwardReference(dIn, dOut, x, spec.ties ?? 'first', g);
      return { out, dIn, grads: {} };
    },
    // Inputs are tie-free, where both tie rules route the gradient as TF.js does.
    tf: (tf, x, _params, { spec }) => {
      const size = spec.poolSize ?? 2;
      return tf.maxPool(x as TF.Tensor4D, size, spec.stride ?? size, 'valid');
    },
  },

  avgPool2d: {
    cases: [
      { spec: { type: 'avgPool2d', poolSize: 2 }, input: [5, 5, 2], batch: 2, output: [2, 2, 2] },
      { spec: { type: 'avgPool2d', poolSize: 2 }, input: [6, 7, 3], batch: 2 },
      { spec: { type: 'avgPool2d', poolSize: 3, stride: 2 }, input: [6, 6, 3], batch: 2 },
    ],
    twin: ({ spec, inputShape, batch, x, dOut }) => {
      const g = poolGeometry(spec, inputShape, batch);
      return {
        out: avgPoolForwardReference(x, g),
        dIn: avgPoolBackwardReference(dOut, g),
        grads: {},
      };
    },
    tf: (tf, x, _params, { spec }) => {
      const size = spec.poolSize ?? 2;
      return tf.avgPool(x as TF.Tensor4D, size, spec.stride ?? size, 'valid');
    },
  },

  globalAvgPool2d: {
    cases: [
      { spec: { type: 'globalAvgPool2d' }, input: [4, 3, 2], batch: 3, output: [2] },
      { spec: { type: 'globalAvgPool2d' }, input: [5, 4, 3], batch: 3 },
      { spec: { type: 'globalAvgPool2d' }, input: [6, 6, 3], batch: 2 },
    ],
    twin: ({ inputShape, batch, x, dOut }) => {
      const [h, w, c] = inputShape;
      const g = convGeometry(batch, inputShape, c, h, w, 1, 'valid');
      return {
        out: avgPoolForwardReference(x, g),
        dIn: avgPoolBackwardReference(dOut, g),
        grads: {},
      };
    },
    tf: (tf, x) => tf.mean(x, [1, 2]),
  },

  dense: {
    cases: [
      { spec: { type: 'dense', units: 5 }, input: [3, 4, 2], batch: 3, output: [5] },
      { spec: { type: 'dense', units: 5 }, input: [3, 2, 4], batch: 4 },
      { spec: { type: 'dense', units: 4, useBias: false }, input: [6], batch: 3 },
    ],
    twin: ({ spec, inputShape, batch, x, params, dOut }) => {
      const I = sizeOf(inputShape);
      const U = spec.units;
      const bias = params.bias ?? null;
      const out = zeros(batch * U);
      denseForwardReference(out, x, params.weights, bias, batch, I, U);
      const dIn = zeros(x.length);
      const dWeights = zeros(I * U);
      const dBias = bias ? zeros(U) : null;
      denseBackwardReference(dIn, dWeights, dBias, dOut, x, params.weights, batch, I, U);
      return {
        out,
        dIn,
        grads: withBias({ weights: dWeights }, dBias),
      };
    },
    tf: (tf, x, [w, b]) => {
      const y = tf.matMul(tf.reshape(x, [x.shape[0], -1]), w as TF.Tensor2D);
      return b ? tf.add(y, b) : y;
    },
  },

  relu: plainActivationRow('relu', (tf, x) => tf.relu(x), 7),

  leakyRelu: activationRow(
    'leakyRelu',
    (spec) => spec.alpha ?? 0.01,
    (tf, x, spec) => tf.leakyRelu(x, spec.alpha ?? 0.01),
    [
      { spec: { type: 'leakyRelu' }, input: [4, 4, 3], batch: 2 },
      { spec: { type: 'leakyRelu', alpha: 0.2 }, input: [3, 5, 2], batch: 2 },
      { spec: { type: 'leakyRelu', alpha: 0 }, input: [9], batch: 3 },
    ],
    [
      {
        config: { type: 'leakyRelu', alpha: 1 },
        message: 'layer 1 alpha must be a number in [0, 1), got 1',
      },
      {
        config: { type: 'leakyRelu', alpha: -0.2 },
        message: 'layer 1 alpha must be a number in [0, 1), got -0.2',
      },
      {
        config: { type: 'leakyRelu', alpha: 'x' },
        message: 'layer 1 alpha must be a number in [0, 1), got "x"',
      },
      {
        config: { type: 'leakyRelu', alpha: Number.NaN },
        message: 'layer 1 alpha must be a number in [0, 1), got NaN',
      },
    ],
  ),

  sigmoid: plainActivationRow('sigmoid', (tf, x) => tf.sigmoid(x), 8),

  tanh: plainActivationRow('tanh', (tf, x) => tf.tanh(x), 8),

  flatten: {
    cases: [
      { spec: { type: 'flatten' }, input: [3, 2, 2], batch: 2, output: [12] },
      { spec: { type: 'flatten' }, input: [5], batch: 2, output: [5] },
    ],
    twin: null, // a reshape: no kernel
    tf: (tf, x) => tf.reshape(x, [x.shape[0], -1]),
  },

  dropout: {
    cases: [
      { spec: { type: 'dropout', rate: 0.4 }, input: [50], batch: 4 },
      { spec: { type: 'dropout', rate: 0.25 }, input: [3, 3, 2], batch: 2 },
      { spec: { type: 'dropout', rate: 0.25 }, input: [3, 3, 2], batch: 2, training: false },
    ],
    invalid: [
      {
        config: { type: 'dropout' },
        message: 'layer 1 rate must be a number in [0, 1), got undefined',
      },
      {
        config: { type: 'dropout', rate: -0.1 },
        message: 'layer 1 rate must be a number in [0, 1), got -0.1',
      },
    ],
    twin: null, // no kernel: a mask multiply written in the layer
    tf: null, // TF.js draws other masks
  },

  batchNorm: {
    cases: [
      { spec: { type: 'batchNorm' }, input: [3, 3, 4], batch: 2 },
      { spec: { type: 'batchNorm', epsilon: 1e-3 }, input: [6], batch: 5 },
      { spec: { type: 'batchNorm', epsilon: 1e-3 }, input: [4, 3, 5], batch: 3 },
      { spec: { type: 'batchNorm', epsilon: 1e-3 }, input: [6], batch: 8 },
      { spec: { type: 'batchNorm', momentum: 0.5 }, input: [5], batch: 37 },
      {
        spec: { type: 'batchNorm' },
        input: [2, 2, 3],
        batch: 2,
        training: false,
        prepare: randomRunningStatistics,
      },
      {
        spec: { type: 'batchNorm', epsilon: 1e-3 },
        input: [3, 3, 4],
        batch: 2,
        training: false,
        prepare: randomRunningStatistics,
      },
    ],
    twin: ({ spec, inputShape, batch, training, x, params, state, dOut }) => {
      const C = inputShape[inputShape.length - 1];
      const rows = (batch * sizeOf(inputShape)) / C;
      const eps = spec.epsilon ?? 1e-5;
      const { gamma, beta } = params;
      if (!training) {
        const r = batchNormInferenceReference(
          x,
          dOut,
          gamma,
          beta,
          state.runningMean,
          state.runningVar,
          rows,
          C,
          eps,
        );
        return { out: r.out, dIn: r.dIn, grads: { gamma: r.dGamma, beta: r.dBeta } };
      }
      const { out } = batchNormTrainingReference(x, gamma, beta, rows, C, eps);
      const b = batchNormBackwardReference(dOut, x, gamma, rows, C, eps);
      return { out, dIn: b.dIn, grads: { gamma: b.dGamma, beta: b.dBeta } };
    },
    tf: (tf, x, [gamma, beta], { spec, training, state }) => {
      const eps = spec.epsilon ?? 1e-5;
      if (!training) return tf.batchNorm(x, state.runningMean, state.runningVar, beta, gamma, eps);
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      return tf.batchNorm(x, mean, variance, beta, gamma, eps);
    },
  },
};
