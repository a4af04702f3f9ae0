/** Entry point of a worker_threads worker of the data-parallel trainer (see workerLoop.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit } from './protocol.js';
import type { WorkerMessage } from './transport.js';
import { runWorker } from './workerLoop.js';

runWorker(workerData as WorkerInit, (m: WorkerMessage) => parentPort?.postMessage(m));
