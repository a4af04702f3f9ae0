/** `cnn train`'s flags: parsed, each value checked, with one-line usage errors. */
import type { AugmentConfig } from '../../src/data/augment.js';
import type { OptimizerSpec } from '../../src/optim/create.js';
import type { ScheduleSpec } from '../../src/optim/schedule.js';
import { choiceFlag, intFlag, parseFlags, positiveNumberFlag, UsageError } from '../args.js';
import {
  MAX_BATCH_SIZE,
  validateAugment,
  validateOptimizer,
  validateSchedule,
} from './trainingSettings.js';

/** The flags a resumed run must repeat exactly (the checkpoint records them). */
export interface RunFlags {
  preset?: string;
  spec?: string;
  seed?: number;
  trainSize?: number;
  testSize?: number;
  learningRate?: number;
  batchSize?: number;
  poolTies?: 'first' | 'all';
  data?: string;
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  augment?: AugmentConfig;
  shuffle?: boolean;
}

export interface TrainFlags {
  help: boolean;
  run: RunFlags;
  epochs?: number;
  stopAfter?: number;
  /** Resume with a different --epochs even though the schedule depends on it. */
  reshapeSchedule: boolean;
  threads?: number;
  out?: string;
  plot?: string;
  checkpoint?: string;
  resume?: string;
  json: boolean;
}

/** A setting given by name (`adam`) or as a JSON object (`{"type":"adam","beta1":0.8}`). */
function objectFlag<T>(
  value: string | undefined,
  name: string,
  check: (v: unknown, what: string) => T,
): T | undefined {
  if (value === undefined) return undefined;
  let v: unknown = { type: value };
  if (value.trim().startsWith('{')) {
    try {
      v = JSON.parse(value);
    } catch {
      throw new UsageError(`--${name} is not valid JSON: ${value}`);
    }
  }
  try {
    return check(v, `--${name}`);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `none` or SHIFT,DEGREES. */
function augmentFlag(value: string | undefined): AugmentConfig | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return { maxShift: 0, maxRotateDegrees: 0 };
  const parts = value.split(',');
  const [shift, degrees] = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  try {
    if (parts.length !== 2) throw new Error();
    return validateAugment({ maxShift: shift, maxRotateDegrees: degrees }, '--augment');
  } catch {
    throw new UsageError(
      `--augment must be 'none' or SHIFT,DEGREES (shift 0 to 64 pixels, rotation 0 to 180 degrees), got '${value}'`,
    );
  }
}

function yesNo(v: 'yes' | 'no' | undefined): boolean | undefined {
  return v === undefined ? undefined : v === 'yes';
}

export function parseTrainFlags(args: string[]): TrainFlags {
  const { values } = parseFlags(args, {
    strings: [
      'preset',
      'spec',
      'epochs',
      'train-size',
      'test-size',
      'lr',
      'batch-size',
      'optimizer',
      'schedule',
      'shuffle',
      'augment',
      'pool-ties',
      'seed',
      'data',
      'out',
      'plot',
      'checkpoint',
      'resume',
      'stop-after',
      'threads',
    ],
    booleans: ['reshape-schedule'],
  });
  if (values.help) return { help: true, run: {}, json: false, reshapeSchedule: false };
  if (values.preset !== undefined && values.spec !== undefined)
    throw new UsageError('give --preset or --spec, not both');
  return {
    help: false,
    run: {
      preset: values.preset,
      spec: values.spec,
      seed: intFlag(values.seed, 'seed', 0, 0xffffffff),
      trainSize: intFlag(values['train-size'], 'train-size'),
      testSize: intFlag(values['test-size'], 'test-size'),
      learningRate: positiveNumberFlag(values.lr, 'lr'),
      batchSize: intFlag(values['batch-size'], 'batch-size', 1, MAX_BATCH_SIZE),
      poolTies: choiceFlag(values['pool-ties'], 'pool-ties', ['first', 'all'] as const),
      data: values.data,
      optimizer: objectFlag(values.optimizer, 'optimizer', validateOptimizer),
      schedule: objectFlag(values.schedule, 'schedule', validateSchedule),
      augment: augmentFlag(values.augment),
      shuffle: yesNo(choiceFlag(values.shuffle, 'shuffle', ['yes', 'no'] as const)),
    },
    epochs: intFlag(values.epochs, 'epochs'),
    stopAfter: intFlag(values['stop-after'], 'stop-after'),
    reshapeSchedule: values['reshape-schedule'] ?? false,
    threads: intFlag(values.threads, 'threads', 1, 256),
    out: values.out,
    plot: values.plot,
    checkpoint: values.checkpoint,
    resume: values.resume,
    json: values.json ?? false,
  };
}
