/**
 * Sums across the threads that share a batch, for synchronised batch norm: each thread writes its
 * partial sums to its slot of a shared region, marks its arrival, waits for the others and adds
 * all slots up in thread order, so every thread gets the same totals and runs repeat. Two regions
 * used in turn make one barrier per sum enough: a thread can only overwrite a region after every
 * thread has arrived at the next sum, that is, finished reading this one.
 */
import { BatchNorm, type CrossThreadSum } from '../layers/batchNorm.js';
import type { Sequential } from '../model/sequential.js';
import { arrivalSlot, CONTROL } from './protocol.js';
import { Spinner } from './spinWait.js';

/** The model's layers that sum across threads. */
export function synchronisedLayers(model: Sequential): BatchNorm[] {
  return model.layers.filter((l): l is BatchNorm => l instanceof BatchNorm);
}

/** The longest sum those layers make (0 if none): per channel, two values and one row count. */
export function crossThreadSumLength(model: Sequential): number {
  return synchronisedLayers(model).reduce((n, l) => Math.max(n, 2 * l.channels, l.channels + 1), 0);
}

/**
 * Thread `thread`'s side of the sums. `waitForArrival(t, count)` returns once thread t has
 * contributed to `count` sums this step (or throws if it never will).
 */
export function createCrossThreadSums(
  control: Int32Array,
  sums: Float64Array,
  threads: number,
  sumLength: number,
  thread: number,
  waitForArrival: (thread: number, count: number) => void,
): { sum: CrossThreadSum; startStep: () => void } {
  let calls = 0;
  const sum: CrossThreadSum = (values) => {
    if (values.length > sumLength)
      throw new Error(`cross-thread sum of ${values.length} values, room for ${sumLength}`);
    const region = (calls % 2) * threads * sumLength;
    calls++;
    sums.set(values, region + thread * sumLength);
    const slot = arrivalSlot(threads, thread);
    Atomics.store(control, slot, calls);
    Atomics.notify(control, slot);
    const taking = Atomics.load(control, CONTROL.sumThreads);
    for (let t = 0; t < taking; t++) if (t !== thread) waitForArrival(t, calls);
    for (let i = 0; i < values.length; i++) {
      let total = 0;
      for (let t = 0; t < taking; t++) total += sums[region + t * sumLength + i];
      values[i] = total;
    }
  };
  return { sum, startStep: () => (calls = 0) };
}

/** How a worker waits for another thread: without a time limit (the main thread keeps one). */
export function waitWithoutLimit(control: Int32Array, threads: number) {
  const spinner = new Spinner();
  return (thread: number, count: number): void => {
    const slot = arrivalSlot(threads, thread);
    spinner.wait(
      control,
      slot,
      (v) => v >= count,
      () => {
        for (;;) {
          const v = Atomics.load(control, slot);
          if (v >= count) return;
          Atomics.wait(control, slot, v);
        }
      },
    );
  };
}
