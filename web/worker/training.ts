/**
 * Every call into the library's training loop from the playground, in one place.
 *
 * The library's `train()` runs whole epochs synchronously, but a worker must come back to its event
 * loop often (to hear pause, to post progress). So a run is cut into slices of whole batches: each
 * slice is one `train()` call over the next samples of the epoch's order, with the learning-rate
 * schedule applied per batch through the step hook, so slicing changes neither the batches nor
 * the learning rates. The step hook is also where several workers share a batch (parallel.ts).
 */
import {
  createOptimizer,
  type Dataset,
  evaluate,
  learningRateAt,
  type Optimizer,
  type OptimizerSpec,
  type Preset,
  presets,
  Random,
  Sequential,
  SoftmaxCrossEntropy,
  type TrainOptions,
  take,
  train,
} from '../../src/index.js';
import type { OptimizerName, RunSettings } from '../protocol.js';

// The data-parallel shard pass (browser-safe, shared with the library's Node trainer), for
// parallel.ts and the gradient workers.
export { ShardRunner } from '../../src/parallel/shard.js';

/** One optimizer step on a batch: forward, loss, backward, update at learning rate lr. */
export type BatchStep = NonNullable<TrainOptions['step']>;

export function presetOf(settings: RunSettings): Preset {
  const preset = presets[settings.preset];
  if (!preset) throw new Error(`unknown preset ${settings.preset}`);
  return preset;
}

export function optimizerSpec(name: OptimizerName): OptimizerSpec {
  switch (name) {
    case 'sgd':
      return { type: 'sgd' };
    case 'momentum':
      return { type: 'sgd', momentum: 0.9 };
    case 'adam':
      return { type: 'adam' };
    case 'adamw':
      return { type: 'adamw', weightDecay: 0.01 };
  }
}

export function newModel(settings: RunSettings): Sequential {
  return new Sequential(presetOf(settings).spec, { seed: settings.seed });
}

function argmax(x: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (x[off + c] > x[off + best]) best = c;
  return best;
}

/** The single-worker step: exactly what train() does for one batch. */
export function localStep(model: Sequential, optimizer: Optimizer): BatchStep {
  const loss = new SoftmaxCrossEntropy(model.dtype);
  const params = model.params();
  return (x, labels, n, lr) => {
    const logits = model.forward(x, true);
    const batchLoss = loss.forward(logits, labels);
    const C = logits.shape[1];
    let correct = 0;
    for (let b = 0; b < n; b++) if (argmax(logits.data, b * C, C) === labels[b]) correct++;
    model.backward(loss.backward());
    optimizer.step(params, lr);
    return { loss: batchLoss, correct };
  };
}

export interface SliceResult {
  samples: number;
  /** Mean loss and accuracy over the slice. */
  loss: number;
  accuracy: number;
}

/** A training run that advances a slice at a time. */
export class TrainingRun {
  readonly model: Sequential;
  readonly settings: RunSettings;
  readonly optimizer: Optimizer;
  private readonly preset: Preset;
  private readonly data: Dataset;
  private readonly rng: Random;
  private readonly order: Int32Array;
  private readonly stepsPerEpoch: number;
  private readonly step: BatchStep;
  private globalStep = 0;
  /** The current epoch (from 1) and the samples of it already trained. */
  epoch = 1;
  position = 0;
  private sliceImages: Uint8Array = new Uint8Array(0);
  private sliceLabels: Uint8Array = new Uint8Array(0);

  constructor(
    model: Sequential,
    settings: RunSettings,
    trainSet: Dataset,
    makeStep: (model: Sequential, optimizer: Optimizer) => BatchStep = localStep,
  ) {
    this.model = model;
    this.settings = settings;
    this.preset = presetOf(settings);
    this.optimizer = createOptimizer(optimizerSpec(settings.optimizer));
    this.data = take(trainSet, settings.trainSize);
    this.rng = new Random(settings.seed);
    this.order = new Int32Array(this.data.count);
    this.stepsPerEpoch = Math.ceil(this.data.count / settings.batchSize);
    const base = makeStep(model, this.optimizer);
    const schedule = this.preset.train.schedule ?? { type: 'constant' };
    const totalSteps = this.stepsPerEpoch * settings.epochs;
    this.step = (x, labels, n) =>
      base(
        x,
        labels,
        n,
        learningRateAt(
          schedule,
          settings.learningRate,
          this.globalStep++,
          this.stepsPerEpoch,
          totalSteps,
        ),
      );
    this.newOrder();
  }

  get samplesPerEpoch(): number {
    return this.data.count;
  }

  get samplesDone(): number {
    return (this.epoch - 1) * this.data.count + this.position;
  }

  get finished(): boolean {
    return this.epoch > this.settings.epochs;
  }

  private newOrder(): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    if (this.preset.train.shuffle) this.rng.shuffle(this.order);
  }

  /** The next `count` samples of this epoch's order as a dataset (views when in file order). */
  private sliceOf(count: number): Dataset {
    const d = this.data;
    const px = d.height * d.width * d.channels;
    const start = this.position;
    if (!this.preset.train.shuffle) {
      return {
        ...d,
        count,
        images: d.images.subarray(start * px, (start + count) * px),
        labels: d.labels.subarray(start, start + count),
      };
    }
    if (this.sliceImages.length < count * px) {
      this.sliceImages = new Uint8Array(count * px);
      this.sliceLabels = new Uint8Array(count);
    }
    for (let i = 0; i < count; i++) {
      const s = this.order[start + i];
      this.sliceImages.set(d.images.subarray(s * px, (s + 1) * px), i * px);
      this.sliceLabels[i] = d.labels[s];
    }
    return {
      ...d,
      count,
      images: this.sliceImages.subarray(0, count * px),
      labels: this.sliceLabels.subarray(0, count),
    };
  }

  /** Trains about `samples` more samples (whole batches, never past the epoch's end). */
  trainSlice(samples: number): SliceResult {
    if (this.finished) return { samples: 0, loss: 0, accuracy: 0 };
    const { batchSize } = this.settings;
    const batches = Math.max(1, Math.round(samples / batchSize));
    const count = Math.min(batches * batchSize, this.data.count - this.position);
    const result = train(this.model, this.optimizer, this.sliceOf(count), {
      epochs: 1,
      batchSize,
      learningRate: this.settings.learningRate,
      shuffle: false,
      seed: this.settings.seed,
      rng: this.rng,
      augment: this.preset.train.augment,
      step: this.step,
    });
    this.position += count;
    if (this.position >= this.data.count) {
      this.epoch++;
      this.position = 0;
      if (!this.finished) this.newOrder();
    }
    const log = result.epochs[0];
    return { samples: count, loss: log.loss, accuracy: log.accuracy };
  }
}

/** Test loss, accuracy and every prediction on the first `count` test images. */
export function testModel(model: Sequential, testSet: Dataset, count: number) {
  return evaluate(model, take(testSet, count));
}
