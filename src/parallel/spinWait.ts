/**
 * Spinning briefly before sleeping. Waking a thread blocked in Atomics.wait takes tens of
 * microseconds (a futex wake and, on a virtual machine, waking an idle virtual CPU), as much as
 * a tenth of a small net's whole step, and it is paid at every hand-over between threads. A
 * thread whose partner is about to answer therefore reads the slot in a loop first and sleeps
 * only once a short budget is spent. It spins only while its partner nearly always answers within
 * that budget (at least 3 waits in 4 lately, spun or slept): a partner that takes long (a big
 * net's serial work between steps) or answers erratically (a core shared with other programs,
 * where spinning would take time from the partner) is waited for asleep.
 */

/** How long a thread spins before it sleeps, in milliseconds: more than a small net's serial work. */
export const MAX_SPIN_MS = 0.3;

/** One waiting site's spinning (each thread keeps its own). */
export class Spinner {
  /** Running average of whether a wait ended within MAX_SPIN_MS (1) or not (0). */
  private shortWaits = 1;

  /**
   * Returns once `done(control[slot])`: spins first while recent waits were short, then calls
   * `sleep`, which must return only once it is done (or throw).
   */
  wait(control: Int32Array, slot: number, done: (value: number) => boolean, sleep: () => void) {
    const started = performance.now();
    if (!this.spin(control, slot, done, this.shortWaits >= 0.75 ? MAX_SPIN_MS : 0)) sleep();
    const short = performance.now() - started <= MAX_SPIN_MS ? 1 : 0;
    this.shortWaits += (short - this.shortWaits) / 8;
  }

  /** Reads control[slot] until `done(value)` or `budgetMs` have passed; returns whether done. */
  spin(
    control: Int32Array,
    slot: number,
    done: (value: number) => boolean,
    budgetMs = MAX_SPIN_MS,
  ): boolean {
    const deadline = performance.now() + budgetMs;
    for (;;) {
      // The clock is read once every few dozen loads: it costs more than a load.
      for (let i = 0; i < 64; i++) if (done(Atomics.load(control, slot))) return true;
      if (performance.now() >= deadline) return false;
    }
  }
}
