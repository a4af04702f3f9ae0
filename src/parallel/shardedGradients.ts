/**
 * A batch's gradients computed over threads (data parallelism), independent of the threading
 * system (a SpawnWorker starts the workers; see transport.ts). The batch is cut into `threads`
 * contiguous shards; the calling thread computes shard 0 on `model` while worker w computes
 * shard w on its own copy of the model, whose weights it copies from a SharedArrayBuffer at the
 * start of the step. Worker gradients come back through shared memory and are added to the
 * calling thread's in worker order 1, 2, ..., so a run is deterministic for a given thread count.
 * With threads = 1 no worker is started and the arithmetic is the single-thread trainer's
 * (bitwise): both are a ShardRunner over the whole batch. Threads synchronise with
 * Atomics.wait/notify, not messages, so a step costs no event-loop round trip and `compute` is
 * synchronous; each waiting thread spins briefly before it sleeps (spinWait.ts), since waking a
 * sleeping thread costs as much as a tenth of a small net's step. The optimizer is not here: the
 * training step (src/train/step.ts) runs it.
 * A worker that throws, exits or stops answering fails the step with a one-line error naming it
 * (workerWatch.ts) rather than leaving this thread waiting for ever.
 *
 * Batch norm, whose forward pass depends on the whole batch, adds its statistics up across the
 * threads (crossThreadSums.ts), so N threads train the model one thread does, up to the order
 * of float additions.
 */
import type { Sequential } from '../model/sequential.js';
import { type FloatArray, sizeOf } from '../tensor/tensor.js';
import { type BatchGradients, type GradientSums, ShardRunner } from '../train/gradients.js';
import {
  createCrossThreadSums,
  crossThreadSumLength,
  synchronisedLayers,
} from './crossThreadSums.js';
import {
  arrivalSlot,
  CONTROL,
  controlLength,
  doneSlot,
  ERROR_BYTES,
  type WorkerInit,
} from './protocol.js';
import { Spinner } from './spinWait.js';
import type { SpawnWorker, WorkerHandle } from './transport.js';
import { stallLimitMs, type WorkerWatch, waitForWorker } from './workerWatch.js';

/**
 * Computes each batch's gradients over threads for its `model`; pass it as `train`'s
 * `gradients` option, and close it when done.
 */
export interface ShardedGradients extends BatchGradients {
  /** Threads including the calling one. */
  readonly threads: number;
  /** Stops the workers. */
  close(): Promise<void>;
}

