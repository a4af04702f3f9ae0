/**
 * Micro-benchmark: what the parallel trainer's copies through shared memory cost, apart from
 * training. Two threads hand a block of floats back and forth as a two-thread step does: this
 * thread writes it into a SharedArrayBuffer (publishing weights), the worker copies it into its
 * own array (copying them in), the worker writes its block into a second SharedArrayBuffer
 * (its gradients out), and this thread copies that into its own array (before adding them). The
 * same copy between two ordinary arrays on one thread is the peer. Prints the median of each
 * copy per window of steps, so a change of speed within a run shows. Run:
 *   node dist/bench/micro/crossThreadCopy.js [floats=13600] [windows=5] [steps=4000] [buffers=1]
 * (13,600 floats: the tutorial net's weights; 154,106: the `best` net's.) With buffers > 1 each
 * step writes the next of that many blocks in turn, so the block written was last read by the
 * other thread that many steps before (whether its cache still holding the lines matters).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { median } from '../stats.js';

interface Shared {
  control: SharedArrayBuffer;
  toWorker: SharedArrayBuffer;
  fromWorker: SharedArrayBuffer;
  /** The worker's copy times of the current window, microseconds (copy in, write out). */
  times: SharedArrayBuffer;
  /** Steps per window. */
  steps: number;
  /** Floats per block, and blocks used in turn. */
  floats: number;
  buffers: number;
}

/** Where step `step`'s block starts, in floats. */
function blockStart(step: number, { floats, buffers }: Shared): number {
  return (step % buffers) * floats;
}

/** control[0]: step handed to the worker (negative: stop); control[1]: step it finished. */
const HANDED = 0;
const FINISHED = 1;

function spinUntil(control: Int32Array, slot: number, value: number): void {
  while (Atomics.load(control, slot) !== value) {
    // The partner answers within microseconds: a spin, as the trainer's waits do.
  }
}

function runWorker(shared: Shared): void {
  const { steps, floats } = shared;
  const control = new Int32Array(shared.control);
  const weights = new Float32Array(shared.toWorker);
  const out = new Float32Array(shared.fromWorker);
  const times = new Float64Array(shared.times);
  const own = new Float32Array(floats);
  const grads = new Float32Array(floats).fill(2);
  parentPort?.postMessage('ready');
  for (let last = 0; ; ) {
    let step = Atomics.load(control, HANDED);
    while (step === last) step = Atomics.load(control, HANDED);
    if (step < 0) return;
    last = step;
    const at = blockStart(step, shared);
    const t0 = performance.now();
    own.set(weights.subarray(at, at + floats));
    const t1 = performance.now();
    out.set(grads, at);
    const t2 = performance.now();
    const i = (step - 1) % steps;
    times[2 * i] = 1000 * (t1 - t0);
    times[2 * i + 1] = 1000 * (t2 - t1);
    Atomics.store(control, FINISHED, step);
  }
}

async function main(): Promise<void> {
  const floats = Number(process.argv[2] ?? 13600);
  const windows = Number(process.argv[3] ?? 5);
  const steps = Number(process.argv[4] ?? 4000);
  const buffers = Number(process.argv[5] ?? 1);
  if (![floats, windows, steps, buffers].every((v) => Number.isInteger(v) && v > 0))
    throw new Error(
      'usage: crossThreadCopy.js [floats] [windows] [steps] [buffers], positive whole numbers',
    );
  const shared: Shared = {
    control: new SharedArrayBuffer(8),
    toWorker: new SharedArrayBuffer(4 * floats * buffers),
    fromWorker: new SharedArrayBuffer(4 * floats * buffers),
    times: new SharedArrayBuffer(8 * 2 * steps),
    steps,
    floats,
    buffers,
  };
  const worker = new Worker(new URL(import.meta.url), { workerData: shared });
  await new Promise((resolve) => worker.once('message', resolve));
  const control = new Int32Array(shared.control);
  const published = new Float32Array(shared.toWorker);
  const arrived = new Float32Array(shared.fromWorker);
  const workerTimes = new Float64Array(shared.times);
  const weights = new Float32Array(floats).fill(1);
  const sum = new Float32Array(floats);
  const plainCopy = new Float32Array(floats);
  console.log(
    `${floats} floats (${(4 * floats) / 1024} KiB) in ${buffers} block(s), median microseconds per copy, ${steps} steps per window:`,
  );
  let handed = 0;
  for (let w = 0; w < windows; w++) {
    const publish: number[] = [];
    const add: number[] = [];
    const plain: number[] = [];
    for (let s = 1; s <= steps; s++) {
      // Steps count up across windows, so the worker always sees a new value.
      handed++;
      const at = blockStart(handed, shared);
      const t0 = performance.now();
      published.set(weights, at);
      const t1 = performance.now();
      Atomics.store(control, HANDED, handed);
      spinUntil(control, FINISHED, handed);
      const t2 = performance.now();
      sum.set(arrived.subarray(at, at + floats));
      const t3 = performance.now();
      plainCopy.set(weights);
      const t4 = performance.now();
      publish.push(1000 * (t1 - t0));
      add.push(1000 * (t3 - t2));
      plain.push(1000 * (t4 - t3));
    }
    const copyIn: number[] = [];
    const copyOut: number[] = [];
    for (let i = 0; i < steps; i++) {
      copyIn.push(workerTimes[2 * i]);
      copyOut.push(workerTimes[2 * i + 1]);
    }
    console.log(
      `  window ${w + 1}: publish ${median(publish).toFixed(2)}, worker copy-in ${median(copyIn).toFixed(2)}, worker copy-out ${median(copyOut).toFixed(2)}, copy into own array ${median(add).toFixed(2)}; one thread, ordinary arrays: ${median(plain).toFixed(2)}`,
    );
  }
  Atomics.store(control, HANDED, -1);
  await worker.terminate();
}

if (isMainThread) await main();
else runWorker(workerData as Shared);
