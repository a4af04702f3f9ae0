/**
 * What `cnn train` will run: the network and training settings from a preset or a spec file,
 * with flags applied on top, or, with --resume, exactly those a checkpoint recorded.
 */
import { resolve } from 'node:path';
import type { AugmentConfig } from '../../src/data/augment.js';
import { readModelFile } from '../../src/io/modelFiles.js';
import type { Checkpoint, DecodedModel } from '../../src/model/modelFile.js';
import type { LayerSpec, ModelSpec } from '../../src/model/spec.js';
import type { OptimizerSpec } from '../../src/optim/create.js';
import type { ScheduleSpec } from '../../src/optim/schedule.js';
import { presets, type TrainSettings } from '../../src/presets.js';
import { UsageError } from '../args.js';
import type { RunFlags, TrainFlags } from './flags.js';
import { readSpecFile } from './specFile.js';
import { specFileDefaults } from './trainingSettings.js';

/** The run settings a checkpoint records, so a resumed run repeats them exactly. */
export interface RunSettings {
  /** null for a spec-file run. */
  preset: string | null;
  seed: number;
  epochs: number;
  trainSize: number;
  testSize: number;
  learningRate: number;
  batchSize: number;
  poolTies: 'first' | 'all' | null;
  /** The --data folder, null for the default MNIST. */
  data: string | null;
  /** A spec-file run: the file, its name and its training section, so resuming needs no file. */
  spec?: string;
  name?: string;
  training?: Partial<TrainSettings>;
  /** Training flags, recorded when given. */
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  augment?: AugmentConfig;
  shuffle?: boolean;
}

export interface RunPlan {
  /** The first log line's start: "Preset NAME: description" or "Spec NAME (FILE): layers". */
  title: string;
  /** The preset's name, or the spec file's for a spec-file run. */
  name: string;
  settings: RunSettings;
  /** Complete settings: the preset's or the file's, defaults, then flags. */
  training: TrainSettings;
  /** The network to build when not resuming (max-pool ties set by --pool-ties). */
  spec: ModelSpec;
  /** The checkpoint to continue, and the epochs it has done. */
  resumed: (DecodedModel & { checkpoint: Checkpoint }) | null;
  startEpoch: number;
}

/** Which training flag sets which training setting, for flags a preset's settings also have. */
function withTrainingFlags(base: TrainSettings, run: RunSettings): TrainSettings {
  const training: TrainSettings = {
    ...base,
    epochs: run.epochs,
    batchSize: run.batchSize,
    learningRate: run.learningRate,
    trainSize: run.trainSize,
    testSize: run.testSize,
  };
  if (run.optimizer) training.optimizer = run.optimizer;
  if (run.schedule) training.schedule = run.schedule;
  if (run.augment) training.augment = run.augment;
  if (run.shuffle !== undefined) training.shuffle = run.shuffle;
  return training;
}

function loadCheckpoint(file: string): DecodedModel & { checkpoint: Checkpoint } {
  const resumed = readModelFile(file);
  if (!resumed.checkpoint)
    throw new Error(`${file}: is a model, not a checkpoint (save one with --checkpoint)`);
  return resumed as DecodedModel & { checkpoint: Checkpoint };
}

/**
 * A resumed run must repeat the saved settings; only the epoch count may grow, and --data may
 * name the folder's new place when the checkpoint records a fingerprint of its images (the run
 * then checks them).
 */
function checkResumeFlags(flags: RunFlags, saved: RunSettings, fingerprinted: boolean): void {
  for (const [key, value] of Object.entries(flags)) {
    if (key === 'data' && fingerprinted) continue;
    const recorded = saved[key as keyof RunSettings] ?? null;
    // Older checkpoints record --data as given, maybe relative to where that run started.
    const was = key === 'data' && typeof recorded === 'string' ? resolve(recorded) : recorded;
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(was))
      throw new UsageError(
        `--resume: the checkpoint was trained with ${key} ${JSON.stringify(was)}, not ${JSON.stringify(value)}`,
      );
  }
}

