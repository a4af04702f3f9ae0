/**
 * A gradient worker of the data-parallel scheme in parallel.ts: holds a replica of the model,
 * and on every step copies the shared weights in, runs its shard of the batch and writes its
 * gradients, loss and correct count back to shared memory.
 */
import { initSimdKernels, Sequential } from '../../src/index.js';
import {
  BATCH,
  doneSlot,
  GENERATION,
  type GradientWorkerInit,
  paramCount,
  shardRange,
} from './parallel.js';
import { ShardRunner } from './training.js';
import { workerScope } from './workerScope.js';

function serve(init: GradientWorkerInit): void {
  // The weights come from shared memory every step; the seed only gives each replica its own
  // dropout noise.
  const model = new Sequential(init.spec, { seed: init.seed + init.index });
  const params = model.params();
  const count = paramCount(model);
  const { buffers, index, workers } = init;
  const control = new Int32Array(buffers.control);
  const weights = new Float32Array(buffers.weights);
  const inputs = new Float32Array(buffers.inputs);
  const labels = new Int32Array(buffers.labels);
  const grads = new Float32Array(buffers.grads, 4 * count * (index - 1), count);
  const results = new Float64Array(buffers.results, 16 * (index - 1), 2);
  const shard = new ShardRunner(model);
  let seen = Atomics.load(control, GENERATION);
  workerScope.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(control, GENERATION, seen);
    seen = Atomics.load(control, GENERATION);
    const n = Atomics.load(control, BATCH);
    if (n < 0) return;
    let off = 0;
    for (const p of params) {
      p.value.set(weights.subarray(off, off + p.value.length));
      off += p.value.length;
    }
    const [start, size] = shardRange(n, workers, index);
    const r = shard.run(inputs, labels, start, size, n);
    off = 0;
    for (const p of params) {
      grads.set(p.grad, off);
      p.grad.fill(0);
      off += p.grad.length;
    }
    results[0] = r.lossSum;
    results[1] = r.correct;
    Atomics.store(control, doneSlot(index), seen);
    Atomics.notify(control, doneSlot(index));
  }
}

workerScope.addEventListener('message', (event: MessageEvent<GradientWorkerInit>) => {
  initSimdKernels()
    .then(() => serve(event.data))
    .catch((e: Error) => workerScope.postMessage({ error: e.message }));
});
