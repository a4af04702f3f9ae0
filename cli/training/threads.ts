/** How many threads `cnn train` shares each mini-batch across. */
import { availableParallelism } from 'node:os';
import type { Sequential } from '../../src/model/sequential.js';
import { createParallelTrainer, type ParallelTrainer } from '../../src/parallel/parallelTrainer.js';

/** The cores this process may use (the most `--threads` accepts). */
export function machineCores(): number {
  return availableParallelism();
}

/**
 * Data parallelism splits a batch across threads (all cores by default), so a batch of one
 * sample runs on one thread. Batch norm adds its statistics up across the threads, so models
 * with it train as on one thread, up to float rounding.
 */
export function threadsFor(batchSize: number, asked?: number): number {
  return batchSize > 1 ? (asked ?? machineCores()) : 1;
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
