/**
 * Entry point of a worker_threads worker of the data-parallel trainer. The calling thread's arena
 * memory, when it comes with the worker's data, must be in place before the arena module is first
 * evaluated (src/tensor/arena.ts), so the rest of the worker (workerThread.ts) is imported after.
 */
import { workerData } from 'node:worker_threads';
import { shareArenaMemory } from '../tensor/sharedArenaKey.js';
import type { WorkerInit } from './protocol.js';

const { arenaMemory } = workerData as WorkerInit;
if (arenaMemory) shareArenaMemory(arenaMemory);
await import('./workerThread.js');
