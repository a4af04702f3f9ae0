/**
 * The training loop (tutorial 3.1.10) and the test-set evaluation, for any batch size. The
 * trainer takes a model (a model knows nothing of training):
 *
 *   const result = train(model, trainSet, { epochs: 3, batchSize: 32, optimizer: new SGD() });
 *   evaluate(model, testSet); // { loss, accuracy, count, predictions }
 *
 * With batchSize 1, no shuffling and SGD this is exactly the tutorial's per-sample loop.
 */
import { type AugmentConfig, augmentBatch } from '../data/augment.js';
import { checkLabels, type Dataset, fillBatch } from '../data/dataset.js';
import { argmax } from '../kernels/argmax.js';
import { SoftmaxCrossEntropy } from '../losses/softmaxCrossEntropy.js';
import type { Sequential } from '../model/sequential.js';
import type { Optimizer } from '../optim/optimizer.js';
import { learningRateAt, type ScheduleSpec } from '../optim/schedule.js';
import { SGD } from '../optim/sgd.js';
import { Random } from '../random/prng.js';
import { allocate, release, sizeOf, type Tensor } from '../tensor/tensor.js';
import { type BatchGradients, localGradients } from './gradients.js';
import { createTrainStep, type StepResult } from './step.js';

/** Running figures reported every `logEvery` samples. */
export interface StepLog {
  /** The epoch, from 1. */
  epoch: number;
  /** Samples seen so far in this epoch. */
  step: number;
  /** Mean loss and accuracy over the samples since the previous log. */
  loss: number;
  /** Fraction of those samples classified correctly. */
  accuracy: number;
}

/** Figures of one finished epoch. */
export interface EpochLog {
  /** The epoch, from 1. */
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** Fraction of the epoch's training samples classified correctly. */
  accuracy: number;
  /** Wall time of the epoch. */
  seconds: number;
}

/** Where a run stands between two steps: enough to continue it exactly (TrainOptions.resumeAt). */
export interface TrainPosition {
  /** The epoch in progress (from 1) and how many of its samples are done (whole batches). */
  epoch: number;
  samplesDone: number;
  /** The shuffling generator's state when this epoch began: it decides the epoch's order. */
  epochRng: number[];
  /** Loss sum and correct count over the samples done, for the epoch's log. */
  lossSum: number;
  correct: number;
}

/** How `train` trains: epochs, batch size, optimizer, schedule, shuffling, augmentation. */
export interface TrainOptions {
  /** Total epochs of the run, including any done before a resume. */
  epochs: number;
  /** Samples per gradient step (a last, shorter batch takes the rest). */
  batchSize: number;
  /** Updates the weights from each batch's gradients (default plain SGD, the tutorial's). */
  optimizer?: Optimizer;
  /** Base (peak) learning rate; the schedule scales it step by step (default 0.01). */
  learningRate?: number;
  /** Default constant. */
  schedule?: ScheduleSpec;
  /** Shuffle the training order every epoch (default true; the tutorial does not: file order). */
  shuffle?: boolean;
  /** Seeds the shuffling and augmentation, unless `rng` is given (default 1). */
  seed?: number;
  /** The generator for shuffling and augmentation; pass one to save or restore its state. */
  rng?: Random;
  /** Random shifts and rotations of each training image (default none). */
  augment?: AugmentConfig;
  /** Epochs already done (resume): training starts at epoch startEpoch + 1. */
  startEpoch?: number;
  /**
   * Continue inside epoch startEpoch + 1 from this position (saved by an interrupted run, see
   * trainSteps); `rng` must hold the generator's state at that position.
   */
  resumeAt?: TrainPosition;
  /** Stop after this epoch as if interrupted; the schedule still plans for `epochs`. */
  stopAfterEpoch?: number;
  /** Report running loss and accuracy every this many samples (the tutorial: 500). */
  logEvery?: number;
  /** Called with the running figures every `logEvery` samples and at each epoch's end. */
  onLog?: (log: StepLog) => void;
  /** Called before each epoch (numbered from 1). */
  onEpochStart?: (epoch: number) => void;
  /** Called after each batch with the samples done so far in the epoch. */
  onBatchEnd?: (epoch: number, samplesDone: number, samplesTotal: number) => void;
  /** Called after each epoch with its figures. */
  onEpochEnd?: (log: EpochLog) => void;
  /**
   * Where each batch's gradients are computed: by default on this thread; a ParallelTrainer
   * (src/parallel) for the same model splits every batch over threads. Either way the step is
   * the same (src/train/step.ts) and the optimizer runs on this thread.
   */
  gradients?: BatchGradients;
}

