/** Flatten: [N, H, W, C] -> [N, H*W*C] in NHWC order. A reshape, so it shares the data. */
import { flattenOnnx } from '../onnx/layers/flatten.js';
import { type DType, type Shape, sizeOf, type Tensor } from '../tensor/tensor.js';
import { batchOf, fromForward, type Layer, type Param } from './layer.js';
import { defineLayer } from './layerEntry.js';
import { sameSize } from './layerSize.js';

/** Reshapes each image to a vector. */
export class Flatten implements Layer {
  readonly kind = 'flatten';
  readonly outputShape: Shape;
  private lastShape: readonly number[] | null = null;

  constructor(
    readonly inputShape: Shape,
    readonly dtype: DType = 'float32',
  ) {
    this.outputShape = [sizeOf(inputShape)];
  }

  params(): Param[] {
    return [];
  }

  forward(input: Tensor, _training: boolean): Tensor {
    const batch = batchOf(input, this.inputShape, 'flatten');
    this.lastShape = input.shape;
    return { shape: [batch, this.outputShape[0]], data: input.data };
  }

  backward(dOut: Tensor): Tensor {
    return { shape: fromForward(this.lastShape, 'flatten'), data: dOut.data };
  }

  backwardParamsOnly(_dOut: Tensor): void {}
}

export const flattenLayer = defineLayer({
  type: 'flatten',
  description: '[H, W, C] -> [H*W*C] in HWC order, sharing the data',
  validate: (): { type: 'flatten' } => ({ type: 'flatten' }),
  build: (_spec, c) => new Flatten(c.inputShape, c.dtype),
  size: (_spec, input) => ({ ...sameSize(input), output: [sizeOf(input)] }),
  torch: () => [{ module: 'Flatten' }],
  onnx: flattenOnnx,
});
