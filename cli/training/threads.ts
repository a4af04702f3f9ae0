/** How many threads `cnn train` shares each mini-batch across. */
import { availableParallelism } from 'node:os';

/**
 * Data parallelism splits a batch across threads (all cores by default), so a batch of one
 * sample runs on one thread. Batch norm adds its statistics up across the threads, so models
 * with it train as on one thread, up to float rounding.
 */
export function threadsFor(batchSize: number, asked?: number): number {
  return batchSize > 1 ? (asked ?? availableParallelism()) : 1;
}
