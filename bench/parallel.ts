/**
 * The 2-thread rows come from the speed helper's data-parallel trainer in src/parallel/
 * (`createParallelTrainer(spec, { threads, seed, maxBatch })`, then `step(x, labels, n, lr)`).
 * It is loaded at run time so this harness builds and runs on checkouts without it, where those
 * rows are skipped with the reason.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelSpec } from '../src/model/spec.js';
import type { FloatArray } from '../src/tensor/tensor.js';

/** What the bench uses of src/parallel/parallelTrainer.ts. */
export interface ParallelTrainerLike {
  step(
    x: FloatArray,
    labels: ArrayLike<number>,
    n: number,
    learningRate: number,
  ): { loss: number; correct: number };
  close(): Promise<void>;
}

type CreateParallelTrainer = (
  spec: ModelSpec,
  options: { threads: number; seed: number; maxBatch: number },
) => Promise<ParallelTrainerLike>;

/** dist/src/parallel/parallelTrainer.js next to this compiled file (dist/bench/). */
const modulePath = fileURLToPath(new URL('../src/parallel/parallelTrainer.js', import.meta.url));

/** Why threads > 1 cannot be measured in this checkout, or null when they can. */
export function parallelUnavailable(): string | null {
  return existsSync(modulePath) ? null : 'no src/parallel (data-parallel trainer) yet';
}

export async function createParallelTrainer(
  spec: ModelSpec,
  threads: number,
  maxBatch: number,
): Promise<ParallelTrainerLike> {
  const module = (await import(modulePath)) as { createParallelTrainer?: CreateParallelTrainer };
  if (typeof module.createParallelTrainer !== 'function') {
    throw new Error('src/parallel/parallelTrainer.js exports no createParallelTrainer');
  }
  return module.createParallelTrainer(spec, { threads, seed: 1, maxBatch });
}
