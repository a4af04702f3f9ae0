/**
 * Elementwise activation layers, any shape: one class for all of them, driven by the kernel
 * table in kernels/activations.ts, and their registry entries. A new activation is a kernel
 * entry, its reference formula, an entry here and a line in registry.ts.
 */
import { type ActivationName, activationKernels } from '../kernels/activations.js';
import { leakyReluOnnx, reluOnnx, sigmoidOnnx, tanhOnnx } from '../onnx/layers/activation.js';
import type { OnnxLayerMapping } from '../onnx/mapping.js';
import type { DType, Shape, Tensor } from '../tensor/tensor.js';
import { fraction, optional } from './configCheck.js';
import { BufferCache, batchOf, fromForward, type Layer, type Param } from './layer.js';
import { defineLayer, type LayerEntry, type TorchModule } from './layerEntry.js';
import { sameSize } from './layerSize.js';

export class Activation implements Layer {
  readonly outputShape: Shape;
  private readonly buffers: BufferCache;
  private lastInput: Tensor | null = null;
  private lastOutput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    readonly kind: ActivationName,
    /** The activation's one number (leakyRelu's slope); ignored by the others. */
    readonly param = 0,
    readonly dtype: DType = 'float32',
  ) {
    this.outputShape = [...inputShape];
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    return [];
  }

  forward(input: Tensor, _training: boolean): Tensor {
    batchOf(input, this.inputShape, this.kind);
    const out = this.buffers.get('out', input.shape);
    activationKernels[this.kind].forward(out.data, input.data, input.data.length, this.param);
    this.lastInput = input;
    this.lastOutput = out;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    const input = fromForward(this.lastInput, this.kind);
    const output = fromForward(this.lastOutput, this.kind);
    const dIn = this.buffers.get('dIn', input.shape);
    activationKernels[this.kind].backward(
      dIn.data,
      dOut.data,
      input.data,
      output.data,
      input.data.length,
      this.param,
    );
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}

/** ReLU, max(x, 0) (tutorial-style name for `new Activation(shape, 'relu')`). */
export class ReLU extends Activation {
  constructor(inputShape: Shape, dtype: DType = 'float32') {
    super(inputShape, 'relu', 0, dtype);
  }
}

/** The entry of an activation without config: spec `{ type }`, PyTorch module `torch`. */
function plainActivation<T extends ActivationName>(
  type: T,
  description: string,
  torch: TorchModule,
  onnx: OnnxLayerMapping<{ type: T }>,
): LayerEntry<T, { type: T }> {
  return defineLayer({
    type,
    description,
    validate: () => ({ type }),
    build: (_spec, c) => new Activation(c.inputShape, type, 0, c.dtype),
    size: (_spec, input) => sameSize(input),
    torch: () => [torch],
    onnx,
  });
}

export const reluLayer = plainActivation(
  'relu',
  'max(x, 0) elementwise',
  { module: 'ReLU' },
  reluOnnx,
);

export const sigmoidLayer = plainActivation(
  'sigmoid',
  '1 / (1 + exp(-x)) elementwise',
  { module: 'Sigmoid' },
  sigmoidOnnx,
);

export const tanhLayer = plainActivation(
  'tanh',
  'tanh(x) elementwise',
  { module: 'Tanh' },
  tanhOnnx,
);

export const leakyReluLayer = defineLayer({
  type: 'leakyRelu',
  description: 'x where x > 0, else alpha * x: alpha in [0, 1) (0.01)',
  validate: (v, where): { type: 'leakyRelu'; alpha?: number } => ({
    type: 'leakyRelu',
    alpha: optional(v, 'alpha', (x) => fraction(x, `${where} alpha`, false)),
  }),
  build: (spec, c) => new Activation(c.inputShape, 'leakyRelu', spec.alpha ?? 0.01, c.dtype),
  size: (_spec, input) => sameSize(input),
  torch: (spec) => [{ module: 'LeakyReLU', args: { negative_slope: spec.alpha ?? 0.01 } }],
  onnx: leakyReluOnnx,
});
