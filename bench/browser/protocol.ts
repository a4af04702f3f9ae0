/**
 * What the browser benchmark's runner (run.ts), its page (page.ts), its workers and its Node
 * child say to each other: one engine run asked for, one engine's results back.
 */
import type { MeasureOptions } from '../measure.js';
import type { BenchCase, CaseResult } from '../protocol.js';

/** The engines measured; each runs alone in a fresh worker (or, for `cnn-ts-node`, a process). */
export type EngineId =
  | 'cnn-ts'
  | 'cnn-ts-workers2'
  | 'cnn-ts-nosimd'
  | 'cnn-ts-node'
  | 'convnetjs'
  | 'tfjs-cpu'
  | 'tfjs-wasm'
  | 'tfjs-webgl';

export interface EngineRun {
  engine: EngineId;
  cases: BenchCase[];
  measure: MeasureOptions;
  /** Distinct training images the timing loop cycles through. */
  images: number;
}

export interface EngineResult {
  engine: EngineId;
  /** The whole engine is unavailable here, and why. */
  skipped?: string;
  /** Library versions, backend, SIMD state, threads: what the figures were measured with. */
  details?: Record<string, string>;
  results: CaseResult[];
}

/** What the page reports about the browser it runs in. */
export interface PageInfo {
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

/** The message a worker posts back: results, or the error that stopped it. */
export type WorkerReply = { result: EngineResult } | { error: string };