/** What a training run did: each epoch's figures and its speed. */
export interface TrainResult {
  /** The figures of each epoch trained in this call. */
  epochs: EpochLog[];
  /** Wall time spent in the epochs. */
  trainSeconds: number;
  /** Training images processed per second. */
  imagesPerSecond: number;
}

function checkData(model: Sequential, data: Dataset, name: string): void {
  const [h, w, c] = model.inputShape;
  if (data.height !== h || data.width !== w || data.channels !== c) {
    throw new Error(
      `${name} images are ${data.height}x${data.width}x${data.channels}, the model takes ${h}x${w}x${c}`,
    );
  }
  checkLabels(data, model.numClasses, name);
}

/**
 * Trains `model` on `data` in place (tutorial 3.1.10) and returns each epoch's figures; throws a
 * one-line error on mismatched data or a diverging loss.
 */
export function train(model: Sequential, data: Dataset, options: TrainOptions): TrainResult {
  const steps = trainSteps(model, data, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `train` one step at a time: yields the position after every step (and at every epoch's end
 * the start of the next), so a caller can pause between steps, for instance to let a signal
 * handler run, or stop and save the position to resume from.
 */
export function* trainSteps(
  model: Sequential,
  data: Dataset,
  options: TrainOptions,
): Generator<TrainPosition, TrainResult> {
  checkData(model, data, 'training data');
  const { batchSize, epochs } = options;
  const learningRate = options.learningRate ?? 0.01;
  const gradients = options.gradients ?? localGradients(model);
  if (gradients.model !== model)
    throw new Error('options.gradients computes the gradients of a different model');
  const step = createTrainStep(gradients, options.optimizer ?? new SGD());
  const schedule = options.schedule ?? { type: 'constant' };
  if (data.count === 0) throw new Error('training data is empty');
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const startEpoch = options.startEpoch ?? 0;
  const lastEpoch = Math.min(epochs, options.stopAfterEpoch ?? epochs);
  const augment = options.augment;
  const [imgH, imgW, imgC] = model.inputShape;
  // A zero byte (the background) after input scaling.
  const background = model.spec.input.offset;
  const px = sizeOf(model.inputShape);
  const { scale, offset } = model.spec.input;
  const rng = options.rng ?? new Random(options.seed ?? 1);
  const order = new Int32Array(data.count);
  // Augmentation works on the batch as floats, filled here; otherwise the step scales the
  // samples itself, over all its threads.
  const augmented = augment
    ? {
        scratch: allocate(model.dtype, sizeOf(model.inputShape)),
        labels: new Int32Array(batchSize),
        // Samples of the batch being trained (the first n of them in a last, shorter batch).
        x: allocate(model.dtype, batchSize * px),
      }
    : null;
  const logEvery = options.logEvery ?? 0;
  const logs: EpochLog[] = [];
  let trainMs = 0;
  let trained = 0;
  const resumeAt = options.resumeAt;
  if (
    resumeAt &&
    (resumeAt.epoch !== startEpoch + 1 ||
      resumeAt.samplesDone % batchSize !== 0 ||
      !(resumeAt.samplesDone >= 0 && resumeAt.samplesDone < data.count))
  ) {
    throw new Error(
      `cannot resume at sample ${resumeAt.samplesDone} of epoch ${resumeAt.epoch} after ${startEpoch} epochs in batches of ${batchSize}`,
    );
  }
  for (let epoch = startEpoch + 1; epoch <= lastEpoch; epoch++) {
    options.onEpochStart?.(epoch);
    const resume = epoch === startEpoch + 1 ? resumeAt : undefined;
    const epochRng = resume ? resume.epochRng : rng.getState();
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (options.shuffle ?? true) {
      if (resume) {
        // This epoch's order comes from the state it began with; augmentation goes on from now.
        const now = rng.getState();
        rng.setState(resume.epochRng);
        rng.shuffle(order);
        rng.setState(now);
      } else {
        rng.shuffle(order);
      }
    }
    let windowLoss = 0;
    let windowCorrect = 0;
    let windowCount = 0;
    let epochLoss = resume?.lossSum ?? 0;
    let epochCorrect = resume?.correct ?? 0;
    const first = resume?.samplesDone ?? 0;
    const started = performance.now();
    for (
      let start = first, batchIndex = first / batchSize;
      start < data.count;
      start += batchSize, batchIndex++
    ) {
      const n = Math.min(batchSize, data.count - start);
      const globalStep = (epoch - 1) * stepsPerEpoch + batchIndex;
      const lr = learningRateAt(schedule, learningRate, globalStep, stepsPerEpoch, totalSteps);
      let result: StepResult;
      if (augment && augmented) {
        const { x, scratch, labels } = augmented;
        fillBatch(x, labels, data, order, start, n, scale, offset);
        augmentBatch(x, scratch, n, imgH, imgW, imgC, augment, background, rng);
        result = step(x, labels, n, lr);
      } else {
        result = step.samples(data, order, start, n, lr);
      }
      const { loss: batchLoss, correct } = result;
      if (!Number.isFinite(batchLoss)) {
        throw new Error(
          `training diverged: loss is ${batchLoss} at epoch ${epoch}, sample ${start + 1} (try a lower --lr)`,
        );
      }
      windowLoss += batchLoss * n;
      windowCorrect += correct;
      windowCount += n;
      epochLoss += batchLoss * n;
      epochCorrect += correct;
      const done = start + n;
      // Log whenever the batch crosses a multiple of logEvery (batch sizes need not divide it).
      const crossed = Math.floor(done / logEvery) > Math.floor(start / logEvery);
      if (logEvery > 0 && (crossed || done === data.count) && windowCount > 0) {
        options.onLog?.({
          epoch,
          step: done,
          loss: windowLoss / windowCount,
          accuracy: windowCorrect / windowCount,
        });
        windowLoss = 0;
        windowCorrect = 0;
        windowCount = 0;
      }
      options.onBatchEnd?.(epoch, done, data.count);
      if (done < data.count) {
        yield { epoch, samplesDone: done, epochRng, lossSum: epochLoss, correct: epochCorrect };
      }
    }
    const seconds = (performance.now() - started) / 1000;
    trainMs += seconds * 1000;
    trained += data.count - first;
    const log = {
      epoch,
      loss: epochLoss / data.count,
      accuracy: epochCorrect / data.count,
      seconds,
    };
    logs.push(log);
    options.onEpochEnd?.(log);
    if (epoch < lastEpoch) {
      yield { epoch: epoch + 1, samplesDone: 0, epochRng: rng.getState(), lossSum: 0, correct: 0 };
    }
  }
  const trainSeconds = trainMs / 1000;
  return {
    epochs: logs,
    trainSeconds,
    imagesPerSecond: trained > 0 ? trained / trainSeconds : 0,
  };
}

/** A model's figures on a labelled dataset. */
export interface EvaluateResult {
  /** Mean loss per sample. */
  loss: number;
  /** Fraction of samples classified correctly. */
  accuracy: number;
  /** Samples evaluated. */
  count: number;
  /** Predicted class of every sample. */
  predictions: Uint8Array;
}

/** Mean loss and accuracy over a dataset. Batching does not change the per-sample results. */
export function evaluate(model: Sequential, data: Dataset, batchSize = 100): EvaluateResult {
  checkData(model, data, 'test data');
  if (data.count === 0) throw new Error('test data is empty');
  const loss = new SoftmaxCrossEntropy(model.dtype);
  const px = sizeOf(model.inputShape);
  const { scale, offset } = model.spec.input;
  const labels = new Int32Array(batchSize);
  const predictions = new Uint8Array(data.count);
  let totalLoss = 0;
  let correct = 0;
  // Input buffers for the full batches and a last, partial one, given back at the end: float32
  // buffers live in the WASM arena, which a garbage collection alone reclaims too late.
  const full = allocate(model.dtype, batchSize * px);
  let partial: Tensor['data'] | null = null;
  try {
    for (let start = 0; start < data.count; start += batchSize) {
      const n = Math.min(batchSize, data.count - start);
      if (n < batchSize) partial = allocate(model.dtype, n * px);
      const x: Tensor = { shape: [n, ...model.inputShape], data: partial ?? full };
      fillBatch(x.data, labels, data, null, start, n, scale, offset);
      const logits = model.forward(x, false);
      totalLoss += loss.forward(logits, labels) * n;
      const C = logits.shape[1];
      for (let b = 0; b < n; b++) {
        const p = argmax(logits.data, b * C, C);
        predictions[start + b] = p;
        if (p === labels[b]) correct++;
      }
    }
  } finally {
    release(full);
    if (partial) release(partial);
    loss.release();
  }
  return {
    loss: totalLoss / data.count,
    accuracy: correct / data.count,
    count: data.count,
    predictions,
  };
}
