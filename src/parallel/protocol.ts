/**
 * The shared memory layout between the parallel trainer and its workers (see
 * parallelTrainer.ts). Everything a step needs travels through SharedArrayBuffers; the only
 * messages are `ready` at start-up and `error` when a worker fails.
 */
import type { ModelSpec } from '../model/spec.js';

/** Int32 slots of the control array. */
export const CONTROL = {
  /** Incremented by the main thread to start a step; workers wait on it. */
  generation: 0,
  /** Non-zero tells the workers to exit. */
  stop: 1,
  /** Samples in the whole batch. */
  batchSize: 2,
  /**
   * Seed for this step's dropout masks in the workers, drawn from the main model's noise stream
   * so that stream alone (saved in checkpoints) decides every mask: resumed runs repeat exactly.
   */
  noiseSeed: 3,
  /** Per worker w: first sample of its shard at FIRST + 2w, count at FIRST + 2w + 1. */
  first: 8,
} as const;

/** Where worker w reports: DONE + w holds the generation it finished (negative on error). */
export function doneSlot(threads: number, worker: number): number {
  return CONTROL.first + 2 * threads + worker;
}

export function controlLength(threads: number): number {
  return CONTROL.first + 3 * threads;
}

export interface WorkerInit {
  spec: ModelSpec;
  /** 1-based: worker w computes shard w (the main thread does shard 0). */
  worker: number;
  threads: number;
  control: SharedArrayBuffer;
  /** Current weights, all parameters back to back in model.params() order (float32). */
  weights: SharedArrayBuffer;
  /** One gradient block per worker, same layout as weights. */
  grads: SharedArrayBuffer;
  /** Batch pixels (float32, maxBatch * pixels) and labels (int32, maxBatch). */
  inputs: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** Per worker: loss sum and correct count (float64 pairs). */
  results: SharedArrayBuffer;
}
