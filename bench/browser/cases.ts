/**
 * What the browser benchmark measures: three cases of the tutorial net, the engines, and the
 * timing budgets of a full run.
 */
import type { MeasureOptions } from '../measure.js';
import type { BenchCase } from '../protocol.js';
import type { EngineId } from './protocol.js';

export const CASES: BenchCase[] = [
  { id: 'train1', task: 'train', batch: 1, learningRate: 0.005 },
  { id: 'train128', task: 'train', batch: 128, learningRate: 0.005 },
  { id: 'infer256', task: 'infer', batch: 256, learningRate: 0 },
];

export const CASE_TITLES: Record<string, string> = {
  train1: 'per-sample training',
  train128: 'batch-128 training',
  infer256: 'batch-256 inference',
};

/** Table rows in order; `workers2` is the several-worker cnn-ts row. */
export type RowKey = EngineId | 'cnn-ts-workers2';

export const ROW_TITLES: Record<RowKey, string> = {
  'cnn-ts': 'cnn-ts, browser worker, SIMD',
  'cnn-ts-nosimd': 'cnn-ts, browser worker, SIMD off',
  'cnn-ts-workers2': 'cnn-ts, browser, 2 workers',
  'cnn-ts-node': 'cnn-ts, Node, same bundle, SIMD',
  convnetjs: 'ConvNetJS 0.3.0, browser worker',
  'tfjs-cpu': 'TF.js 4.22 cpu, browser worker',
  'tfjs-wasm': 'TF.js 4.22 wasm, browser worker',
  'tfjs-webgl': 'TF.js 4.22 webgl, browser worker',
};

/** Every engine, as `--only` names them. */
export const ENGINE_ORDER: EngineId[] = [
  'cnn-ts',
  'cnn-ts-node',
  'cnn-ts-nosimd',
  'convnetjs',
  'tfjs-cpu',
  'tfjs-wasm',
  'tfjs-webgl',
];

/**
 * cnn-ts in the browser and in Node are measured in alternating rounds (browser, Node, browser,
 * Node, ...), their runs pooled, so the browser/Node ratio compares figures taken under the same
 * machine load; every other engine is measured once, after them, each in a fresh worker.
 */
export const PAIRED: EngineId[] = ['cnn-ts', 'cnn-ts-node'];

/** Why the several-worker row has no figure: the library's data-parallel trainer is Node-only. */
export const WORKERS2_REASON =
  "not measured: the library's data-parallel trainer runs on Node worker_threads; it has no browser multi-worker trainer";

/** The several-worker row is about batch-128 training only. */
export const WORKERS2_ONLY = 'n/a: only batch-128 training is split over workers';

/** Distinct training images every engine cycles through (the first ones of MNIST's training set). */
export const IMAGES = 8192;

export const FULL_MEASURE: MeasureOptions = { warmupSeconds: 1, runSeconds: 1, runs: 5 };

/** Rounds of the browser/Node pair in a full run (each round times `runs` runs of each). */
export const FULL_ROUNDS = 3;
