/**
 * Child process for one cnn-ts measurement (one process per figure, so each peak RSS is that
 * run's own). Training goes through the library's trainer, as `cnn train` does; inference
 * through `model.forward` on batches filled from the same bytes.
 */
import { type Dataset, fillBatch, take } from '../src/data/dataset.js';
import { defaultMnistDir, loadMnist, loadSplit } from '../src/data/mnistFiles.js';
import { Sequential } from '../src/model/sequential.js';
import { SGD } from '../src/optim/sgd.js';
import { type Preset, presets } from '../src/presets.js';
import { allocate, sizeOf } from '../src/tensor/tensor.js';
import { evaluate, train } from '../src/train/trainer.js';
import { reply } from './children.js';
import { measure } from './measure.js';
import { parallelUnavailable } from './parallel.js';
import type { CaseResult, OursChildConfig } from './protocol.js';

/** Images [start, start + count) of a dataset, without copying. */
function slice(d: Dataset, start: number, count: number): Dataset {
  const px = d.height * d.width * d.channels;
  return {
    ...d,
    count,
    images: d.images.subarray(start * px, (start + count) * px),
    labels: d.labels.subarray(start, start + count),
  };
}

function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
}

function throughput(config: Extract<OursChildConfig, { kind: 'throughput' }>): CaseResult {
  const { id, task, batch, learningRate } = config.case;
  if (config.threads > 1) {
    return { id, error: parallelUnavailable() ?? 'threads > 1 not wired' };
  }
  const data = loadSplit(defaultMnistDir(), 'train');
  const model = new Sequential(config.spec, { seed: 1 });
  let run: (start: number, count: number) => void;
  if (task === 'train') {
    const optimizer = new SGD();
    run = (start, count) => {
      train(model, optimizer, slice(data, start, count), {
        epochs: 1,
        batchSize: batch,
        learningRate,
        shuffle: false,
        seed: 1,
      });
    };
  } else {
    const px = sizeOf(model.inputShape);
    const { scale, offset } = model.spec.input;
    const x = { shape: [batch, ...model.inputShape], data: allocate(model.dtype, batch * px) };
    const labels = new Int32Array(batch);
    run = (start, count) => {
      for (let b = start; b < start + count; b += batch) {
        fillBatch(x.data, labels, data, null, b, batch, scale, offset);
        model.forward(x, false);
      }
    };
  }
  const timing = measure(run, batch, config.measure, data.count);
  return { id, ...timing, maxRssBytes: maxRssBytes() };
}

/**
 * Trains a preset on full MNIST epoch by epoch, testing on all 10,000 test images after each,
 * until the test accuracy reaches the target: wall seconds from the first training step
 * (test passes included, data loading not).
 */
function timeToAccuracy(config: Extract<OursChildConfig, { kind: 'timeToAccuracy' }>): CaseResult {
  const id = 'timeToAccuracy';
  const preset: Preset | undefined = (presets as Record<string, Preset | undefined>)[
    config.presetName
  ];
  if (!preset) return { id, error: `no ${config.presetName} preset` };
  const settings = preset.train as Preset['train'] & { optimizer?: unknown };
  // Other optimizers arrive with the trainer rework; wire them here rather than time plain SGD.
  if (settings.optimizer !== undefined && settings.optimizer !== 'sgd') {
    return { id, error: `optimizer ${JSON.stringify(settings.optimizer)} not wired in bench yet` };
  }
  const { train: trainSet, test } = loadMnist();
  const model = new Sequential(preset.spec, { seed: 1 });
  const optimizer = new SGD();
  const started = performance.now();
  let accuracy = 0;
  let epoch = 0;
  while (epoch < settings.epochs) {
    epoch++;
    train(model, optimizer, take(trainSet, settings.trainSize), {
      epochs: 1,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      shuffle: settings.shuffle,
      seed: epoch,
    });
    accuracy = evaluate(model, test, 500).accuracy;
    const seconds = (performance.now() - started) / 1000;
    if (accuracy >= config.target) {
      return { id, seconds, epochs: epoch, accuracy, maxRssBytes: maxRssBytes() };
    }
    if (seconds > config.maxSeconds) break;
  }
  return {
    id,
    error: `reached ${(accuracy * 100).toFixed(2)}% after ${epoch} epochs`,
    seconds: (performance.now() - started) / 1000,
    epochs: epoch,
    accuracy,
    maxRssBytes: maxRssBytes(),
  };
}

function main(): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as OursChildConfig;
  const result = config.kind === 'throughput' ? throughput(config) : timeToAccuracy(config);
  reply({ versions: { node: process.version }, results: [result] });
}

main();
