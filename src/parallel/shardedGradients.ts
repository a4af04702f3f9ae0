/**
 * A batch's gradients computed over threads (data parallelism), independent of the threading
 * system (a SpawnWorker starts the workers; see transport.ts). The batch is cut into `threads`
 * contiguous shards; the calling thread computes shard 0 on `model` while worker w computes
 * shard w on its own copy of the model, whose weights it copies in at the start of the step. In
 * Node the arena is shared (src/tensor/arena.ts) and a worker works in this thread's arena: it
 * copies the weights from a copy this thread makes there each step, and this thread adds the
 * worker's gradients where the worker left them, all with WebAssembly copies and the SIMD add.
 * Elsewhere (Web Workers) the weights and gradients go through SharedArrayBuffers, which V8
 * copies a word at a time. A batch given as samples of a dataset (`computeSamples`, as `train` gives
 * it) is scaled to floats by the thread that computes each shard: the calling thread reads its
 * own straight from the dataset, the workers theirs from a shared copy of their samples' bytes,
 * a quarter of the floats' size. Worker gradients are added to the calling thread's in worker
 * order 1, 2, ..., so a run is deterministic for a given thread count (and the same whether the
 * arena is shared or not).
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
import { copySamples, type Dataset } from '../data/dataset.js';
import { copyRange } from '../kernels/bulk.js';
import { sgdUpdate } from '../kernels/sgd.js';
import type { Sequential } from '../model/sequential.js';
import { arenaFloat32View, arenaMemory, arenaShared, inArena } from '../tensor/arena.js';
import { allocate, type FloatArray, release, sizeOf } from '../tensor/tensor.js';
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
  gradientAddressSlots,
  INPUT,
  sharedSamples,
  type WorkerInit,
} from './protocol.js';
import { Spinner } from './spinWait.js';
import {
  CALLING_PHASES,
  PhaseClock,
  type PhaseTimes,
  phaseBufferBytes,
  readPhaseTimes,
} from './stepPhases.js';
import type { SpawnWorker, WorkerHandle } from './transport.js';
import { stallLimitMs, type WorkerWatch, waitForWorker } from './workerWatch.js';

/**
 * Computes each batch's gradients over threads for its `model`; pass it as `train`'s
 * `gradients` option, and close it when done.
 */
