/**
 * A model as a stack of layers built from a ModelSpec, with shape inference: each layer's input
 * shape is the previous layer's output shape. The last layer's outputs are logits for the fused
 * softmax cross-entropy loss. The training loop reads like the tutorial's (3.1.6):
 *   logits = model.forward(x); loss.forward(logits, y); model.backward(loss.backward()); optimizer.step(...)
 * A model knows nothing of training: src/train/trainer.ts trains one (`train(model, data, options)`).
 */

import { argmax } from '../kernels/argmax.js';
import { zeroRange } from '../kernels/bulk.js';
import type { Layer, Param, StateTensor } from '../layers/layer.js';
import { buildLayer } from '../layers/registry.js';
import { Random } from '../random/prng.js';
import { type DType, type Shape, shapeString, sizeOf, type Tensor } from '../tensor/tensor.js';
import { type ModelSpec, validateModelSpec } from './spec.js';

/** A trainable tensor of a model, with its gradient and a model-wide id. */
export interface NamedParam extends Param {
  /** Unique across the model, e.g. `0.conv2d.filters`. */
  readonly id: string;
}

/** A non-trained tensor saved with a model (batch norm running statistics) and its id. */
export interface NamedStateTensor extends StateTensor {
  /** Unique across the model, e.g. `1.batchNorm.runningMean`. */
  readonly id: string;
}

/** How a Sequential model is built. */
export interface ModelOptions {
  /** Seed for weight initialisation (default 1). */
  seed?: number;
  /** Element type of weights and activations (default `'float32'`). */
  dtype?: DType;
}

/**
 * A stack of layers built from a {@link ModelSpec}, each layer's input shape inferred from the
 * previous layer's output; the last layer outputs logits. Train it with {@link train}.
 */
export class Sequential {
  /** The validated spec the model was built from. */
  readonly spec: ModelSpec;
  /** The built layers, in order. */
  readonly layers: Layer[];
  /** Element type of every weight and activation. */
  readonly dtype: DType;
  /** Training-time noise (dropout masks), apart from the initialisation stream; saved on resume. */
  readonly noise: Random;

  /** Builds the layers with seeded initial weights; throws a one-line error on a bad spec. */
  constructor(spec: ModelSpec, options: ModelOptions = {}) {
    this.spec = validateModelSpec(spec);
    this.dtype = options.dtype ?? 'float32';
    const seed = options.seed ?? 1;
    const rng = new Random(seed);
    this.noise = new Random((seed ^ 0x5bd1e995) >>> 0);
    this.layers = [];
    let shape: Shape = this.spec.input.shape;
    for (const layerSpec of this.spec.layers) {
      const layer = buildLayer(layerSpec, {
        inputShape: shape,
        rng,
        noise: this.noise,
        dtype: this.dtype,
      });
      this.layers.push(layer);
      shape = layer.outputShape;
    }
    if (shape.length !== 1)
      throw new Error(`the last layer must output a vector of logits, got ${shapeString(shape)}`);
  }

  /** [height, width, channels] of one input image. */
  get inputShape(): Shape {
    return this.spec.input.shape;
  }

  /** Number of classes: the last layer's output size. */
  get numClasses(): number {
    return this.layers[this.layers.length - 1].outputShape[0];
  }

  /** Every trained tensor with its gradient and a model-wide id. */
  params(): NamedParam[] {
    return this.layers.flatMap((layer, i) =>
      layer.params().map((p) => ({ ...p, id: `${i}.${layer.kind}.${p.name}` })),
    );
  }

  /** Non-trained tensors saved with the weights (batch norm running statistics). */
  stateTensors(): NamedStateTensor[] {
    return this.layers.flatMap((layer, i) =>
      (layer.stateTensors?.() ?? []).map((t) => ({ ...t, id: `${i}.${layer.kind}.${t.name}` })),
    );
  }

  /**
   * Logits [N, classes] for a batch [N, H, W, C] of scaled values; `training` turns on dropout
   * and batch statistics.
   */
  forward(input: Tensor, training = false): Tensor {
    let x = input;
    for (const layer of this.layers) x = layer.forward(x, training);
    return x;
  }

  /** Backpropagates dL/dlogits through every layer, accumulating parameter gradients. */
  backward(dLogits: Tensor): void {
    let d = dLogits;
    for (let i = this.layers.length - 1; i > 0; i--) d = this.layers[i].backward(d);
    this.layers[0].backwardParamsOnly(d);
  }

  /** Sets every accumulated gradient to zero. */
  zeroGradients(): void {
    for (const p of this.params()) zeroRange(p.grad);
  }

  /** The most likely class of each image in a batch [N, H, W, C] of already-scaled values. */
  predict(images: Tensor): number[] {
    const logits = this.forward(images, false);
    const [N, C] = logits.shape;
    return Array.from({ length: N }, (_, n) => argmax(logits.data, n * C, C));
  }

  /** A table of layers, output shapes and parameter counts. */
  summary(): string {
    const rows: string[][] = [['layer', 'output shape', 'params']];
    rows.push(['input', shapeString(this.inputShape), '0']);
    let total = 0;
    this.layers.forEach((layer, i) => {
      const count = layer.params().reduce((s, p) => s + sizeOf(p.shape), 0);
      total += count;
      rows.push([`${i + 1} ${layer.kind}`, shapeString(layer.outputShape), String(count)]);
    });
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const lines = rows.map((r) =>
      r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '),
    );
    lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
    lines.push(`total parameters: ${total}`);
    return lines.join('\n');
  }
}
