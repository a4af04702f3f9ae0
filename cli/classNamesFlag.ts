/** The `--classes A,B,...` flag: one non-empty name per model output. */
import { UsageError } from './args.js';

export function classNamesFlag(
  value: string | undefined,
  numClasses: number,
): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((c) => c.trim());
  if (names.length !== numClasses || names.some((c) => c === ''))
    throw new UsageError(
      `--classes needs ${numClasses} non-empty comma-separated names, got ${names.length}`,
    );
  return names;
}
