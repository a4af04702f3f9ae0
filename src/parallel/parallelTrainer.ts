/**
 * Data-parallel training over worker_threads (Node only): the batch's gradients are computed
 * over threads (shardedGradients.ts) and the training step is the single-thread one.
 *
 *   const parallel = await createParallelTrainer(spec, { threads: 2, seed: 1, maxBatch: 128 });
 *   train(parallel.model, trainSet, { epochs, batchSize: 128, gradients: parallel });
 *   evaluate(parallel.model, testSet);  // parallel.model holds the current weights
 *   await parallel.close();
 *
 * With threads = 1 this is `train` on one thread, bit for bit.
 */
import { availableParallelism } from 'node:os';
import { Sequential } from '../model/sequential.js';
import type { ModelSpec } from '../model/spec.js';
import { spawnNodeWorker } from './nodeTransport.js';
import { createShardedGradients, type ShardedGradients } from './shardedGradients.js';

/** How many threads a parallel trainer uses and the model it trains. */
export interface ParallelOptions {
  /** Threads including the main thread (default: all cores). */
  threads?: number;
  /** Weight initialisation seed, as `new Sequential(spec, { seed })` (default 1). */
  seed?: number;
  /** Largest batch it will be given (sizes the shared buffers; default 128). */
  maxBatch?: number;
  /**
   * Train this (float32) model instead of a new one from `spec` and `seed`: how a run resumed
   * from a checkpoint continues with its restored weights.
   */
  model?: Sequential;
  /** Time each part of every step on every thread: see `phaseTimes()` (default false). */
  timePhases?: boolean;
}

/** A model's batch gradients computed over worker threads; see {@link createParallelTrainer}. */
export type ParallelTrainer = ShardedGradients;

/**
 * Starts the worker threads and returns a trainer for a new model of `spec` (or `options.model`):
 * pass it to `train` as `gradients`, and `close()` it when done.
 */
export async function createParallelTrainer(
  spec: ModelSpec,
  options: ParallelOptions = {},
): Promise<ParallelTrainer> {
  const model = options.model ?? new Sequential(spec, { seed: options.seed ?? 1 });
  return createShardedGradients(
    model,
    options.threads ?? availableParallelism(),
    options.maxBatch ?? 128,
    spawnNodeWorker,
    { timePhases: options.timePhases },
  );
}
