/**
 * Runs fuzz() for one reader in a worker thread, publishing the index of the input being read in
 * shared memory, so that the thread which started it can end a true hang (a reader that never
 * returns) and name the input.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz, type RunOptions } from './harness.js';
import { readers } from './readers.js';

export interface WorkerRequest extends RunOptions {
  reader: string;
  /** [index of the input being read] */
  progress: SharedArrayBuffer;
}

const request = workerData as WorkerRequest;
const progress = new Int32Array(request.progress);
const row = readers.find((r) => r.name === request.reader);
if (!row) throw new Error(`no reader named ${request.reader}`);
const fuzzer = row.load();
let index = request.start ?? 0;
const result = fuzz(
  {
    ...fuzzer,
    mutate: (rng) => {
      Atomics.store(progress, 0, index++);
      return fuzzer.mutate(rng);
    },
  },
  request,
);
parentPort!.postMessage(result);
