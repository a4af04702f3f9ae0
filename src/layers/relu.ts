/** ReLU activation layer: max(x, 0) elementwise, any shape. */
import { reluBackward, reluForward } from '../kernels/relu.js';
import type { DType, Shape, Tensor } from '../tensor/tensor.js';
import { BufferCache, batchOf, type Layer, type Param } from './layer.js';

/** max(0, x), element by element. */
export class ReLU implements Layer {
  readonly kind = 'relu';
  readonly outputShape: Shape;
  private readonly buffers: BufferCache;
  private lastInput: Tensor | null = null;

  constructor(
    readonly inputShape: Shape,
    readonly dtype: DType = 'float32',
  ) {
    this.outputShape = [...inputShape];
    this.buffers = new BufferCache(dtype);
  }

  params(): Param[] {
    return [];
  }

  forward(input: Tensor, _training: boolean): Tensor {
    batchOf(input, this.inputShape, 'relu');
    const out = this.buffers.get('out', input.shape);
    reluForward(out.data, input.data, input.data.length);
    this.lastInput = input;
    return out;
  }

  backward(dOut: Tensor): Tensor {
    const input = this.lastInput;
    if (!input) throw new Error('relu.backward called before forward');
    const dIn = this.buffers.get('dIn', input.shape);
    reluBackward(dIn.data, dOut.data, input.data, input.data.length);
    return dIn;
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}
