/**
 * The plain, JSON-serialisable description of a model: input shape and pixel scaling plus a list
 * of layer specs. Specs come from code and from model files, so `validateModelSpec` checks an
 * untrusted value field by field and says in one line what is wrong.
 */
import type { BatchNormConfig } from '../layers/batchNorm.js';
import type { Conv2DConfig } from '../layers/conv2d.js';
import type { DenseConfig } from '../layers/dense.js';
import type { DropoutConfig } from '../layers/dropout.js';
import type { MaxPool2DConfig } from '../layers/maxPool2d.js';

export interface PoolConfig {
  poolSize?: number;
  stride?: number;
}

export type LayerSpec =
  | ({ type: 'conv2d' } & Conv2DConfig)
  | ({ type: 'maxPool2d' } & MaxPool2DConfig)
  | ({ type: 'avgPool2d' } & PoolConfig)
  | { type: 'globalAvgPool2d' }
  | ({ type: 'dense' } & DenseConfig)
  | { type: 'relu' }
  | { type: 'flatten' }
  | ({ type: 'dropout' } & DropoutConfig)
  | ({ type: 'batchNorm' } & BatchNormConfig);

export interface InputSpec {
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
  /** A stored pixel byte b enters the network as b * scale + offset (tutorial: 1/255, -0.5). */
  scale: number;
  offset: number;
}

export interface ModelSpec {
  input: InputSpec;
  layers: LayerSpec[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An untrusted value as an error message can show it: short, one line, and never a whole nested
 * structure (JSON.stringify would quote megabytes, overflow the stack, and write NaN as null).
 */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

function positiveInt(v: unknown, what: string, max = 1 << 20): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new Error(`${what} must be a whole number from 1 to ${max}, got ${shown(v)}`);
  }
  return v;
}

/** A number in [0, 1), or [0, 1] when `closed`. */
function fraction(v: unknown, what: string, closed: boolean): number {
  if (typeof v !== 'number' || !(v >= 0 && (closed ? v <= 1 : v < 1))) {
    throw new Error(`${what} must be a number in [0, 1${closed ? ']' : ')'}, got ${shown(v)}`);
  }
  return v;
}

function optional<T>(o: Obj, key: string, check: (v: unknown) => T): T | undefined {
  return o[key] === undefined ? undefined : check(o[key]);
}

function oneOf<T extends string>(values: readonly T[], what: string): (v: unknown) => T {
  return (v) => {
    if (typeof v !== 'string' || !values.includes(v as T)) {
      throw new Error(`${what} must be one of ${values.join(', ')}, got ${shown(v)}`);
    }
    return v as T;
  };
}

const inits = ['tutorial', 'he', 'glorot'] as const;

function validateLayer(v: unknown, i: number): LayerSpec {
  const where = `layer ${i + 1}`;
  if (!isObj(v)) throw new Error(`${where} must be an object`);
  const bool = (key: string) => (x: unknown) => {
    if (typeof x !== 'boolean') throw new Error(`${where} ${key} must be true or false`);
    return x;
  };
  switch (v.type) {
    case 'conv2d':
      return {
        type: 'conv2d',
        filters: positiveInt(v.filters, `${where} filters`, 4096),
        kernelSize: positiveInt(v.kernelSize, `${where} kernelSize`, 64),
        stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
        padding: optional(v, 'padding', (x) => {
          if (x === 'valid' || x === 'same') return x;
          if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 64) return x;
          throw new Error(
            `${where} padding must be 'valid', 'same' or a whole number, got ${shown(x)}`,
          );
        }),
        useBias: optional(v, 'useBias', bool('useBias')),
        init: optional(v, 'init', oneOf(inits, `${where} init`)),
      };
    case 'maxPool2d':
      return {
        type: 'maxPool2d',
        poolSize: optional(v, 'poolSize', (x) => positiveInt(x, `${where} poolSize`, 64)),
        stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
        ties: optional(v, 'ties', oneOf(['first', 'all'] as const, `${where} ties`)),
      };
    case 'avgPool2d':
      return {
        type: 'avgPool2d',
        poolSize: optional(v, 'poolSize', (x) => positiveInt(x, `${where} poolSize`, 64)),
        stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
      };
    case 'globalAvgPool2d':
    case 'relu':
    case 'flatten':
      return { type: v.type };
    case 'dropout':
      return { type: 'dropout', rate: fraction(v.rate, `${where} rate`, false) };
    case 'batchNorm':
      return {
        type: 'batchNorm',
        momentum: optional(v, 'momentum', (x) => fraction(x, `${where} momentum`, false)),
        epsilon: optional(v, 'epsilon', (x) => {
          if (typeof x !== 'number' || !(x > 0 && x < 1))
            throw new Error(`${where} epsilon must be a number in (0, 1), got ${shown(x)}`);
          return x;
        }),
      };
    case 'dense':
      return {
        type: 'dense',
        units: positiveInt(v.units, `${where} units`),
        useBias: optional(v, 'useBias', bool('useBias')),
        init: optional(v, 'init', oneOf(inits, `${where} init`)),
      };
    default:
      throw new Error(`${where} has unknown type ${shown(v.type)}`);
  }
}

export function validateModelSpec(v: unknown): ModelSpec {
  if (!isObj(v)) throw new Error('model spec must be an object');
  const input = v.input;
  if (!isObj(input) || !Array.isArray(input.shape) || input.shape.length !== 3) {
    throw new Error('model spec input.shape must be [height, width, channels]');
  }
  const shape = input.shape.map((d, i) => positiveInt(d, `input.shape[${i}]`, 1 << 14)) as [
    number,
    number,
    number,
  ];
  if (typeof input.scale !== 'number' || !Number.isFinite(input.scale))
    throw new Error('input.scale must be a finite number');
  if (typeof input.offset !== 'number' || !Number.isFinite(input.offset))
    throw new Error('input.offset must be a finite number');
  if (!Array.isArray(v.layers) || v.layers.length === 0)
    throw new Error('model spec needs a non-empty layers list');
  return {
    input: { shape, scale: input.scale, offset: input.offset },
    layers: v.layers.map(validateLayer),
  };
}
