/**
 * What the data-parallel trainer needs from a threading system: start a worker that runs
 * `runWorker` (workerLoop.ts) on a WorkerInit, know when it is ready, hear its errors, stop it.
 * Everything else goes through SharedArrayBuffers and Atomics, which Node's worker_threads and
 * browsers' Web Workers both have; nodeTransport.ts is the worker_threads implementation.
 */
import type { WorkerInit } from './protocol.js';

export interface WorkerHandle {
  /** Resolves when the worker waits for its first step; rejects if it failed to start. */
  readonly ready: Promise<void>;
  terminate(): Promise<void>;
}

/** The messages a worker sends: `ready` once, `error` when a step failed. */
export type WorkerMessage = { type: 'ready' } | { type: 'error'; message: string };

export type SpawnWorker = (init: WorkerInit, onError: (message: string) => void) => WorkerHandle;
