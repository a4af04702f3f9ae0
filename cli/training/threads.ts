/** How many threads `cnn train` shares each mini-batch across. */
import { availableParallelism } from 'node:os';
import type { Sequential } from '../../src/model/sequential.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { createParallelTrainer, type ParallelTrainer } from '../../src/parallel/parallelTrainer.js';

/**
 * Data parallelism splits a batch across threads, so a batch of one sample runs on one thread.
 * Batch norm would see only its thread's shard of the batch, which changes the maths (best:
 * 0.9945 on 2 threads against 0.995 on 1), so such models use one thread unless asked.
 */
export function threadsFor(spec: ModelSpec, batchSize: number, asked?: number): number {
  const perBatchLayers = spec.layers.some((l) => l.type === 'batchNorm');
  const defaultThreads = perBatchLayers ? 1 : availableParallelism();
  return batchSize > 1 ? (asked ?? defaultThreads) : 1;
}

/** Trainer threads sharing each batch of up to `maxBatch` samples of `model`, or null for one
 * thread (the model trains on its own). */
export async function parallelTrainerFor(
  model: Sequential,
  threads: number,
  maxBatch: number,
): Promise<ParallelTrainer | null> {
  return threads > 1 ? createParallelTrainer(model.spec, { threads, maxBatch, model }) : null;
}
