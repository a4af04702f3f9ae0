/**
 * A data-parallel training worker: waits for a step, copies the shared weights into its own
 * model (so its kernels run on arena memory, see tensor/arena.ts), runs its shard forward and
 * backward, publishes its gradients and its loss/accuracy, and waits again. When its arena is the
 * calling thread's (a shared arena, see protocol.ts), it copies the weights from the copy the
 * calling thread makes there each step and leaves its gradients in place for the calling thread
 * to add. Independent of the threading system: `ready` tells the main thread it waits for steps; a failure is recorded in
 * shared memory, where the main thread looks (protocol.ts).
 */
import type { Dataset } from '../data/dataset.js';
import { copyRange, zeroRange } from '../kernels/bulk.js';
import type { Param } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import { Random } from '../random/prng.js';
import { arenaAdopted, arenaFloat32View, inArena } from '../tensor/arena.js';
import { ShardRunner } from '../train/gradients.js';
import { createCrossThreadSums, synchronisedLayers, waitWithoutLimit } from './crossThreadSums.js';
import {
  CONTROL,
  doneSlot,
  gradientAddressSlots,
  INPUT,
  reportFailure,
  sharedSamples,
  WORKER_STATUS,
  type WorkerInit,
} from './protocol.js';
import { Spinner } from './spinWait.js';
import { PhaseClock, WORKER_PHASES } from './stepPhases.js';

/**
 * Runs the model on a shard of zeros a few times before the worker reports ready, so the first
 * real steps do not wait for its JavaScript and WebAssembly to be compiled to optimised code: a
 * fresh worker otherwise needs about a hundred small steps, competing with the main thread for
 * the cores, before it keeps pace. The zeros are the shared sample bytes, which the main thread
 * fills only once every worker is ready. Nothing of it survives into a step: each step copies in
 * the weights and reseeds the noise, and the gradients are zeroed here. (Batch norm's running
 * statistics change too, but only the main thread's are kept.)
 */
function warmUp(runner: ShardRunner, zeros: Dataset, samples: number): void {
  const started = performance.now();
  for (let i = 0; i < WARM_UP_STEPS && performance.now() - started < WARM_UP_MS; i++)
    runner.runSamples(zeros, null, 0, 0, samples, samples);
  for (const p of runner.model.params()) p.grad.fill(0);
}

/** At most this many warm-up steps, and no more after this many milliseconds. */
const WARM_UP_STEPS = 40;
const WARM_UP_MS = 100;

/**
 * Views of the weights the calling thread publishes in the shared arena, one per parameter, when
 * this worker's arena is that arena and every parameter of both threads lives in it; else null.
 */
function sharedWeightViews(init: WorkerInit, params: Param[]): Float32Array[] | null {
  const addresses = init.weightAddresses;
  if (!arenaAdopted() || !addresses || addresses.length !== params.length) return null;
  if (!params.every((p) => inArena(p.value) && inArena(p.grad))) return null;
  const views = params.map((p, k) => arenaFloat32View(addresses[k], p.value.length));
  return views.every((v) => v !== null) ? (views as Float32Array[]) : null;
}