export interface ShardedGradients extends BatchGradients {
  /** Threads including the calling one. */
  readonly threads: number;
  /**
   * Whether every worker works in this thread's (shared) arena, so no weights or gradients are
   * copied through shared buffers (Node; see src/tensor/arena.ts).
   */
  readonly sharedArena: boolean;
  /** See BatchGradients; here every thread scales its own shard. */
  computeSamples(
    data: Dataset,
    order: ArrayLike<number> | null,
    start: number,
    n: number,
  ): GradientSums;
  /**
   * With `timePhases`: mean microseconds per step of each part of the step, on every thread,
   * since the trainer started or `resetPhaseTimes` was last called (stepPhases.ts); else null.
   */
  phaseTimes(): PhaseTimes | null;
  /** Starts the phase times afresh (call it between steps, e.g. after a warm-up). */
  resetPhaseTimes(): void;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Options of createShardedGradients. */
export interface ShardedOptions {
  /** Time each part of every step on every thread (see `phaseTimes`); default false. */
  timePhases?: boolean;
}

/**
 * into += from, element by element, then from = 0: the SGD kernel at learning rate -1, whose
 * value - (-1 * grad) is value + grad exactly (SIMD where both arrays are in the arena).
 */
function addInto(into: FloatArray, from: FloatArray): void {
  sgdUpdate(into, from, -1);
}

export async function createShardedGradients(
  model: Sequential,
  threads: number,
  maxBatch: number,
  spawn: SpawnWorker,
  options: ShardedOptions = {},
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
  const samples = sharedSamples(
    model.inputShape,
    new SharedArrayBuffer(maxBatch * px),
    new SharedArrayBuffer(maxBatch),
  );
  const results = new Float64Array(new SharedArrayBuffer(16 * threads));
  const errors = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES * Math.max(1, extra)));
  const watch: WorkerWatch = { control, errors, threads, spinner: new Spinner() };
  const sumLength = extra > 0 ? crossThreadSumLength(model) : 0;
  const sums = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, 2 * threads * sumLength)));
  // In a shared arena (protocol.ts) the workers read the weights from a copy of them there, made
  // each step: not from the weights themselves, as the optimizer's writes to lines another core
  // has just read cost several times as much (the tutorial net's SGD: 9.7 against 1.95 us).
  const arenaCopy =
    extra > 0 && arenaShared() ? params.map((p) => allocate('float32', p.value.length)) : [];
  const shareable =
    arenaCopy.length > 0 &&
    [...params.flatMap((p) => [p.value, p.grad]), ...arenaCopy].every(inArena);
  // Not shareable after all (an arena too full): no copy is made, so give its blocks back.
  if (!shareable) for (const a of arenaCopy) release(a);
  const addressSlots = gradientAddressSlots(params.length);
  const gradientAddresses = new Int32Array(
    new SharedArrayBuffer(4 * addressSlots * Math.max(1, extra)),
  );
  const phases = options.timePhases ? new SharedArrayBuffer(phaseBufferBytes(threads)) : undefined;

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
      sampleBytes: samples.images.buffer as SharedArrayBuffer,
      sampleLabels: samples.labels.buffer as SharedArrayBuffer,
      results: results.buffer as SharedArrayBuffer,
      errors: errors.buffer as SharedArrayBuffer,
      sums: sums.buffer as SharedArrayBuffer,
      sumLength,
      phases,
      arenaMemory: shareable ? (arenaMemory() ?? undefined) : undefined,
      weightAddresses: shareable ? arenaCopy.map((a) => a.byteOffset) : undefined,
      gradientAddresses: gradientAddresses.buffer as SharedArrayBuffer,
    };
    workers.push(spawn(init));
  }
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }

  // Each worker's gradients where they are, in a shared arena; null for a worker that copies
  // them out instead (a Web Worker, or an unshared arena).
  const workerGrads: (Float32Array[] | null)[] = [];
  for (let w = 1; w <= extra; w++) {
    const at = addressSlots * (w - 1);
    const views = params.map((p, k) =>
      Atomics.load(gradientAddresses, at) === 1
        ? arenaFloat32View(gradientAddresses[at + 1 + k], p.grad.length)
        : null,
    );
    workerGrads.push(views.every((v) => v !== null) ? (views as Float32Array[]) : null);
  }
  const copying = workerGrads.some((g) => g === null);
  const sharing = workerGrads.some((g) => g !== null);
  // A copying worker's gradients are copied into this thread's arena, where the SIMD kernels add
  // them.
  const arrived = allocate('float32', copying ? paramCount : 0);
  const arrivedViews: FloatArray[] = [];
  for (let k = 0, off = 0; k < params.length; off += params[k].grad.length, k++)
    arrivedViews.push(arrived.subarray(off, off + params[k].grad.length));

  const publishWeights = (): void => {
    if (sharing) {
      for (let k = 0; k < params.length; k++)
        copyRange(arenaCopy[k], 0, params[k].value, 0, params[k].value.length);
    }
    if (copying) {
      let off = 0;
      for (const p of params) {
        weights.set(p.value, off);
        off += p.value.length;
      }
    }
  };
  const clock = phases ? new PhaseClock(phases, 0, CALLING_PHASES) : null;
  clock?.start();
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

  const checkBatch = (n: number): void => {
    if (closed) throw new Error('parallel trainer is closed');
    if (!Number.isInteger(n) || n < 1 || n > maxBatch)
      throw new Error(`batch size must be from 1 to ${maxBatch}, got ${n}`);
  };
  // Contiguous shards, the first n % threads one sample larger.
  const shardStart = (w: number, n: number) => {
    const base = Math.floor(n / threads);
    return w * base + Math.min(w, n % threads);
  };

  /**
   * Runs one step whose worker shards `shareShards` puts in shared memory as `input` (see
   * INPUT): starts the workers, computes shard 0 here with `runOwn(count)`, then adds the
   * workers' gradients.
   */
  const runStep = (
    n: number,
    input: number,
    shareShards: () => void,
    runOwn: (count: number) => GradientSums,
  ): GradientSums => {
    clock?.lap('between');
    if (extra > 0) {
      publishWeights();
      generation++;
      Atomics.store(control, CONTROL.generation, generation);
      Atomics.notify(control, CONTROL.generation);
      // The workers copy the weights in meanwhile, then wait for shardsReady.
      try {
        shareShards();
        control[CONTROL.batchSize] = n;
        control[CONTROL.input] = input;
        control[CONTROL.noiseSeed] = model.noise.nextUint32() | 0;
        control[CONTROL.sumThreads] = Math.min(n, threads);
        for (let t = 0; t < threads; t++) control[arrivalSlot(threads, t)] = 0;
        crossThread.startStep();
        for (let w = 1; w < threads; w++) {
          control[CONTROL.first + 2 * w] = shardStart(w, n);
          control[CONTROL.first + 2 * w + 1] = shardStart(w + 1, n) - shardStart(w, n);
        }
      } finally {
        // Whatever happens, the workers must not wait for ever.
        Atomics.store(control, CONTROL.shardsReady, generation);
        Atomics.notify(control, CONTROL.shardsReady);
      }
    }
    clock?.lap('publish');
    const started = performance.now();
    stepStarted = started;
    const own = runOwn(shardStart(1, n));
    clock?.lap('own');
    const ownDone = performance.now();
    const limit = stallLimitMs(ownDone - started);
    let lossSum = own.lossSum;
    let correct = own.correct;
    for (let w = 1; w <= extra; w++) {
      const step = generation;
      waitForWorker(watch, w, doneSlot(threads, w), (v) => v === step, ownDone, limit);
      clock?.lap('wait');
      if (shardStart(w + 1, n) === shardStart(w, n)) continue; // empty shard: no gradient
      const inPlace = workerGrads[w - 1];
      if (inPlace) {
        for (let k = 0; k < params.length; k++) addInto(params[k].grad, inPlace[k]);
      } else {
        arrived.set(grads.subarray((w - 1) * paramCount, w * paramCount));
        for (let k = 0; k < params.length; k++) addInto(params[k].grad, arrivedViews[k]);
      }
      lossSum += results[2 * w];
      correct += results[2 * w + 1];
      clock?.lap('sum');
    }
    clock?.step();
    return { lossSum, correct };
  };

  const compute = (x: FloatArray, labels: ArrayLike<number>, n: number): GradientSums => {
    checkBatch(n);
    if (x.length < n * px || labels.length < n)
      throw new Error(`need ${n} samples of ${px} values and ${n} labels`);
    for (let i = 0; i < n; i++) labelBuf[i] = labels[i];
    // Only the workers' shards: this thread reads its own from x.
    const workersFirst = shardStart(1, n) * px;
    return runStep(
      n,
      INPUT.floats,
      () => inputs.set(x.subarray(workersFirst, n * px), workersFirst),
      (count) => runner.run(x, labelBuf, 0, count, n),
    );
  };

  // Each worker scales its own shard from the bytes gathered here; this thread scales its own
  // straight from the dataset.
  const computeSamples = (
    data: Dataset,
    order: ArrayLike<number> | null,
    start: number,
    n: number,
  ): GradientSums => {
    checkBatch(n);
    if (data.height * data.width * data.channels !== px)
      throw new Error(
        `need images of ${px} values, got ${data.height}x${data.width}x${data.channels}`,
      );
    if (start < 0 || start + n > (order ? order.length : data.count))
      throw new Error(`samples ${start} to ${start + n} are outside the ${data.count} given`);
    const own = shardStart(1, n);
    return runStep(
      n,
      INPUT.bytes,
      () => copySamples(data, order, start + own, n - own, samples, own),
      (count) => runner.runSamples(data, order, start, 0, count, n),
    );
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

  const phaseTimes = () => (phases ? readPhaseTimes(phases, threads) : null);
  const resetPhaseTimes = (): void => clock?.reset();

  return {
    threads,
    sharedArena: extra > 0 && !copying,
    model,
    compute,
    computeSamples,
    phaseTimes,
    resetPhaseTimes,
    close,
  };
}
