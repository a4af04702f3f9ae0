/** The data-parallel trainer's workers as Node worker_threads (see transport.ts). */
import { Worker } from 'node:worker_threads';
import type { WorkerInit } from './protocol.js';
import type { WorkerHandle, WorkerMessage } from './transport.js';

export function spawnNodeWorker(
  init: WorkerInit,
  onError: (message: string) => void,
): WorkerHandle {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        // An idle worker must not keep the process alive.
        worker.unref();
        resolve();
      } else if (m.type === 'error') onError(m.message);
    });
  });
  return {
    ready,
    terminate: async () => {
      await worker.terminate();
    },
  };
}
