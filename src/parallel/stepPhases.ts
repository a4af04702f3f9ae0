/**
 * Where the threads of a parallel step spend their time, when asked for (the `timePhases` option
 * of the parallel trainer): each thread adds the milliseconds of each phase of its step to its
 * own row of a shared Float64Array, so the calling thread can read the workers' rows without a
 * message. Off by default; when on, it reads the clock about six times per thread per step
 * (well under a microsecond).
 */

/** The calling thread's phases, in step order. */
export const CALLING_PHASES = [
  /** Publishing the weights and the workers' samples, and starting the workers. */
  'publish',
  /** Forward and backward of its own shard. */
  'own',
  /** Waiting for the workers once its shard is done. */
  'wait',
  /** Copying the workers' gradients into its arena and adding them to its own. */
  'sum',
  /** From the end of one step's gradients to the start of the next: the optimizer, the loop. */
  'between',
] as const;

/** A worker's phases, in step order. */
export const WORKER_PHASES = [
  /** Waiting for the next step. */
  'idle',
  /** Copying the published weights into its model. */
  'copyIn',
  /** Waiting for its samples. */
  'ready',
  /** Forward and backward of its shard. */
  'compute',
  /** Copying its gradients to shared memory. */
  'copyOut',
  /** Zeroing its gradients for the next step (after it has reported done). */
  'zero',
] as const;

/** A part of the calling thread's step: see CALLING_PHASES. */
export type CallingPhase = (typeof CALLING_PHASES)[number];
/** A part of a worker's step: see WORKER_PHASES. */
export type WorkerPhase = (typeof WORKER_PHASES)[number];

/** Slots per thread: a step count, then one per phase (the longer list). */
const ROW = 1 + Math.max(CALLING_PHASES.length, WORKER_PHASES.length);

/**
 * The shared buffer's size in bytes for `threads` threads: a row per thread, then an int32 count
 * of resets, by which each worker learns to start its row afresh (only a thread writes its row).
 */
export function phaseBufferBytes(threads: number): number {
  return 8 * ROW * threads + 8;
}

/** Accumulates one thread's phase times into its row: `lap(p)` ends phase p and starts the next. */
export class PhaseClock<P extends string> {
  private readonly row: Float64Array;
  private readonly resets: Int32Array;
  private readonly slot: Record<string, number> = {};
  private last = 0;
  private resetsSeen = 0;

  /** `names`: this thread's phases (CALLING_PHASES or WORKER_PHASES). */
  constructor(buffer: SharedArrayBuffer, thread: number, names: readonly P[]) {
    this.row = new Float64Array(buffer, 8 * ROW * thread, ROW);
    this.resets = new Int32Array(buffer, buffer.byteLength - 8, 1);
    names.forEach((name, i) => {
      this.slot[name] = 1 + i;
    });
  }

  /** The calling thread: zeroes its row, restarts its clock, and tells the workers to. */
  reset(): void {
    this.row.fill(0);
    Atomics.add(this.resets, 0, 1);
    this.start();
  }

  /**
   * A worker, at the end of a phase that ends each wait for a step: `lap(phase)`, or, after a
   * reset, a fresh row and clock (the wait that spanned the reset is not counted).
   */
  lapOrRestart(phase: P): void {
    const resets = Atomics.load(this.resets, 0);
    if (resets === this.resetsSeen) {
      this.lap(phase);
      return;
    }
    this.resetsSeen = resets;
    this.row.fill(0);
    this.start();
  }

  /** Starts timing from now (the first phase's start). */
  start(): void {
    this.last = performance.now();
  }

  /** Adds the time since the last lap (or start) to `phase`. */
  lap(phase: P): void {
    const now = performance.now();
    this.row[this.slot[phase]] += now - this.last;
    this.last = now;
  }

  /** Counts a finished step. */
  step(): void {
    this.row[0]++;
  }
}

/** Mean microseconds per step of each phase, per thread, since the last reset. */
export interface PhaseTimes {
  /** Steps the calling thread timed. */
  steps: number;
  calling: Record<CallingPhase, number>;
  /** One entry per worker, worker 1 first. */
  workers: Record<WorkerPhase, number>[];
}

function means<P extends string>(row: Float64Array, names: readonly P[]): Record<P, number> {
  const steps = row[0];
  const out = {} as Record<P, number>;
  names.forEach((name, i) => {
    out[name] = steps > 0 ? (1000 * row[1 + i]) / steps : 0;
  });
  return out;
}

/** Reads the shared buffer of `threads` threads as mean microseconds per step. */
export function readPhaseTimes(buffer: SharedArrayBuffer, threads: number): PhaseTimes {
  const rowOf = (t: number) => new Float64Array(buffer, 8 * ROW * t, ROW);
  const workers: Record<WorkerPhase, number>[] = [];
  for (let w = 1; w < threads; w++) workers.push(means(rowOf(w), WORKER_PHASES));
  return { steps: rowOf(0)[0], calling: means(rowOf(0), CALLING_PHASES), workers };
}
