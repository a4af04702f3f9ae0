/** `cnn evaluate`: tests a saved model on MNIST-format test images, with per-class metrics. */
import { classNamesFor } from '../../src/data/classNames.js';
import { fingerprintOf } from '../../src/data/fingerprint.js';
import { loadSplit } from '../../src/data/mnistFiles.js';
import { readModelFile } from '../../src/io/modelFiles.js';
import { classMetrics } from '../../src/train/metrics.js';
import { evaluate } from '../../src/train/trainer.js';
import { commandFlags, intFlag, UsageError } from '../args.js';
import { classNamesFlag } from '../classNamesFlag.js';
import { takeAtMost } from '../dataSize.js';
import { dataFolderFor, dataWarning, folderLabel } from '../modelData.js';
import { Output, round4 } from '../output.js';

export const evaluateHelp = `Usage: cnn evaluate --model FILE [--data DIR] [--test-size N] [--classes A,B,...] [--json]

Tests a saved model: loss, accuracy, per-class precision and recall, confusion matrix.

  --model FILE     model (or checkpoint) written by 'cnn train --out FILE'
  --data DIR       folder with t10k- images/labels IDX files (default: the folder the model
                   was trained on, as the file records it; MNIST if it records none);
                   Fashion-MNIST is recognised and its class names printed. A warning says
                   when these are not the test images the model was tested on
  --test-size N    first N test images (default: the number the model was tested on when
                   trained, so the figures match the training run; else all)
  --classes LIST   comma-separated class names, one per model output
  --json           print one JSON object as the last line of stdout
`;

/** The flags evaluateHelp lists. */
const evaluateFlags = {
  strings: ['model', 'data', 'test-size', 'classes'],
} as const;

/** Columns two spaces apart: names left-aligned, numbers right-aligned. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    )
    .join('\n');
}

export function evaluateCommand(args: string[]): number {
  const flags = commandFlags(args, evaluateHelp, evaluateFlags);
  if (!flags) return 0;
  const { values } = flags;
  if (!values.model) throw new UsageError('evaluate needs --model FILE');
  const out = new Output(values.json ?? false);
  const { model, metadata } = readModelFile(values.model);
  const metaSize = typeof metadata.testSize === 'number' ? metadata.testSize : undefined;
  const flagSize = intFlag(values['test-size'], 'test-size');
  const dir = dataFolderFor(values.data, metadata, values.model);
  const fullTest = loadSplit(dir, 't10k');
  const testSet = takeAtMost(
    out,
    fullTest,
    flagSize ?? metaSize,
    flagSize ? `--test-size ${flagSize}` : `the recorded test size ${metaSize}`,
    'test set',
  );
  const warning = dataWarning(
    metadata,
    'test',
    fingerprintOf(fullTest, testSet.count),
    values.model,
    "these figures are not the training run's",
  );
  if (warning) out.warn(warning);
  const numClasses = model.numClasses;
  const classes = classNamesFlag(values.classes, numClasses) ?? classNamesFor(fullTest, numClasses);
  const result = evaluate(model, testSet);
  const m = classMetrics(result.predictions, testSet.labels, testSet.count, numClasses);
  out.line(`Evaluated ${values.model} on ${testSet.count} test images from ${folderLabel(dir)}`);
  out.line(`Test loss: ${round4(result.loss)}`);
  out.line(`Test accuracy: ${round4(result.accuracy)}`);
  out.line('');
  out.line(
    table([
      ['class', 'precision', 'recall', 'support'],
      ...classes.map((name, c) => [
        name,
        m.precision[c].toFixed(4),
        m.recall[c].toFixed(4),
        String(m.support[c]),
      ]),
    ]),
  );
  out.line('');
  out.line('Confusion matrix (rows: true class, columns: predicted class)');
  out.line(
    table([['', ...classes], ...classes.map((name, t) => [name, ...m.confusion[t].map(String)])]),
  );
  if (out.json) {
    out.result({
      model: values.model,
      data: dir,
      testSize: testSet.count,
      testLoss: result.loss,
      testAccuracy: result.accuracy,
      classes,
      precision: m.precision,
      recall: m.recall,
      support: m.support,
      confusion: m.confusion,
      warnings: out.warnings,
    });
  }
  return 0;
}