/** `beforeStep` (tests only) runs at the start of every step, numbered from 1. */
export function runWorker(
  init: WorkerInit,
  ready: () => void,
  beforeStep?: (step: number) => void,
): void {
  const model = new Sequential(init.spec);
  const params = model.params();
  const runner = new ShardRunner(model);
  const control = new Int32Array(init.control);
  const weights = new Float32Array(init.weights);
  const paramCount = weights.length;
  const grads = new Float32Array(init.grads, (init.worker - 1) * paramCount * 4, paramCount);
  const inputs = new Float32Array(init.inputs);
  const labels = new Int32Array(init.labels);
  const samples = sharedSamples(model.inputShape, init.sampleBytes, init.sampleLabels);
  const results = new Float64Array(init.results);
  const errors = new Uint8Array(init.errors);
  const done = doneSlot(init.threads, init.worker);
  warmUp(runner, samples, Math.ceil(samples.count / init.threads));
  const crossThread = createCrossThreadSums(
    control,
    new Float64Array(init.sums),
    init.threads,
    init.sumLength,
    init.worker,
    waitWithoutLimit(control, init.threads),
  );
  if (init.sumLength > 0) {
    for (const layer of synchronisedLayers(model)) layer.crossThreadSum = crossThread.sum;
  }

  const publishedWeights = sharedWeightViews(init, params);
  if (publishedWeights) {
    // Tell the calling thread where to find this worker's gradients, then that it may.
    const slots = gradientAddressSlots(params.length);
    const addresses = new Int32Array(init.gradientAddresses, 4 * slots * (init.worker - 1), slots);
    params.forEach((p, k) => {
      addresses[1 + k] = p.grad.byteOffset;
    });
    Atomics.store(addresses, 0, 1);
  }

  ready();

  const clock = init.phases ? new PhaseClock(init.phases, init.worker, WORKER_PHASES) : null;
  clock?.start();
  let generation = 0;
  const spinner = new Spinner();
  // Its own statistics: this wait is always short, the wait for a step may not be.
  const readySpinner = new Spinner();
  for (;;) {
    const last = generation;
    spinner.wait(
      control,
      CONTROL.generation,
      (v) => v !== last,
      () => Atomics.wait(control, CONTROL.generation, last),
    );
    if (Atomics.load(control, CONTROL.stop) !== 0) break;
    clock?.lapOrRestart('idle');
    generation = Atomics.load(control, CONTROL.generation);
    try {
      beforeStep?.(generation);
      // The weights are published (in a shared arena, as a copy there); the samples follow while
      // they are copied in.
      let off = 0;
      if (publishedWeights) {
        params.forEach((p, k) => {
          copyRange(p.value, 0, publishedWeights[k], 0, p.value.length);
        });
        // The calling thread has added last step's gradients up by now: start this step's.
        for (const p of params) zeroRange(p.grad);
      } else {
        for (const p of params) {
          p.value.set(weights.subarray(off, off + p.value.length));
          off += p.value.length;
        }
      }
      clock?.lap('copyIn');
      const step = generation;
      readySpinner.wait(
        control,
        CONTROL.shardsReady,
        (v) => v === step,
        () => {
          for (let v = Atomics.load(control, CONTROL.shardsReady); v !== step; ) {
            Atomics.wait(control, CONTROL.shardsReady, v);
            v = Atomics.load(control, CONTROL.shardsReady);
          }
        },
      );
      clock?.lap('ready');
      const start = control[CONTROL.first + 2 * init.worker];
      const count = control[CONTROL.first + 2 * init.worker + 1];
      if (count === 0) {
        // An empty shard (batch smaller than the thread count): nothing to compute or publish.
        Atomics.store(control, done, generation);
        Atomics.notify(control, done);
        continue;
      }
      const noiseSeed = (control[CONTROL.noiseSeed] ^ Math.imul(init.worker, 0x9e3779b9)) >>> 0;
      model.noise.setState(new Random(noiseSeed).getState());
      // The gradients are zero: warmUp leaves them so, and every step (above, or below).
      crossThread.startStep();
      const batchSize = control[CONTROL.batchSize];
      const r =
        control[CONTROL.input] === INPUT.bytes
          ? runner.runSamples(samples, null, 0, start, count, batchSize)
          : runner.run(inputs, labels, start, count, batchSize);
      clock?.lap('compute');
      off = 0;
      if (!publishedWeights) {
        for (const p of params) {
          grads.set(p.grad, off);
          off += p.grad.length;
        }
      }
      results[2 * init.worker] = r.lossSum;
      results[2 * init.worker + 1] = r.correct;
      clock?.lap('copyOut');
      Atomics.store(control, done, generation);
      Atomics.notify(control, done);
      // Zeroed for the next step while the main thread adds the gradients up: off its path.
      // (In a shared arena the main thread reads them where they are: zeroed next step.)
      if (!publishedWeights) for (const p of params) zeroRange(p.grad);
      clock?.lap('zero');
      clock?.step();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      reportFailure(control, errors, init.threads, init.worker, WORKER_STATUS.threw, message);
      for (const p of params) zeroRange(p.grad);
    }
  }
}
