/**
 * Child process for one cnn-ts measurement (one process per figure, so each peak RSS is that
 * run's own). Training goes through the library's trainer, as `cnn train` does; inference
 * through `model.forward` on batches filled from the same bytes.
 */

import { parallelTrainerFor } from '../cli/training/threads.js';
import { type Dataset, fillBatch, take } from '../src/data/dataset.js';
import { defaultMnistDir, loadMnist, loadSplit } from '../src/data/mnistFiles.js';
import { simdBuild } from '../src/kernels/wasm/simd.js';
import { Sequential } from '../src/model/sequential.js';
import { createOptimizer } from '../src/optim/create.js';
import { SGD } from '../src/optim/sgd.js';
import { createParallelTrainer, type ParallelTrainer } from '../src/parallel/parallelTrainer.js';
import { presets } from '../src/presets.js';
import { allocate, sizeOf } from '../src/tensor/tensor.js';
import { evaluate, type TrainOptions, train } from '../src/train/trainer.js';
import { reply } from './children.js';
import { measure } from './measure.js';
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

async function throughput(
  config: Extract<OursChildConfig, { kind: 'throughput' }>,
): Promise<CaseResult> {
  const { id, task, batch, learningRate } = config.case;
  const data = loadSplit(defaultMnistDir(), 'train');
  const model = new Sequential(config.spec, { seed: 1 });
  let run: (start: number, count: number) => void;
  let close = async () => {};
  if (config.threads > 1 && task !== 'train')
    return { id, error: 'the parallel trainer only trains' };
  if (task === 'train') {
    // One thread or several, the same loop as `cnn train`: the library's trainer, which on
    // several threads splits each batch over them, scaling included.
    let gradients: ParallelTrainer | undefined;
    if (config.threads > 1) {
      const trainer = await createParallelTrainer(config.spec, {
        threads: config.threads,
        maxBatch: batch,
        model,
      });
      gradients = trainer;
      close = () => trainer.close();
    }
    const optimizer = new SGD();
    run = (start, count) => {
      train(model, slice(data, start, count), {
        optimizer,
        epochs: 1,
        batchSize: batch,
        learningRate,
        shuffle: false,
        seed: 1,
        gradients,
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
  await close();
  return { id, ...timing, maxRssBytes: maxRssBytes() };
}

/** Thrown from a trainer callback to end training: target reached or time is up. */
class TargetReached extends Error {}

/**
 * Trains a preset as `cnn train --preset NAME` does (its optimizer, schedule, augmentation and
 * epochs, so a schedule plans the same run), testing on all 10,000 test images after each
 * epoch, and stops at the first epoch whose test accuracy reaches the target. Wall seconds run
 * from the first training step, test passes included, data loading not.
 */
async function timeToAccuracy(
  config: Extract<OursChildConfig, { kind: 'timeToAccuracy' }>,
): Promise<CaseResult> {
  const id = 'timeToAccuracy';
  const preset = presets[config.presetName];
  if (!preset) return { id, error: `no ${config.presetName} preset` };
  const settings = preset.train;
  const optimizer = createOptimizer(settings.optimizer ?? { type: 'sgd' });
  const { train: trainSet, test } = loadMnist();
  const model = new Sequential(preset.spec, { seed: 1 });
  const parallel = await parallelTrainerFor(model, config.threads, settings.batchSize);
  const started = performance.now();
  let accuracy = 0;
  let epochs = 0;
  let seconds = 0;
  const options: TrainOptions = {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    schedule: settings.schedule,
    augment: settings.augment,
    shuffle: settings.shuffle,
    seed: 1,
    optimizer,
    gradients: parallel ?? undefined,
    onEpochEnd: (log) => {
      accuracy = evaluate(model, test, 500).accuracy;
      epochs = log.epoch;
      seconds = (performance.now() - started) / 1000;
      if (accuracy >= config.target) throw new TargetReached();
    },
    // The time cap also holds inside an epoch, so a slow engine still reports how far it got.
    onBatchEnd: () => {
      if (performance.now() - started > config.maxSeconds * 1000) throw new TargetReached();
    },
  };
  try {
    train(model, take(trainSet, settings.trainSize), options);
  } catch (error) {
    if (!(error instanceof TargetReached)) throw error;
  } finally {
    await parallel?.close();
  }
  const reached = accuracy >= config.target;
  if (!reached) seconds = (performance.now() - started) / 1000;
  return {
    id,
    seconds,
    epochs,
    accuracy,
    maxRssBytes: maxRssBytes(),
    ...(reached
      ? {}
      : {
          error: `stopped at ${config.maxSeconds} s: ${(accuracy * 100).toFixed(2)}% after ${epochs} epochs`,
        }),
  };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as OursChildConfig;
  const result =
    config.kind === 'throughput' ? await throughput(config) : await timeToAccuracy(config);
  reply({ versions: { node: process.version, simd: simdBuild() ?? 'off' }, results: [result] });
}

main().catch((error: unknown) => {
  reply({
    results: [{ id: 'ours', error: error instanceof Error ? error.message : String(error) }],
  });
});
