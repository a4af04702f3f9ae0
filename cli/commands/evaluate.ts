/** `cnn evaluate`: tests a saved model on MNIST-format test images. */
import { parseArgs } from 'node:util';
import { take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadSplit } from '../../src/data/mnistFiles.js';
import { readFileOrThrow } from '../../src/io/files.js';
import { decodeModel } from '../../src/model/modelFile.js';
import { evaluate } from '../../src/train/trainer.js';
import { intFlag, UsageError, usageErrors } from '../args.js';
import { Output, round4 } from '../output.js';

export const evaluateHelp = `Usage: cnn evaluate --model FILE [--data DIR] [--test-size N] [--json]

Loads a saved model and prints its loss and accuracy on the test images.

  --model FILE     model written by 'cnn train --out FILE'
  --data DIR       folder with t10k- images/labels IDX files (default: MNIST)
  --test-size N    first N test images (default: the number the model was tested on when
                   trained, so the figures match the training run; else all)
  --json           print one JSON object as the last line of stdout
`;

export function loadModelFile(path: string) {
  const bytes = readFileOrThrow(path, 'model file');
  try {
    return decodeModel(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

export function evaluateCommand(args: string[]): number {
  const { values } = usageErrors(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        model: { type: 'string' },
        data: { type: 'string' },
        'test-size': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(evaluateHelp);
    return 0;
  }
  if (!values.model) throw new UsageError('evaluate needs --model FILE');
  const out = new Output(values.json ?? false);
  const { model, metadata } = loadModelFile(values.model);
  const metaSize = typeof metadata.testSize === 'number' ? metadata.testSize : undefined;
  const testSize = intFlag(values['test-size'], 'test-size') ?? metaSize ?? Number.MAX_SAFE_INTEGER;
  const testSet = take(loadSplit(values.data ?? defaultMnistDir(), 't10k'), testSize);
  const result = evaluate(model, testSet);
  out.line(`Evaluated ${values.model} on ${testSet.count} test images`);
  out.line(`Test loss: ${round4(result.loss)}`);
  out.line(`Test accuracy: ${round4(result.accuracy)}`);
  if (out.json) {
    out.result({
      model: values.model,
      testSize: testSet.count,
      testLoss: result.loss,
      testAccuracy: result.accuracy,
    });
  }
  return 0;
}
