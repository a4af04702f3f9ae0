/**
 * A worker_threads worker of the data-parallel trainer (see workerLoop.ts), loaded by worker.ts
 * once the arena it is to share is in place.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  reportWorkerFailure,
  WORKER_STATUS,
  type WorkerFault,
  type WorkerInit,
} from './protocol.js';
import { runWorker } from './workerLoop.js';

const init = workerData as WorkerInit;

// process.exit() in a worker stops only this thread; record it where the blocked main thread
// looks (an exit without this, e.g. out of memory, is caught by the main thread's time limit).
process.on('exit', (code) => reportWorkerFailure(init, WORKER_STATUS.exited, `exit code ${code}`));

/** Test-only: fail on purpose at the start of the chosen step. */
function injectFault(fault: WorkerFault): void {
  if (fault.kind === 'exit') process.exit(7);
  if (fault.kind === 'throw') throw new Error('injected fault');
  // A thread that never answers again (until terminated).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

const fault = init.fault?.worker === init.worker ? init.fault : undefined;
runWorker(
  init,
  () => parentPort?.postMessage({ type: 'ready' }),
  fault ? (step) => step === fault.step && injectFault(fault) : undefined,
);
