/**
 * Every call into the library's training loop from the playground, in one place.
 *
 * The library's `train()` runs whole epochs synchronously, but a worker must come back to its event
 * loop often (to hear pause, to post progress). So a run is cut into slices of whole batches: each
 * slice is one `train()` call over the next samples of the epoch's order. The learning-rate
 * schedule is applied by the optimizer wrapper below, per batch over the whole run, so slicing
 * changes neither the batches nor the learning rates. Several workers share a batch through
 * train()'s `gradients` option (parallel.ts).
 */
import {
  type BatchGradients,
  createOptimizer,
  type Dataset,
  evaluate,
  learningRateAt,
  type Optimizer,
  type OptimizerSpec,
  type Param,
  type Preset,
  presets,
  Random,
  type ScheduleSpec,
  Sequential,
  take,
  train,
} from '../../src/index.js';
import type { OptimizerName, RunSettings } from '../protocol.js';

export function presetOf(settings: RunSettings): Preset {
  const preset = presets[settings.preset];
  if (!preset) throw new Error(`unknown preset ${settings.preset}`);
  return preset;
}

/** The control's name for an optimizer spec. */
export function optimizerName(spec: OptimizerSpec): OptimizerName {
  if (spec.type === 'sgd') return spec.momentum ? 'momentum' : 'sgd';
  return spec.type;
}

/** The optimizer the control names: the preset's own settings when it names the preset's. */
export function optimizerSpec(name: OptimizerName, preset?: Preset): OptimizerSpec {
  const own = preset?.train.optimizer ?? { type: 'sgd' };
  if (optimizerName(own) === name) return own;
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

/**
 * The optimizer of a sliced run: steps at the rate the schedule gives the run's global step
 * number, whatever rate the current slice's train() call passes.
 */
class ScheduledOptimizer implements Optimizer {
  private globalStep = 0;

  constructor(
    private readonly inner: Optimizer,
    private readonly schedule: ScheduleSpec,
    private readonly baseRate: number,
    private readonly stepsPerEpoch: number,
    private readonly totalSteps: number,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  step(params: readonly Param[], _sliceRate: number): void {
    const { schedule, baseRate, stepsPerEpoch, totalSteps } = this;
    const rate = learningRateAt(schedule, baseRate, this.globalStep++, stepsPerEpoch, totalSteps);
    this.inner.step(params, rate);
  }

  getState() {
    return this.inner.getState();
  }

  setState(params: readonly Param[], state: ReturnType<Optimizer['getState']>): void {
    this.inner.setState(params, state);
  }
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
  private readonly gradients: BatchGradients | undefined;
  /** The current epoch (from 1) and the samples of it already trained. */
  epoch = 1;
  position = 0;
  private sliceImages: Uint8Array = new Uint8Array(0);
  private sliceLabels: Uint8Array = new Uint8Array(0);

  /** `gradients`: where each batch's gradients are computed (default: this thread). */
  constructor(
    model: Sequential,
    settings: RunSettings,
    trainSet: Dataset,
    gradients?: BatchGradients,
  ) {
    this.model = model;
    this.settings = settings;
    this.preset = presetOf(settings);
    this.data = take(trainSet, settings.trainSize);
    this.rng = new Random(settings.seed);
    this.order = new Int32Array(this.data.count);
    this.gradients = gradients;
    const stepsPerEpoch = Math.ceil(this.data.count / settings.batchSize);
    this.optimizer = new ScheduledOptimizer(
      createOptimizer(optimizerSpec(settings.optimizer, this.preset)),
      this.preset.train.schedule ?? { type: 'constant' },
      settings.learningRate,
      stepsPerEpoch,
      stepsPerEpoch * settings.epochs,
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
    const result = train(this.model, this.sliceOf(count), {
      epochs: 1,
      batchSize,
      optimizer: this.optimizer,
      shuffle: false,
      rng: this.rng,
      augment: this.preset.train.augment,
      gradients: this.gradients,
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
