/**
 * A model as a stack of layers built from a ModelSpec, with shape inference: each layer's input
 * shape is the previous layer's output shape. The last layer's outputs are logits for the fused
 * softmax cross-entropy loss. The training loop reads like the tutorial's (3.1.6):
 *   logits = model.forward(x); loss.forward(logits, y); model.backward(loss.backward()); optimizer.step(...)
 */

import type { AugmentConfig } from '../data/augment.js';
import type { Dataset } from '../data/dataset.js';
import { AvgPool2D } from '../layers/avgPool2d.js';
import { BatchNorm } from '../layers/batchNorm.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Flatten } from '../layers/flatten.js';
import type { Layer, Param, StateTensor } from '../layers/layer.js';
import { MaxPool2D } from '../layers/maxPool2d.js';
import { ReLU } from '../layers/relu.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { ScheduleSpec } from '../optim/schedule.js';
import { SGD } from '../optim/sgd.js';
import { Random } from '../random/prng.js';
import { type DType, type Shape, shapeString, sizeOf, type Tensor } from '../tensor/tensor.js';
import {
  type EpochLog,
  type EvaluateResult,
  evaluate,
  type TrainResult,
  train,
} from '../train/trainer.js';
import { type LayerSpec, type ModelSpec, validateModelSpec } from './spec.js';

export interface NamedParam extends Param {
  /** Unique across the model, e.g. `0.conv2d.filters`. */
  readonly id: string;
}

export interface NamedStateTensor extends StateTensor {
  readonly id: string;
}

function buildLayer(
  spec: LayerSpec,
  inputShape: Shape,
  rng: Random,
  noise: Random,
  dtype: DType,
): Layer {
  switch (spec.type) {
    case 'conv2d':
      return new Conv2D(inputShape, spec, rng, dtype);
    case 'maxPool2d':
      return new MaxPool2D(inputShape, spec, dtype);
    case 'avgPool2d':
      return new AvgPool2D(inputShape, spec, dtype);
    case 'globalAvgPool2d':
      return new AvgPool2D(inputShape, { global: true }, dtype);
    case 'dense':
      return new Dense(inputShape, spec, rng, dtype);
    case 'relu':
      return new ReLU(inputShape, dtype);
    case 'flatten':
      return new Flatten(inputShape, dtype);
    case 'dropout':
      return new Dropout(inputShape, spec, noise, dtype);
    case 'batchNorm':
      return new BatchNorm(inputShape, spec, dtype);
  }
}

/** How a Sequential model is built. */
export interface ModelOptions {
  /** Seed for weight initialisation (default 1). */
  seed?: number;
  dtype?: DType;
}

export interface FitCallbacks {
  /** After every optimizer step; `done` samples of `total` in this epoch. */
  onBatchEnd?: (epoch: number, done: number, total: number) => void;
  onEpochEnd?: (log: EpochLog) => void;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Default plain SGD. */
  optimizer?: Optimizer;
  /** Default 0.01. */
  learningRate?: number;
  schedule?: ScheduleSpec;
  /** Default true: a new order every epoch from the seeded generator. */
  shuffle?: boolean;
  /** Seeds shuffling and augmentation (default 1). */
  seed?: number;
  augment?: AugmentConfig;
  callbacks?: FitCallbacks;
}

/** A stack of layers built from a ModelSpec, with each layer's input shape inferred. */
export class Sequential {
  readonly spec: ModelSpec;
  readonly layers: Layer[];
  readonly dtype: DType;
  /** Training-time noise (dropout masks), apart from the initialisation stream; saved on resume. */
  readonly noise: Random;

  constructor(spec: ModelSpec, options: ModelOptions = {}) {
    this.spec = validateModelSpec(spec);
    this.dtype = options.dtype ?? 'float32';
    const seed = options.seed ?? 1;
    const rng = new Random(seed);
    this.noise = new Random((seed ^ 0x5bd1e995) >>> 0);
    this.layers = [];
    let shape: Shape = this.spec.input.shape;
    for (const layerSpec of this.spec.layers) {
      const layer = buildLayer(layerSpec, shape, rng, this.noise, this.dtype);
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

  /** Logits [N, classes] for a batch [N, H, W, C] of scaled values. */
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
    for (const p of this.params()) p.grad.fill(0);
  }

  /** Trains on `data` (images as bytes, scaled by the spec's input scale and offset). */
  fit(data: Dataset, options: FitOptions): TrainResult {
    return train(this, options.optimizer ?? new SGD(), data, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate ?? 0.01,
      schedule: options.schedule,
      shuffle: options.shuffle ?? true,
      seed: options.seed ?? 1,
      augment: options.augment,
      onBatchEnd: options.callbacks?.onBatchEnd,
      onEpochEnd: options.callbacks?.onEpochEnd,
    });
  }

  /** Mean loss, accuracy and every prediction on a labelled dataset, in inference mode. */
  evaluate(data: Dataset, batchSize = 100): EvaluateResult {
    return evaluate(this, data, batchSize);
  }

  /** The most likely class of each image in a batch [N, H, W, C] of already-scaled values. */
  predict(images: Tensor): number[] {
    const logits = this.forward(images, false);
    const [N, C] = logits.shape;
    const classes: number[] = [];
    for (let n = 0; n < N; n++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (logits.data[n * C + c] > logits.data[n * C + best]) best = c;
      classes.push(best);
    }
    return classes;
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
