/**
 * A gradient worker of the playground's data-parallel training (parallel.ts): the library's
 * worker loop (src/parallel/workerLoop.ts) in a module Web Worker. It blocks in Atomics.wait
 * between steps, so after its start-up message everything goes through shared memory.
 */
import { initSimdKernels } from '../../src/index.js';
import type { WorkerInit } from '../../src/parallel/protocol.js';
import type { WorkerMessage } from '../../src/parallel/transport.js';
import { runWorker } from '../../src/parallel/workerLoop.js';
import { workerScope } from './workerScope.js';

workerScope.addEventListener('message', (event: MessageEvent<WorkerInit>) => {
  const post = (message: WorkerMessage) => workerScope.postMessage(message);
  // The SIMD kernels must be compiled before the worker builds its model replica.
  initSimdKernels()
    .then(() => runWorker(event.data, post))
    .catch((e: Error) => post({ type: 'error', message: e.message }));
});