/** The settings a new run records: flags first, then the preset's or the file's settings. */
function newRunSettings(flags: RunFlags, base: TrainSettings, epochs?: number): RunSettings {
  const { optimizer, schedule, augment, shuffle } = flags;
  return {
    preset: null,
    seed: flags.seed ?? 1,
    epochs: epochs ?? base.epochs,
    trainSize: flags.trainSize ?? base.trainSize,
    testSize: flags.testSize ?? base.testSize,
    learningRate: flags.learningRate ?? base.learningRate,
    batchSize: flags.batchSize ?? base.batchSize,
    poolTies: flags.poolTies ?? null,
    // Absolute, so that a resume from another working folder reads the same images.
    data: flags.data === undefined ? null : resolve(flags.data),
    ...(optimizer && { optimizer }),
    ...(schedule && { schedule }),
    ...(augment && { augment }),
    ...(shuffle !== undefined && { shuffle }),
  };
}

const absolute = (dir?: string) => (dir === undefined ? undefined : resolve(dir));

/** A checkpoint's settings, with the flags a resumed run may change. */
function resumedSettings(saved: RunSettings, flags: TrainFlags): RunSettings {
  return {
    ...saved,
    epochs: flags.epochs ?? saved.epochs,
    data: absolute(flags.run.data) ?? saved.data,
  };
}

function withPoolTies(spec: ModelSpec, ties: 'first' | 'all' | null): ModelSpec {
  if (!ties) return spec;
  return {
    ...spec,
    layers: spec.layers.map((l): LayerSpec => (l.type === 'maxPool2d' ? { ...l, ties } : l)),
  };
}

function unknownPreset(name: string): UsageError {
  return new UsageError(`unknown preset '${name}' (known: ${Object.keys(presets).join(', ')})`);
}

function specTitle(name: string, file: string, spec: ModelSpec, training: TrainSettings): string {
  const layers = spec.layers.map((l) => l.type).join(' -> ');
  return `Spec ${name} (${file}): ${layers}, ${training.optimizer?.type ?? 'sgd'}`;
}

export function planRun(flags: TrainFlags): RunPlan {
  const resumed = flags.resume ? loadCheckpoint(flags.resume) : null;
  const saved = resumed?.checkpoint.settings as RunSettings | undefined;
  const fingerprinted = resumed?.metadata.dataFingerprint !== undefined;
  if (saved)
    checkResumeFlags({ ...flags.run, data: absolute(flags.run.data) }, saved, fingerprinted);
  let settings: RunSettings;
  let base: TrainSettings;
  let name: string;
  let spec: ModelSpec;
  let title: (training: TrainSettings) => string;
  const specFile = saved ? saved.spec : flags.run.spec;
  if (specFile !== undefined) {
    const file = saved?.training ? null : readSpecFile(specFile);
    const fileTraining = saved?.training ?? file?.training ?? {};
    base = { ...specFileDefaults, ...fileTraining };
    name = saved?.name ?? file?.name ?? specFile;
    settings = saved
      ? resumedSettings(saved, flags)
      : {
          ...newRunSettings(flags.run, base, flags.epochs),
          spec: specFile,
          name,
          training: fileTraining,
        };
    spec = withPoolTies(file?.spec ?? (resumed as DecodedModel).model.spec, settings.poolTies);
    title = (training) => specTitle(name, specFile, spec, training);
  } else {
    name = saved?.preset ?? flags.run.preset ?? 'tutorial';
    const preset = presets[name];
    if (!preset) throw unknownPreset(name);
    base = preset.train;
    settings = saved
      ? resumedSettings(saved, flags)
      : { ...newRunSettings(flags.run, base, flags.epochs), preset: preset.name };
    spec = withPoolTies(preset.spec, settings.poolTies);
    title = () => `Preset ${preset.name}: ${preset.description}`;
  }
  const startEpoch = resumed?.checkpoint.epoch ?? 0;
  if (resumed && startEpoch >= settings.epochs)
    throw new UsageError(
      `--resume: the checkpoint has already done ${startEpoch} of ${settings.epochs} epochs (raise --epochs)`,
    );
  const training = withTrainingFlags(base, settings);
  const plannedEpochs = saved?.epochs;
  const shape = training.schedule?.type;
  if (
    plannedEpochs !== undefined &&
    settings.epochs !== plannedEpochs &&
    (shape === 'cosine' || shape === 'oneCycle') &&
    !flags.reshapeSchedule
  ) {
    throw new UsageError(
      `--resume: the checkpoint's ${shape} schedule was planned for ${plannedEpochs} epochs; --epochs ${settings.epochs} would reshape it (add --reshape-schedule if you mean it)`,
    );
  }
  return { title: title(training), name, settings, training, spec, resumed, startEpoch };
}
