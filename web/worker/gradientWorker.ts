/**
 * A gradient worker of the playground's data-parallel training (parallel.ts): the library's
 * worker loop (src/parallel/workerLoop.ts) in a module Web Worker. It blocks in Atomics.wait
 * between steps, so after its start-up message everything, failures included, goes through
 * shared memory.
 */
import { initSimdKernels } from '../../src/index.js';
import {
  reportWorkerFailure,
  WORKER_STATUS,
  type WorkerInit,
} from '../../src/parallel/protocol.js';
import type { WorkerMessage } from '../../src/parallel/transport.js';
import { runWorker } from '../../src/parallel/workerLoop.js';
import { workerScope } from './workerScope.js';

workerScope.addEventListener('message', (event: MessageEvent<WorkerInit>) => {
  const init = event.data;
  const ready: WorkerMessage = { type: 'ready' };
  // The SIMD kernels must be compiled before the worker builds its model replica.
  initSimdKernels()
    .then(() => runWorker(init, () => workerScope.postMessage(ready)))
    .catch((e: Error) => reportWorkerFailure(init, WORKER_STATUS.threw, e.message));
});
