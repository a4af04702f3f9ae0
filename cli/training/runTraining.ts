/**
 * The training run itself: the library's trainer on one thread or on the data-parallel trainer's
 * step, with the log lines, the progress bar, per-epoch tests and checkpoints `cnn train` prints
 * and writes, and interrupts: the first Ctrl-C or SIGTERM stops the run after the current step
 * and saves a checkpoint of that exact point. The only place the CLI runs the trainer.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { type Checkpoint, encodeModel, type ModelMetadata } from '../../src/model/modelFile.js';
import type { Sequential } from '../../src/model/sequential.js';
import type { OptimizerSpec } from '../../src/optim/create.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import type { Random } from '../../src/random/prng.js';
import {
  evaluate,
  type TrainPosition,
  type TrainResult,
  trainSteps,
} from '../../src/train/trainer.js';
import { type Output, round4 } from '../output.js';
import { catchInterrupts, eventLoopPauser } from './interrupts.js';
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
  /** Where an interrupted run saves its checkpoint. */
  interruptCheckpoint: string;
  /** Inside which epoch a resumed run continues. */
  resumeAt?: TrainPosition;
  metadataFor: (
    epochsDone: number,
    test: { accuracy: number; loss: number } | null,
  ) => ModelMetadata;
  out: Output;
}

export type TrainingOutcome = TrainResult & {
  /** When training started (after the threads were set up). */
  startedAt: number;
  /** Set when a signal stopped the run: where, and the checkpoint saved there. */
  interrupted?: { position: TrainPosition; checkpoint: string };
};

export async function runTraining(r: TrainingRun): Promise<TrainingOutcome> {
  const { plan, model, optimizer, rng, out } = r;
  const { training, settings } = plan;
  const saveCheckpoint = (
    file: string,
    epochsDone: number,
    test: { accuracy: number; loss: number } | null,
    position?: TrainPosition,
  ) => {
    const checkpoint: Checkpoint = {
      epoch: epochsDone,
      settings: { ...settings },
      optimizerKind: optimizer.kind,
      optimizerConfig: { ...r.optimizerSpec },
      optimizer: optimizer.getState(),
      trainRng: rng.getState(),
      noiseRng: model.noise.getState(),
      ...(position
        ? {
            position: {
              samplesDone: position.samplesDone,
              epochRng: position.epochRng,
              lossSum: position.lossSum,
              correct: position.correct,
            },
          }
        : {}),
    };
    writeFileAtomic(file, encodeModel(model, r.metadataFor(epochsDone, test), checkpoint));
  };
  const parallel = await parallelTrainerFor(model, r.threads, training.batchSize);
  const interrupts = catchInterrupts((signal) =>
    out.line(
      `${signal}: stopping after the current step to save a checkpoint (again to quit at once)`,
    ),
  );
  const startedAt = performance.now();
  let testSeconds = 0; // test passes, left out of the time to the target accuracy
  let targetReached = false;
  try {
    const steps = trainSteps(model, r.trainSet, {
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
      resumeAt: r.resumeAt,
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
          const testStart = performance.now();
          const trainedSeconds = (testStart - startedAt) / 1000 - testSeconds;
          test = evaluate(model, r.testSet);
          testSeconds += (performance.now() - testStart) / 1000;
          out.line(
            `Epoch ${log.epoch}: train loss ${round4(log.loss)}, train accuracy ${round4(log.accuracy)}, test loss ${round4(test.loss)}, test accuracy ${round4(test.accuracy)}, ${log.seconds.toFixed(1)} s`,
          );
          const target = training.targetAccuracy;
          if (target !== undefined && !targetReached && test.accuracy >= target) {
            targetReached = true;
            out.line(
              `Reached ${(100 * target).toFixed(1)}% test accuracy (${(100 * test.accuracy).toFixed(2)}%) after epoch ${log.epoch}: ${trainedSeconds.toFixed(1)} s of training wall time, test passes not counted`,
            );
          }
        }
        if (r.checkpoint) {
          saveCheckpoint(r.checkpoint, log.epoch, test);
          out.line(`Saved checkpoint after epoch ${log.epoch} to ${r.checkpoint}`);
        }
      },
    });
    const pause = eventLoopPauser();
    const epochs: TrainResult['epochs'] = [];
    for (;;) {
      const next = steps.next();
      if (next.done) return { ...next.value, startedAt };
      // Signal handlers run only when the event loop does.
      const paused = pause();
      if (paused) await paused;
      if (interrupts.requested()) {
        const position = next.value;
        saveCheckpoint(r.interruptCheckpoint, position.epoch - 1, null, position);
        steps.return({ epochs, trainSeconds: 0, imagesPerSecond: 0 });
        return {
          epochs,
          trainSeconds: 0,
          imagesPerSecond: 0,
          startedAt,
          interrupted: { position, checkpoint: r.interruptCheckpoint },
        };
      }
    }
  } finally {
    interrupts.dispose();
    await parallel?.close();
  }
}
