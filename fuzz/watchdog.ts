/**
 * fuzz() in a worker thread under a watchdog: an input still being read after HANG_MS is a hang,
 * reported with its index, and the worker is ended. (Inputs that finish but take more than a
 * second are failures of fuzz() itself.)
 */
import { Worker } from 'node:worker_threads';
import type { FuzzResult, RunOptions } from './harness.js';
import type { WorkerRequest } from './worker.js';

export const HANG_MS = 10_000;

export function fuzzInWorker(reader: string, options: RunOptions): Promise<FuzzResult> {
  const progress = new SharedArrayBuffer(4);
  const seen = new Int32Array(progress);
  Atomics.store(seen, 0, -1);
  const request: WorkerRequest = { ...options, reader, progress };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: request });
  return new Promise((resolve, reject) => {
    let last = -1;
    let since = Date.now();
    const timer = setInterval(() => {
      const now = Atomics.load(seen, 0);
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (now >= 0 && Date.now() - since > HANG_MS) {
        clearInterval(timer);
        void worker.terminate();
        resolve({
          tried: now - (options.start ?? 0) + 1,
          parsed: 0,
          rejected: 0,
          slowestMs: Date.now() - since,
          slowest: now,
          failures: [
            { index: now, steps: [], problem: `still reading after ${HANG_MS / 1000} s (a hang)` },
          ],
        });
      }
    }, 200);
    worker.once('message', (result: FuzzResult) => {
      clearInterval(timer);
      resolve(result);
    });
    worker.once('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}
