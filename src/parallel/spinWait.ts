/**
 * Spinning briefly before sleeping. Waking a thread blocked in Atomics.wait takes tens of
 * microseconds (a futex wake and, on a virtual machine, waking an idle virtual CPU), as much as
 * a tenth of a small net's whole step, and it is paid at every hand-over between threads. A
 * thread whose partner is about to answer therefore reads the slot in a loop first and sleeps
 * only once a short budget is spent. The budget adapts: it halves after each spin that ends in
 * sleep anyway (the partner is far behind, or shares this core with other programs, where
 * spinning would only take time from it) and doubles back after each spin that pays off.
 */

/** Longest spin, in milliseconds: more than a small net's serial work between two steps. */
export const MAX_SPIN_MS = 0.3;
const MIN_SPIN_MS = 0.01;

/** One waiting site's spin budget (each thread keeps its own). */
export class Spinner {
  private budgetMs = MAX_SPIN_MS;

  /**
   * Reads control[slot] until `done(value)` or the budget is spent; returns whether it was done.
   * The caller sleeps (Atomics.wait) if not.
   */
  spin(control: Int32Array, slot: number, done: (value: number) => boolean): boolean {
    const deadline = performance.now() + this.budgetMs;
    for (;;) {
      // The clock is read once every few dozen loads: it costs more than a load.
      for (let i = 0; i < 64; i++) {
        if (done(Atomics.load(control, slot))) {
          this.budgetMs = Math.min(MAX_SPIN_MS, 2 * this.budgetMs);
          return true;
        }
      }
      if (performance.now() >= deadline) {
        this.budgetMs = Math.max(MIN_SPIN_MS, this.budgetMs / 2);
        return false;
      }
    }
  }
}
