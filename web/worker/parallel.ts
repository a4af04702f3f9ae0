/**
 * Data-parallel training over Web Workers, for cross-origin-isolated pages (SharedArrayBuffer).
 * The library's own parallel trainer uses Node's worker_threads; this is the same scheme for the
 * browser, with the same shard pass (src/parallel/shard.ts, browser-safe):
 *
 *   - the training worker (shard 0) and `workers - 1` gradient workers each hold a replica of the
 *     model; a batch is cut into `workers` contiguous shards;
 *   - per step the training worker writes the current weights and the other shards' samples into
 *     shared memory and wakes the gradient workers (Atomics), runs shard 0 itself, then adds the
 *     gradient workers' gradients to its own in worker order 1, 2, ... and runs the optimizer;
 *   - so the optimizer and its state live in one place, and a run is deterministic for a given
 *     worker count.
 *
 * The gradient workers block in Atomics.wait between steps; they are stopped by terminate().
 */
import type { Optimizer, Sequential } from '../../src/index.js';
import { type BatchStep, ShardRunner } from './training.js';

/** Control words: [generation, batch size n (or -1: stop), done generation of worker 1, 2, ...]. */
export const GENERATION = 0;
export const BATCH = 1;
export const doneSlot = (worker: number) => 1 + worker;

export interface PoolBuffers {
  control: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  inputs: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** (workers - 1) gradient blocks of paramCount floats. */
  grads: SharedArrayBuffer;
  /** (workers - 1) pairs [loss sum, correct]. */
  results: SharedArrayBuffer;
}

/** What a gradient worker is started with. */
export interface GradientWorkerInit {
  spec: Sequential['spec'];
  seed: number;
  /** This worker's shard index, 1 .. workers - 1. */
  index: number;
  workers: number;
  buffers: PoolBuffers;
}

/** Shard w of a batch of n split over `workers`: [start, start + count). */
export function shardRange(n: number, workers: number, w: number): [number, number] {
  const base = Math.floor(n / workers);
  const extra = n % workers;
  const start = w * base + Math.min(w, extra);
  return [start, base + (w < extra ? 1 : 0)];
}

export function paramCount(model: Sequential): number {
  return model.params().reduce((s, p) => s + p.value.length, 0);
}

export interface WorkerPool {
  readonly workers: number;
  /** The step hook for TrainingRun: the batch split over every worker. */
  makeStep(model: Sequential, optimizer: Optimizer): BatchStep;
  close(): void;
}

export async function createWorkerPool(
  model: Sequential,
  seed: number,
  workers: number,
  maxBatch: number,
): Promise<WorkerPool> {
  const px = model.inputShape.reduce((a, b) => a * b, 1);
  const count = paramCount(model);
  const buffers: PoolBuffers = {
    control: new SharedArrayBuffer(4 * (2 + workers)),
    weights: new SharedArrayBuffer(4 * count),
    inputs: new SharedArrayBuffer(4 * maxBatch * px),
    labels: new SharedArrayBuffer(4 * maxBatch),
    grads: new SharedArrayBuffer(4 * count * (workers - 1)),
    results: new SharedArrayBuffer(8 * 2 * (workers - 1)),
  };
  const started = await Promise.all(
    Array.from({ length: workers - 1 }, (_, i) => {
      const worker = new Worker(new URL('gradientWorker.js', import.meta.url), {
        type: 'module',
        name: `gradients ${i + 1}`,
      });
      const init: GradientWorkerInit = { spec: model.spec, seed, index: i + 1, workers, buffers };
      return new Promise<Worker>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<{ ready?: boolean; error?: string }>) => {
          if (e.data.ready) resolve(worker);
          else reject(new Error(e.data.error ?? 'a gradient worker failed to start'));
        };
        worker.onerror = (e) => reject(new Error(`a gradient worker failed: ${e.message}`));
        worker.postMessage(init);
      });
    }),
  );
  const control = new Int32Array(buffers.control);
  const weights = new Float32Array(buffers.weights);
  const inputs = new Float32Array(buffers.inputs);
  const labelsShared = new Int32Array(buffers.labels);
  const grads = new Float32Array(buffers.grads);
  const results = new Float64Array(buffers.results);

  return {
    workers,
    makeStep(stepModel, optimizer) {
      const shard = new ShardRunner(stepModel);
      const params = stepModel.params();
      return (x, labels, n, lr) => {
        let off = 0;
        for (const p of params) {
          weights.set(p.value, off);
          off += p.value.length;
        }
        const [firstOther] = shardRange(n, workers, 1);
        inputs.set(x.data.subarray(firstOther * px, n * px), firstOther * px);
        labelsShared.set(labels.subarray(0, n));
        Atomics.store(control, BATCH, n);
        const generation = Atomics.add(control, GENERATION, 1) + 1;
        Atomics.notify(control, GENERATION);
        const [, count0] = shardRange(n, workers, 0);
        const local = shard.run(x.data, labels, 0, count0, n);
        let lossSum = local.lossSum;
        let correct = local.correct;
        for (let w = 1; w < workers; w++) {
          for (;;) {
            const done = Atomics.load(control, doneSlot(w));
            if (done === generation) break;
            Atomics.wait(control, doneSlot(w), done);
          }
          let g = (w - 1) * count;
          for (const p of params) {
            const grad = p.grad;
            for (let i = 0; i < grad.length; i++, g++) grad[i] += grads[g];
          }
          lossSum += results[2 * (w - 1)];
          correct += results[2 * (w - 1) + 1];
        }
        optimizer.step(params, lr);
        return { loss: lossSum / n, correct };
      };
    },
    close() {
      Atomics.store(control, BATCH, -1);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      for (const w of started) w.terminate();
    },
  };
}
