/**
 * How the main thread waits for a worker without hanging on a dead one. It is blocked in
 * Atomics.wait during a step and hears no events, so it waits in short slices and, between them,
 * reads the worker's status slot (a worker that throws or exits records it there, see
 * protocol.ts) and a deadline: a worker that neither finishes nor reports in time has stopped
 * answering (killed, out of memory, stuck). Every outcome other than success is a one-line error
 * naming the worker and the cause.
 */
import { failureMessage, statusSlot, WORKER_STATUS } from './protocol.js';
import type { Spinner } from './spinWait.js';

/** How long a worker may lag behind the main thread's own share of a step before it is given up. */
export function stallLimitMs(ownShareMs: number): number {
  // Shards are equal in size, so a healthy worker finishes about when the main thread does.
  return 1500 + 2 * ownShareMs;
}

export interface WorkerWatch {
  readonly control: Int32Array;
  readonly errors: Uint8Array;
  readonly threads: number;
  /** How the waiting thread spins before it sleeps (spinWait.ts). */
  readonly spinner: Spinner;
}

/**
 * Returns once control[slot] satisfies `done`; throws if worker `worker` failed, exited, or has
 * not got there within `limitMs` of `since` (performance.now() times).
 */
export function waitForWorker(
  watch: WorkerWatch,
  worker: number,
  slot: number,
  done: (value: number) => boolean,
  since: number,
  limitMs: number,
): void {
  const { control } = watch;
  const deadline = since + limitMs;
  watch.spinner.wait(control, slot, done, () => {
    for (;;) {
      const v = Atomics.load(control, slot);
      if (done(v)) return;
      const failure = workerFailure(watch, worker);
      if (failure) throw new Error(failure);
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(
          `worker ${worker} stopped answering: nothing from it for ${(limitMs / 1000).toFixed(1)} s while the main thread waited (killed, out of memory or stuck)`,
        );
      }
      Atomics.wait(control, slot, v, Math.min(left, 100));
    }
  });
}

/** A one-line description of how worker `worker` failed, or null while it is alive. */
export function workerFailure(watch: WorkerWatch, worker: number): string | null {
  const status = Atomics.load(watch.control, statusSlot(watch.threads, worker));
  if (status === WORKER_STATUS.alive) return null;
  const message = failureMessage(watch.errors, worker);
  if (status === WORKER_STATUS.exited) return `worker ${worker} exited (${message})`;
  return `worker ${worker} failed: ${message}`;
}