export async function createShardedGradients(
  model: Sequential,
  threads: number,
  maxBatch: number,
  spawn: SpawnWorker,
): Promise<ShardedGradients> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new Error(`threads must be a whole number from 1 to 256, got ${threads}`);
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new Error(`maxBatch must be a positive whole number, got ${maxBatch}`);
  if (model.dtype !== 'float32') throw new Error('parallel training needs a float32 model');
  const params = model.params();
  const paramCount = params.reduce((s, p) => s + p.value.length, 0);
  const px = sizeOf(model.inputShape);
  const runner = new ShardRunner(model);
  const extra = threads - 1;

  const control = new Int32Array(new SharedArrayBuffer(4 * controlLength(threads)));
  const weights = new Float32Array(new SharedArrayBuffer(4 * paramCount));
  const grads = new Float32Array(new SharedArrayBuffer(4 * paramCount * Math.max(1, extra)));
  const inputs = new Float32Array(new SharedArrayBuffer(4 * maxBatch * px));
  const labelBuf = new Int32Array(new SharedArrayBuffer(4 * maxBatch));
  const results = new Float64Array(new SharedArrayBuffer(16 * threads));
  const errors = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES * Math.max(1, extra)));
  const watch: WorkerWatch = { control, errors, threads, spinner: new Spinner() };
  const sumLength = extra > 0 ? crossThreadSumLength(model) : 0;
  const sums = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, 2 * threads * sumLength)));

  const workers: WorkerHandle[] = [];
  for (let w = 1; w <= extra; w++) {
    const init: WorkerInit = {
      spec: model.spec,
      worker: w,
      threads,
      control: control.buffer as SharedArrayBuffer,
      weights: weights.buffer as SharedArrayBuffer,
      grads: grads.buffer as SharedArrayBuffer,
      inputs: inputs.buffer as SharedArrayBuffer,
      labels: labelBuf.buffer as SharedArrayBuffer,
      results: results.buffer as SharedArrayBuffer,
      errors: errors.buffer as SharedArrayBuffer,
      sums: sums.buffer as SharedArrayBuffer,
      sumLength,
    };
    workers.push(spawn(init));
  }
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }

  const publishWeights = (): void => {
    let off = 0;
    for (const p of params) {
      weights.set(p.value, off);
      off += p.value.length;
    }
  };
  let generation = 0;
  let closed = false;
  let stepStarted = 0;
  const crossThread = createCrossThreadSums(control, sums, threads, sumLength, 0, (t, count) => {
    const arrived = performance.now();
    const limit = stallLimitMs(arrived - stepStarted);
    waitForWorker(watch, t, arrivalSlot(threads, t), (v) => v >= count, arrived, limit);
  });
  const layers = sumLength > 0 ? synchronisedLayers(model) : [];
  for (const layer of layers) layer.crossThreadSum = crossThread.sum;

  const compute = (x: FloatArray, labels: ArrayLike<number>, n: number): GradientSums => {
    if (closed) throw new Error('parallel trainer is closed');
    if (!Number.isInteger(n) || n < 1 || n > maxBatch)
      throw new Error(`batch size must be from 1 to ${maxBatch}, got ${n}`);
    if (x.length < n * px || labels.length < n)
      throw new Error(`need ${n} samples of ${px} values and ${n} labels`);
    for (let i = 0; i < n; i++) labelBuf[i] = labels[i];
    // Contiguous shards, the first n % threads one sample larger.
    const base = Math.floor(n / threads);
    const rem = n % threads;
    const shardStart = (w: number) => w * base + Math.min(w, rem);
    if (extra > 0) {
      publishWeights();
      // Only the workers' shards: this thread reads its own from x.
      inputs.set(x.subarray(shardStart(1) * px, n * px), shardStart(1) * px);
      control[CONTROL.batchSize] = n;
      control[CONTROL.noiseSeed] = model.noise.nextUint32() | 0;
      control[CONTROL.sumThreads] = Math.min(n, threads);
      for (let t = 0; t < threads; t++) control[arrivalSlot(threads, t)] = 0;
      crossThread.startStep();
      for (let w = 1; w < threads; w++) {
        control[CONTROL.first + 2 * w] = shardStart(w);
        control[CONTROL.first + 2 * w + 1] = shardStart(w + 1) - shardStart(w);
      }
      generation++;
      Atomics.store(control, CONTROL.generation, generation);
      Atomics.notify(control, CONTROL.generation);
    }
    const started = performance.now();
    stepStarted = started;
    const own = runner.run(x, labelBuf, 0, shardStart(1), n);
    const ownDone = performance.now();
    const limit = stallLimitMs(ownDone - started);
    let lossSum = own.lossSum;
    let correct = own.correct;
    for (let w = 1; w <= extra; w++) {
      const step = generation;
      waitForWorker(watch, w, doneSlot(threads, w), (v) => v === step, ownDone, limit);
      if (shardStart(w + 1) === shardStart(w)) continue; // empty shard: no gradient
      let off = (w - 1) * paramCount;
      for (const p of params) {
        const g = p.grad;
        for (let i = 0; i < g.length; i++) g[i] += grads[off + i];
        off += g.length;
      }
      lossSum += results[2 * w];
      correct += results[2 * w + 1];
    }
    return { lossSum, correct };
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const layer of layers) layer.crossThreadSum = null;
    Atomics.store(control, CONTROL.stop, 1);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    await Promise.all(workers.map((w) => w.terminate()));
  };

  return { threads, model, compute, close };
}
