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
  // Warm-up calls as [start offset, seconds]; the rate comes from the later half only, since
  // the first calls of a JIT (V8, TF.js kernels) are far slower than the steady state.
  const calls: [number, number][] = [];
  const started = performance.now();
  let elapsed = 0;
  for (;;) {
    const t0 = performance.now();
    run((calls.length * batch) % Math.max(1, limit - batch + 1), batch);
    const t1 = performance.now();
    calls.push([(t0 - started) / 1000, (t1 - t0) / 1000]);
    elapsed = (t1 - started) / 1000;
    if (elapsed >= options.warmupSeconds && calls.length >= 2) break;
    // A slow engine stops warming after a few batches rather than hold up the whole bench.
    if (elapsed >= 4 * options.warmupSeconds) break;
  }
  const later = calls.filter(([at]) => at >= elapsed / 2);
  const steady = later.length > 0 ? later : calls.slice(-1);
  const rate = (steady.length * batch) / steady.reduce((sum, [, seconds]) => sum + seconds, 0);
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
