/**
 * Data-parallel training over Web Workers, for cross-origin-isolated pages (SharedArrayBuffer):
 * the library's sharded gradients (src/parallel/shardedGradients.ts, which Node's --threads also
 * uses) with Web Workers as the threading system. Each gradient worker holds a model replica and
 * computes its shard of every batch; the training worker adds their gradients in worker order and
 * runs the optimizer, so a run is deterministic for a given worker count.
 */
import type { Sequential } from '../../src/index.js';
import {
  reportWorkerFailure,
  WORKER_STATUS,
  type WorkerInit,
} from '../../src/parallel/protocol.js';
import {
  createShardedGradients,
  type ShardedGradients,
} from '../../src/parallel/shardedGradients.js';
import type { WorkerHandle, WorkerMessage } from '../../src/parallel/transport.js';

/** Starts one gradient worker (gradientWorker.ts) as a module Web Worker. */
function spawnWebWorker(init: WorkerInit): WorkerHandle {
  const worker = new Worker(new URL('gradientWorker.js', import.meta.url), {
    type: 'module',
    name: `gradients ${init.worker}`,
  });
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    worker.onerror = (e) => {
      if (!started) reject(new Error(`a gradient worker failed to start: ${e.message}`));
      // Later errors go where the blocked training worker looks for them.
      else reportWorkerFailure(init, WORKER_STATUS.threw, e.message);
    };
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      if (e.data.type === 'ready') {
        started = true;
        resolve();
      }
    };
  });
  worker.postMessage(init);
  return {
    ready,
    terminate: async () => worker.terminate(),
  };
}

/** Gradients of each batch split over `workers` workers (this one included). */
export function createWebWorkerGradients(
  model: Sequential,
  workers: number,
  maxBatch: number,
): Promise<ShardedGradients> {
  return createShardedGradients(model, workers, maxBatch, spawnWebWorker);
}
