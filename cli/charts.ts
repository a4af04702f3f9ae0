/**
 * The training-curves chart (loss and accuracy per epoch, test figures as lines): written by
 * `cnn train --plot` and `cnn visualize --history`, the latter reading the history back from the
 * last line of `cnn train --json` output.
 */
import { join } from 'node:path';
import { type TestResult, trainingCurvesSvg } from '../src/image/trainingChart.js';
import { readFileOrThrow, writeFileAtomic } from '../src/io/files.js';
import type { EpochLog } from '../src/train/trainer.js';
import { ensureFolder } from './outputFolder.js';

/** Writes DIR/training-curves.svg and returns its path. */
export function writeTrainingChart(
  dir: string,
  epochs: readonly EpochLog[],
  test?: TestResult,
): string {
  ensureFolder(dir);
  const path = join(dir, 'training-curves.svg');
  writeFileAtomic(path, trainingCurvesSvg(epochs, test));
  return path;
}

/** Epoch logs and test figures from the last JSON line of `cnn train --json` output. */
export function readTrainingHistory(path: string): { epochs: EpochLog[]; test?: TestResult } {
  const text = new TextDecoder().decode(readFileOrThrow(path, 'training history'));
  const last = text.trim().split('\n').pop() ?? '';
  let run: Record<string, unknown>;
  try {
    run = JSON.parse(last);
  } catch {
    throw new Error(
      `${path}: the last line is not JSON (expected the output of 'cnn train --json')`,
    );
  }
  const logs = run?.epochLogs;
  const valid =
    Array.isArray(logs) &&
    logs.length > 0 &&
    logs.every(
      (l) =>
        typeof l === 'object' &&
        l !== null &&
        ['epoch', 'loss', 'accuracy'].every((k) =>
          Number.isFinite((l as Record<string, unknown>)[k]),
        ),
    );
  if (!valid) throw new Error(`${path}: has no epochLogs list of {epoch, loss, accuracy}`);
  const test =
    typeof run.testLoss === 'number' && typeof run.testAccuracy === 'number'
      ? { loss: run.testLoss, accuracy: run.testAccuracy }
      : undefined;
  return { epochs: logs as EpochLog[], test };
}
