/** The data-parallel trainer's workers as Node worker_threads (see transport.ts). */
import { Worker } from 'node:worker_threads';
import { reportFailure, WORKER_STATUS, type WorkerInit } from './protocol.js';
import type { WorkerHandle } from './transport.js';

export function spawnNodeWorker(init: WorkerInit): WorkerHandle {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
  const control = new Int32Array(init.control);
  const errors = new Uint8Array(init.errors);
  let stopping = false;
  const fail = (status: number, message: string) => {
    if (!stopping) reportFailure(control, errors, init.threads, init.worker, status, message);
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`worker ${init.worker} exited with code ${code} before it was ready`)),
    );
    worker.once('message', () => {
      // An idle worker must not keep the process alive.
      worker.unref();
      resolve();
    });
  });
  // Deaths the worker could not record itself (uncaught errors, out of memory, terminated from
  // outside), heard whenever the main thread is not blocked in a step.
  worker.on('error', (e) => fail(WORKER_STATUS.threw, e.message));
  worker.on('exit', (code) => fail(WORKER_STATUS.exited, `exit code ${code}`));
  return {
    ready,
    terminate: async () => {
      stopping = true;
      await worker.terminate();
    },
  };
}
