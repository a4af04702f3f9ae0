/**
 * Checking the training settings a spec file's "training" section or a `cnn train` flag gives:
 * the same fields as a preset's settings (src/presets.ts), each checked with a one-line error
 * that names the field.
 */
import type { AugmentConfig } from '../../src/data/augment.js';
import type { OptimizerSpec } from '../../src/optim/create.js';
import { type ScheduleSpec, scheduleTypes } from '../../src/optim/schedule.js';
import { FULL_MNIST_RUN, type TrainSettings } from '../../src/presets.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

function wholeNumber(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new Error(`${what} must be a whole number from ${min} to ${max}, got ${show(v)}`);
  return v;
}

/** A finite number with lo < v (or lo <= v when `closedLo`) and v < hi (or <= with `closedHi`). */
function numberIn(
  v: unknown,
  what: string,
  lo: number,
  hi: number,
  closedLo: boolean,
  closedHi = false,
): number {
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (closedLo ? v >= lo : v > lo) &&
    (closedHi ? v <= hi : v < hi);
  if (!ok) {
    const range = `${closedLo ? '[' : '('}${lo}, ${hi === Infinity ? 'infinity' : hi}${closedHi ? ']' : ')'}`;
    throw new Error(`${what} must be a number in ${range}, got ${show(v)}`);
  }
  return v as number;
}

function boolean(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new Error(`${what} must be true or false, got ${show(v)}`);
  return v;
}

/** Rejects fields the object may not have, so a misspelt setting is not silently ignored. */
function onlyFields(o: Obj, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key))
      throw new Error(`${what} has unknown field '${key}' (known: ${allowed.join(', ')})`);
  }
}

/** Copies the fields `checks` names that `o` has, each through its check. */
function pick<T>(
  o: Obj,
  what: string,
  checks: Record<string, (v: unknown, what: string) => unknown>,
): T {
  onlyFields(o, Object.keys(checks), what);
  const out: Obj = {};
  for (const [key, check] of Object.entries(checks)) {
    if (o[key] !== undefined) out[key] = check(o[key], `${what}.${key}`);
  }
  return out as T;
}

const optimizerTypes = ['sgd', 'adam', 'adamw'] as const;

export function validateOptimizer(v: unknown, what: string): OptimizerSpec {
  if (!isObj(v)) throw new Error(`${what} must be an object such as {"type": "adam"}`);
  const fraction = (x: unknown, w: string) => numberIn(x, w, 0, 1, true);
  const decay = (x: unknown, w: string) => numberIn(x, w, 0, Infinity, true);
  switch (v.type) {
    case 'sgd':
      return pick(v, what, {
        type: (x) => x,
        momentum: fraction,
        nesterov: boolean,
        weightDecay: decay,
      });
    case 'adam':
    case 'adamw':
      return pick(v, what, {
        type: (x) => x,
        beta1: fraction,
        beta2: fraction,
        epsilon: (x, w) => numberIn(x, w, 0, 1, false),
        weightDecay: decay,
      });
    default:
      throw new Error(
        `${what}.type must be one of ${optimizerTypes.join(', ')}, got ${show(v.type)}`,
      );
  }
}

export function validateSchedule(v: unknown, what: string): ScheduleSpec {
  if (!isObj(v)) throw new Error(`${what} must be an object such as {"type": "cosine"}`);
  const type = (x: unknown) => x;
  switch (v.type) {
    case 'constant':
      return pick(v, what, { type });
    case 'step': {
      const s = pick<ScheduleSpec>(v, what, {
        type,
        everyEpochs: (x, w) => numberIn(x, w, 0, Infinity, false),
        factor: (x, w) => numberIn(x, w, 0, 1, false, true),
      });
      if (v.everyEpochs === undefined || v.factor === undefined)
        throw new Error(`${what} of type step needs everyEpochs and factor`);
      return s;
    }
    case 'cosine':
      return pick(v, what, {
        type,
        warmupEpochs: (x, w) => numberIn(x, w, 0, Infinity, true),
        minFactor: (x, w) => numberIn(x, w, 0, 1, true, true),
      });
    case 'oneCycle':
      return pick(v, what, {
        type,
        peak: (x, w) => numberIn(x, w, 0, 1, false),
        div: (x, w) => numberIn(x, w, 0, Infinity, false),
        finalDiv: (x, w) => numberIn(x, w, 0, Infinity, false),
      });
    default:
      throw new Error(
        `${what}.type must be one of ${scheduleTypes.join(', ')}, got ${show(v.type)}`,
      );
  }
}

export function validateAugment(v: unknown, what: string): AugmentConfig {
  if (!isObj(v))
    throw new Error(`${what} must be an object such as {"maxShift": 2, "maxRotateDegrees": 8}`);
  onlyFields(v, ['maxShift', 'maxRotateDegrees'], what);
  return {
    maxShift: wholeNumber(v.maxShift ?? 0, `${what}.maxShift`, 0, 64),
    maxRotateDegrees: numberIn(
      v.maxRotateDegrees ?? 0,
      `${what}.maxRotateDegrees`,
      0,
      180,
      true,
      true,
    ),
  };
}

/** Largest batch `cnn train --batch-size` takes; a spec file's batchSize has the same bound. */
export const MAX_BATCH_SIZE = 65536;

const settingChecks: Record<keyof TrainSettings, (v: unknown, what: string) => unknown> = {
  epochs: (v, w) => wholeNumber(v, w, 1, Number.MAX_SAFE_INTEGER),
  batchSize: (v, w) => wholeNumber(v, w, 1, MAX_BATCH_SIZE),
  learningRate: (v, w) => numberIn(v, w, 0, Infinity, false),
  optimizer: validateOptimizer,
  schedule: validateSchedule,
  augment: validateAugment,
  testEveryEpoch: boolean,
  targetAccuracy: (v, w) => numberIn(v, w, 0, 1, false, true),
  detailedOutput: boolean,
  shuffle: boolean,
  trainSize: (v, w) => wholeNumber(v, w, 1, Number.MAX_SAFE_INTEGER),
  testSize: (v, w) => wholeNumber(v, w, 1, Number.MAX_SAFE_INTEGER),
  logEvery: (v, w) => wholeNumber(v, w, 1, Number.MAX_SAFE_INTEGER),
};

/** Any subset of a preset's training settings, as a spec file's "training" section gives them. */
export function validateTrainSettings(v: unknown, what: string): Partial<TrainSettings> {
  if (!isObj(v)) throw new Error(`${what} must be an object`);
  return pick(v, what, settingChecks);
}

/**
 * What a spec file's run uses for every setting its "training" section leaves out: a full pass
 * over MNIST with plain SGD, tested after the epoch, as Keras examples run.
 */
export const specFileDefaults: TrainSettings = {
  epochs: 1,
  batchSize: 32,
  learningRate: 0.01,
  ...FULL_MNIST_RUN,
};
