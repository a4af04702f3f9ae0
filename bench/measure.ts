/**
 * The one timing loop of the TypeScript benchmarks (bench/peer_common.py is its Python twin):
 * warm up for warmupSeconds, then time `runs` runs of at least runSeconds each. The figure is
 * the median of the runs' images/second. The micro-benchmarks time single kernel calls with the
 * same loop (`microsecondsPerCall`).
 */
import { median } from './stats.js';

export interface MeasureOptions {
  warmupSeconds: number;
  runSeconds: number;
  runs: number;
  /** Wall time (default), or this process's CPU time, all threads (steadier on a busy machine). */
  clock?: 'wall' | 'cpu';
}

export interface Timing {
  /** Images/second of each timed run. */
  runs: number[];
  imagesPerRun: number;
}

/**
 * `run(start, count)` processes images [start, start + count) in batches of `batch`;
 * `limit` is how many distinct images it can be given.
 */
export function measure(
  run: (start: number, count: number) => void,
  batch: number,
  options: MeasureOptions,
  limit: number,
): Timing {
  const now = options.clock === 'cpu' ? cpuMilliseconds : () => performance.now();
  // Warm-up: a call's size doubles while calls are short, so per-call overhead does not pass
  // for the engine's speed, and the first calls of a JIT (V8, TF.js kernels) are not timed.
  const maxChunk = Math.max(batch, Math.floor(limit / batch) * batch);
  let chunk = batch;
  const started = now();
  for (;;) {
    const t0 = now();
    run(0, chunk);
    const t1 = now();
    // A slow engine may warm up with a single batch rather than hold up the whole bench.
    if (t1 - started >= options.warmupSeconds * 1000) break;
    if (t1 - t0 < (options.warmupSeconds * 1000) / 8) chunk = Math.min(2 * chunk, maxChunk);
  }
  // Timed runs last at least runSeconds each, in calls of the warm-up's last size, so a wrong
  // guess of the speed (a busy machine) cannot make a run too short to time.
  const runs: number[] = [];
  const images: number[] = [];
  let start = 0;
  for (let r = 0; r < options.runs; r++) {
    let done = 0;
    const t0 = now();
    let elapsed = 0;
    do {
      if (start + chunk > limit) start = 0;
      run(start, chunk);
      start += chunk;
      done += chunk;
      elapsed = (now() - t0) / 1000;
    } while (elapsed < options.runSeconds);
    runs.push(done / elapsed);
    images.push(done);
  }
  return { runs, imagesPerRun: median(images) };
}

function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Short runs for single kernel calls. */
export const MICRO: MeasureOptions = {
  warmupSeconds: 0.1,
  runSeconds: 0.05,
  runs: 5,
  clock: 'cpu',
};

/** CPU microseconds per call of `fn`, the median over the timed runs. */
export function microsecondsPerCall(fn: () => void, options: MeasureOptions = MICRO): number {
  const runCalls = (_start: number, count: number) => {
    for (let i = 0; i < count; i++) fn();
  };
  const timing = measure(runCalls, 1, options, Number.MAX_SAFE_INTEGER);
  return 1e6 / median(timing.runs);
}
