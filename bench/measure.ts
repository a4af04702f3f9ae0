/**
 * The timing loop every engine uses (the Python peers copy it): warm up until warmupSeconds
 * have passed, size one timed run to about runSeconds at the warm-up speed, then time `runs`
 * runs. The figure is the median of the runs' images/second.
 */
import { median } from './stats.js';

export interface MeasureOptions {
  warmupSeconds: number;
  runSeconds: number;
  runs: number;
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
  // Warm-up calls as [start offset, images, seconds]. A call's size doubles while calls are
  // short, so per-call overhead does not pass for the engine's speed; the rate comes from the
  // later half only, since the first calls of a JIT (V8, TF.js kernels) are far slower.
  const calls: [number, number, number][] = [];
  const maxChunk = Math.max(batch, Math.floor(limit / batch) * batch);
  let chunk = batch;
  const started = performance.now();
  let elapsed = 0;
  for (;;) {
    const t0 = performance.now();
    run(0, chunk);
    const t1 = performance.now();
    calls.push([(t0 - started) / 1000, chunk, (t1 - t0) / 1000]);
    elapsed = (t1 - started) / 1000;
    // A slow engine may warm up with a single batch rather than hold up the whole bench.
    if (elapsed >= options.warmupSeconds) break;
    if ((t1 - t0) / 1000 < options.warmupSeconds / 8) chunk = Math.min(2 * chunk, maxChunk);
  }
  const later = calls.filter(([at]) => at >= elapsed / 2);
  const steady = later.length > 0 ? later : calls.slice(-1);
  const images = steady.reduce((sum, [, n]) => sum + n, 0);
  const rate = images / steady.reduce((sum, [, , seconds]) => sum + seconds, 0);
  let perRun = Math.max(batch, Math.round((rate * options.runSeconds) / batch) * batch);
  perRun = Math.min(perRun, Math.floor(limit / batch) * batch);
  const runs: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const start = (r * perRun) % Math.max(1, limit - perRun + 1);
    const t0 = performance.now();
    run(start, perRun);
    runs.push(perRun / ((performance.now() - t0) / 1000));
  }
  return { runs, imagesPerRun: perRun };
}

export function medianRate(timing: Timing): number {
  return median(timing.runs);
}
