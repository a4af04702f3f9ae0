/**
 * The shared memory layout between the parallel trainer and its workers (see
 * parallelTrainer.ts). Everything a step needs travels through SharedArrayBuffers, failures
 * included: the main thread is blocked in Atomics.wait during a step and hears no messages, so a
 * worker reports a failure in its status slot and the `errors` buffer. The only message is
 * `ready` at start-up.
 */
import type { Dataset } from '../data/dataset.js';
import type { ModelSpec } from '../model/spec.js';

/** Int32 slots of the control array. */
export const CONTROL = {
  /** Incremented by the main thread to start a step, once the weights are published. */
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
  /** Threads taking part in this step's cross-thread sums: those with a non-empty shard. */
  sumThreads: 4,
  /** Where this step's samples are: one of INPUT. */
  input: 5,
  /**
   * Set to the generation once the step's samples and the fields above are in place: a step
   * starts in two phases, so the workers copy the new weights in while the main thread shares
   * their samples.
   */
  shardsReady: 6,
  /** Per worker w: first sample of its shard at FIRST + 2w, count at FIRST + 2w + 1. */
  first: 8,
} as const;

/** Where worker w reports: DONE + w holds the generation it finished (negative on error). */
export function doneSlot(threads: number, worker: number): number {
  return CONTROL.first + 2 * threads + worker;
}

/** Worker w's health: one of WORKER_STATUS, written by the worker (or its handle) on failure. */
export function statusSlot(threads: number, worker: number): number {
  return CONTROL.first + 3 * threads + worker;
}

export const WORKER_STATUS = { alive: 0, threw: 1, exited: 2 } as const;

/**
 * How a step's samples reach the workers: as floats ready for the model (`inputs`), or as the
 * dataset's bytes (`sampleBytes`), which each worker scales itself.
 */
export const INPUT = { floats: 0, bytes: 1 } as const;

/** The shared bytes of INPUT.bytes as a dataset of as many samples as they hold. */
export function sharedSamples(
  inputShape: readonly number[],
  images: SharedArrayBuffer,
  labels: SharedArrayBuffer,
): Dataset {
  const [height, width, channels] = inputShape;
  return {
    count: labels.byteLength,
    height,
    width,
    channels,
    images: new Uint8Array(images),
    labels: new Uint8Array(labels),
  };
}

/**
 * Thread t's progress through this step's cross-thread sums (batch norm statistics, see
 * crossThreadSums.ts): how many it has contributed to. Reset to 0 by the main thread every step.
 */
export function arrivalSlot(threads: number, thread: number): number {
  return CONTROL.first + 4 * threads + thread;
}

/** Int32 slots of `gradientAddresses` per worker: a flag, then one address per parameter. */
export function gradientAddressSlots(params: number): number {
  return 1 + params;
}

export function controlLength(threads: number): number {
  return CONTROL.first + 5 * threads;
}

/** Bytes of the `errors` buffer per worker: its failure message, UTF-8, zero-terminated. */
export const ERROR_BYTES = 256;

/** Records worker w's failure in shared memory and wakes the main thread wherever it waits. */
export function reportFailure(
  control: Int32Array,
  errors: Uint8Array,
  threads: number,
  worker: number,
  status: number,
  message: string,
): void {
  const bytes = new TextEncoder().encode(message.split('\n')[0]).subarray(0, ERROR_BYTES - 1);
  const area = errors.subarray((worker - 1) * ERROR_BYTES, worker * ERROR_BYTES);
  area.fill(0);
  area.set(bytes);
  Atomics.store(control, statusSlot(threads, worker), status);
  Atomics.notify(control, doneSlot(threads, worker));
}

/** reportFailure for the worker that `init` starts, from its own buffers (any thread may call it). */
export function reportWorkerFailure(init: WorkerInit, status: number, message: string): void {
  const control = new Int32Array(init.control);
  reportFailure(control, new Uint8Array(init.errors), init.threads, init.worker, status, message);
}

/** The failure message worker w recorded. */
export function failureMessage(errors: Uint8Array, worker: number): string {
  const area = errors.subarray((worker - 1) * ERROR_BYTES, worker * ERROR_BYTES);
  const end = area.indexOf(0);
  // TextDecoder refuses views of shared memory: copy first.
  return new TextDecoder().decode(area.slice(0, end < 0 ? area.length : end));
}

/** Test-only fault injection: worker `worker` fails this way at the start of step `step`. */
export interface WorkerFault {
  worker: number;
  step: number;
  kind: 'exit' | 'throw' | 'hang';
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
  /** The same batch as bytes (maxBatch * pixels) and byte labels (maxBatch), see INPUT. */
  sampleBytes: SharedArrayBuffer;
  sampleLabels: SharedArrayBuffer;
  /** Per worker: loss sum and correct count (float64 pairs). */
  results: SharedArrayBuffer;
  /** Per worker: its failure message (ERROR_BYTES bytes each). */
  errors: SharedArrayBuffer;
  /** Cross-thread sums: two regions, used in turn, of one float64 slot of sumLength per thread. */
  sums: SharedArrayBuffer;
  /** 0 when the model has no layer that sums across threads. */
  sumLength: number;
  /** Per-thread phase times (stepPhases.ts), when the trainer times them. */
  phases?: SharedArrayBuffer;
  /**
   * The calling thread's arena, when it is shared (src/tensor/arena.ts), and the byte address of
   * each of its parameters' values there (model.params() order). A worker that takes the arena
   * as its own (a Node worker does, see worker.ts) copies the weights straight from those
   * addresses and leaves its gradients where the calling thread adds them up, writing their
   * addresses to `gradientAddresses`; other workers go through `weights` and `grads`.
   */
  arenaMemory?: WebAssembly.Memory;
  weightAddresses?: number[];
  /** Per worker: 1 once it works in the shared arena, then its gradients' byte addresses. */
  gradientAddresses: SharedArrayBuffer;
  /** For tests only: make a worker fail on purpose. */
  fault?: WorkerFault;
}
