/**
 * Where the 2-thread rows will come from: the speed helper's data-parallel trainer in
 * src/parallel/. Until it exists (or until this file is wired to its API) our threads > 1 rows are
 * skipped with the reason. To add them: return a function that trains `data` once with `threads`
 * workers, then the harness's `threads` list picks it up (run.ts: ourThreads()).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/src/parallel next to this compiled file (dist/bench/). */
export function parallelModulePath(): string {
  return fileURLToPath(new URL('../src/parallel/', import.meta.url));
}

/** Why threads > 1 cannot be measured in this checkout, or null when they can. */
export function parallelUnavailable(): string | null {
  if (!existsSync(parallelModulePath())) return 'no src/parallel (data-parallel trainer) yet';
  return 'src/parallel exists but bench/parallel.ts is not wired to its API yet';
}
