/**
 * Data-parallel training over worker_threads (Node only).
 *
 *   const trainer = await createParallelTrainer(spec, { threads: 2, seed: 1, maxBatch: 128 });
 *   const { loss, correct } = trainer.step(x, labels, n, learningRate); // one SGD step
 *   evaluate(trainer.model, testSet);  // trainer.model holds the current weights
 *   await trainer.close();
 *
 * `step` does what src/train/trainer.ts does for one batch (forward, fused softmax
 * cross-entropy with the batch-mean gradient, backward, then the optimizer: plain SGD unless
 * `options.optimizer` is given), split across threads: the
 * batch is cut into `threads` contiguous shards; the main thread runs shard 0 on `trainer.model`
 * while worker w runs shard w on its own copy of the model, whose weights it copies from a
 * SharedArrayBuffer at the start of the step. Worker gradients come back through shared memory and
 * are added to the main thread's in worker order 1, 2, ..., so a run is deterministic for a given
 * thread count. With threads = 1 no worker is started and the arithmetic is exactly the
 * single-thread trainer's (bitwise). Threads synchronise with Atomics.wait/notify, not messages,
 * so a step costs no event-loop round trip; `step` is therefore synchronous.
 *
 * Layers whose forward pass depends on the whole batch (batch norm statistics) would see only
 * their shard: a known limitation of plain data parallelism.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sgdUpdate } from '../kernels/sgd.js';
import type { Param } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import type { ModelSpec } from '../model/spec.js';
import type { FloatArray } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/tensor.js';
import { CONTROL, controlLength, doneSlot, type WorkerInit } from './protocol.js';
import { ShardRunner } from './shard.js';

/** Threads, seed and optimizer of a ParallelTrainer. */
export interface ParallelOptions {
  /** Threads including the main thread (default: all cores). */
  threads?: number;
  /** Weight initialisation seed, as `new Sequential(spec, { seed })` (default 1). */
  seed?: number;
  /** Largest batch `step` will be given (sizes the shared buffers; default 128). */
  maxBatch?: number;
  /**
   * Applies the reduced gradients to `model.params()` and zeroes them, like src/optim's
   * optimizers (it runs on the main thread only, so its state needs no sharing). Default: plain
   * SGD through the sgdUpdate kernel, which is what the SGD optimizer does.
   */
  optimizer?: {
    /** One update of every parameter at this learning rate. */
    step(params: readonly Param[], learningRate: number): void;
  };
  /**
   * Train this (float32) model instead of a new one from `spec` and `seed`: how a run resumed
   * from a checkpoint continues with its restored weights.
   */
  model?: Sequential;
}

/** Summed loss and correct predictions of one parallel step. */
export interface StepResult {
  /** Mean loss over the batch, as the single-thread trainer reports it. */
  loss: number;
  /** Samples whose largest logit is their label. */
  correct: number;
}

/** Data-parallel training steps over worker threads. */
export interface ParallelTrainer {
  readonly threads: number;
  /** The model being trained (float32); its parameters are the current weights. */
  readonly model: Sequential;
  /** One SGD step on samples x [n, ...inputShape] with integer labels. */
  step(x: FloatArray, labels: ArrayLike<number>, n: number, learningRate: number): StepResult;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Starts worker threads that each train a copy of the model on a share of every batch. */
export async function createParallelTrainer(
  spec: ModelSpec,
  options: ParallelOptions = {},
): Promise<ParallelTrainer> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new Error(`threads must be a whole number from 1 to 256, got ${threads}`);
  const maxBatch = options.maxBatch ?? 128;
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new Error(`maxBatch must be a positive whole number, got ${maxBatch}`);
  const model = options.model ?? new Sequential(spec, { seed: options.seed ?? 1 });
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

  const workers: Worker[] = [];
  const errors: string[] = [];
  const started: Promise<void>[] = [];
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
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
    workers.push(worker);
    started.push(
      new Promise((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: { type: string; message?: string }) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'error') errors.push(m.message ?? 'worker failed');
        });
      }),
    );
  }
  try {
    await Promise.all(started);
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  for (const w of workers) w.unref();

  const publishWeights = (): void => {
    let off = 0;
    for (const p of params) {
      weights.set(p.value, off);
      off += p.value.length;
    }
  };
  publishWeights();
  let generation = 0;
  let closed = false;

  const step = (
    x: FloatArray,
    labels: ArrayLike<number>,
    n: number,
    learningRate: number,
  ): StepResult => {
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
      inputs.set(x.subarray(0, n * px));
      control[CONTROL.batchSize] = n;
      control[CONTROL.noiseSeed] = model.noise.nextUint32() | 0;
      for (let w = 1; w < threads; w++) {
        control[CONTROL.first + 2 * w] = shardStart(w);
        control[CONTROL.first + 2 * w + 1] = shardStart(w + 1) - shardStart(w);
      }
      generation++;
      Atomics.store(control, CONTROL.generation, generation);
      Atomics.notify(control, CONTROL.generation);
    }
    const own = runner.run(extra > 0 ? inputs : x, labelBuf, 0, shardStart(1), n);
    let lossSum = own.lossSum;
    let correct = own.correct;
    for (let w = 1; w <= extra; w++) {
      const slot = doneSlot(threads, w);
      for (;;) {
        const v = Atomics.load(control, slot);
        if (v === generation) break;
        if (v === -generation)
          throw new Error(`worker ${w} failed: ${errors.shift() ?? 'unknown error'}`);
        Atomics.wait(control, slot, v, 1000);
      }
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
    if (options.optimizer) options.optimizer.step(params, learningRate);
    else for (const p of params) sgdUpdate(p.value, p.grad, learningRate);
    if (extra > 0) publishWeights();
    return { loss: lossSum / n, correct };
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    Atomics.store(control, CONTROL.stop, 1);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    await Promise.all(workers.map((w) => w.terminate()));
  };

  return { threads, model, step, close };
}
