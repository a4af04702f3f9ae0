/** How many images of a data set a command uses, saying so when it asked for more than there are. */
import { type Dataset, take } from '../src/data/dataset.js';
import type { Output } from './output.js';

/**
 * The first `asked` images of `set` (`setName`: "training set"), or all of them with a warning
 * when it has fewer: `asking` says who asked (`--train-size 70000`). A size that means "all"
 * (undefined) takes the whole set quietly.
 */
export function takeAtMost(
  out: Output,
  set: Dataset,
  asked: number | undefined,
  asking: string,
  setName: string,
): Dataset {
  if (asked === undefined) return set;
  if (asked > set.count)
    out.warn(`${asking}: the ${setName} has ${set.count} images; using ${set.count}`);
  return take(set, asked);
}
