/**
 * Ctrl-C (SIGINT) and SIGTERM during `cnn train`: the first asks the run to stop after the
 * current step (it then saves a checkpoint of that point) and restores the default handling, so
 * a second one ends the process at once, even while JavaScript is busy (a shell reports 130).
 */
export interface Interrupts {
  /** The signal that asked the run to stop, if any. */
  readonly requested: () => NodeJS.Signals | null;
  /** Restores the default handling. */
  readonly dispose: () => void;
}

export function catchInterrupts(onFirst: (signal: NodeJS.Signals) => void): Interrupts {
  let requested: NodeJS.Signals | null = null;
  const dispose = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  function handler(signal: NodeJS.Signals) {
    requested = signal;
    dispose();
    onFirst(signal);
  }
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { requested: () => requested, dispose };
}

/** Lets pending events (signals) run every `ms` of synchronous work. */
export function eventLoopPauser(ms = 20): () => Promise<void> | null {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < ms) return null;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}
