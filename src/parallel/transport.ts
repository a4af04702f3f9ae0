/**
 * What the data-parallel trainer needs from a threading system: start a worker that runs
 * `runWorker` (workerLoop.ts) on a WorkerInit, know when it is ready, stop it. A worker's
 * failures are recorded in shared memory (protocol.ts reportFailure), by the worker itself or,
 * for deaths it cannot report, by its handle.
 * Everything else goes through SharedArrayBuffers and Atomics, which Node's worker_threads and
 * browsers' Web Workers both have; nodeTransport.ts is the worker_threads implementation.
 */
import type { WorkerInit } from './protocol.js';

export interface WorkerHandle {
  /** Resolves when the worker waits for its first step; rejects if it failed to start. */
  readonly ready: Promise<void>;
  terminate(): Promise<void>;
}

/** The one message a worker sends: `ready`, once. */
export type WorkerMessage = { type: 'ready' };

export type SpawnWorker = (init: WorkerInit) => WorkerHandle;
