/**
 * The training run itself: the library's trainer on one thread or on the data-parallel trainer's
 * step, with the log lines, the progress bar, per-epoch tests and checkpoints `cnn train` prints
 * and writes. The only place the CLI calls `train()`.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { type Checkpoint, encodeModel, type ModelMetadata } from '../../src/model/modelFile.js';
import type { Sequential } from '../../src/model/sequential.js';
import type { OptimizerSpec } from '../../src/optim/create.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import type { Random } from '../../src/random/prng.js';
import { evaluate, type TrainResult, train } from '../../src/train/trainer.js';
import { type Output, round4 } from '../output.js';
import type { RunPlan } from './plan.js';
import { parallelTrainerFor } from './threads.js';

export interface TrainingRun {
  plan: RunPlan;
  model: Sequential;
  optimizerSpec: OptimizerSpec;
  optimizer: Optimizer;
  /** Shuffling and augmentation; saved in checkpoints. */
  rng: Random;
  trainSet: Dataset;
  testSet: Dataset;
  threads: number;
  stopAfter?: number;
  /** Write a checkpoint here after every epoch. */
  checkpoint?: string;
  metadataFor: (
    epochsDone: number,
    test: { accuracy: number; loss: number } | null,
  ) => ModelMetadata;
  out: Output;
}

/** The trainer's result, and when training started (after the threads were set up). */
export async function runTraining(r: TrainingRun): Promise<TrainResult & { startedAt: number }> {
  const { plan, model, optimizer, rng, out } = r;
  const { training, settings } = plan;
  const parallel = await parallelTrainerFor(model, r.threads, training.batchSize);
  const startedAt = performance.now();
  try {
    const result = train(model, r.trainSet, {
      gradients: parallel ?? undefined,
      optimizer,
      epochs: training.epochs,
      batchSize: training.batchSize,
      learningRate: training.learningRate,
      schedule: training.schedule,
      augment: training.augment,
      shuffle: training.shuffle,
      rng,
      startEpoch: plan.startEpoch,
      stopAfterEpoch: r.stopAfter,
      logEvery: training.logEvery,
      onEpochStart: (epoch) => out.line(`Epoch ${epoch}`),
      onLog: (log) =>
        out.line(
          `Step ${log.step}: loss = ${round4(log.loss)}, accuracy = ${round4(log.accuracy)}`,
        ),
      onBatchEnd: (epoch, done, total) =>
        out.progress(`epoch ${epoch}/${training.epochs}`, done, total),
      onEpochEnd: (log) => {
        let test: { accuracy: number; loss: number } | null = null;
        if (training.testEveryEpoch) {
          test = evaluate(model, r.testSet);
          out.line(
            `Epoch ${log.epoch}: train loss ${round4(log.loss)}, train accuracy ${round4(log.accuracy)}, test loss ${round4(test.loss)}, test accuracy ${round4(test.accuracy)}, ${log.seconds.toFixed(1)} s`,
          );
        }
        if (r.checkpoint) {
          const checkpoint: Checkpoint = {
            epoch: log.epoch,
            settings: { ...settings },
            optimizerKind: optimizer.kind,
            optimizerConfig: { ...r.optimizerSpec },
            optimizer: optimizer.getState(),
            trainRng: rng.getState(),
            noiseRng: model.noise.getState(),
          };
          writeFileAtomic(
            r.checkpoint,
            encodeModel(model, r.metadataFor(log.epoch, test), checkpoint),
          );
          out.line(`Saved checkpoint after epoch ${log.epoch} to ${r.checkpoint}`);
        }
      },
    });
    return { ...result, startedAt };
  } finally {
    await parallel?.close();
  }
}
