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

/** Table rows: one per engine. */
export type RowKey = EngineId;

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

/**
 * Every engine, in the order of a round. A run measures all of them in several rounds, each
 * engine in a fresh worker (cnn-ts in Node in a fresh process) every round, and pools each
 * engine's timed runs over the rounds: on a shared machine whose load drifts, every ratio then
 * compares figures taken over the same stretch of time. cnn-ts on two workers and cnn-ts in Node
 * come right after cnn-ts in the browser, the pairs the 2-worker and browser/Node ratios are about.
 */
export const ENGINE_ORDER: EngineId[] = [
  'cnn-ts',
  'cnn-ts-workers2',
  'cnn-ts-node',
  'cnn-ts-nosimd',
  'convnetjs',
  'tfjs-cpu',
  'tfjs-wasm',
  'tfjs-webgl',
];

/** Why the several-worker row has no figure where the page cannot share memory between workers. */
export const WORKERS2_REASON =
  'not measured: the page is not cross-origin isolated, so workers cannot share memory';

/** The several-worker row is about batch-128 training only. */
export const WORKERS2_ONLY = 'n/a: only batch-128 training is split over workers';

/** Distinct training images every engine cycles through (the first ones of MNIST's training set). */
export const IMAGES = 8192;

/** A full run: 3 rounds of 3 timed runs, so each figure is the median of 9 runs. */
export const FULL_MEASURE: MeasureOptions = { warmupSeconds: 1, runSeconds: 1, runs: 3 };
export const FULL_ROUNDS = 3;
