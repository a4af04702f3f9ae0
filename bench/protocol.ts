/**
 * What the harness (bench/run.ts) and its child processes say to each other. A child gets one
 * JSON argument and prints one line `BENCH_RESULT {json}` on stdout (libraries may print other
 * lines); the Python peers follow the same protocol.
 */
import type { TorchModule } from '../src/layers/layerEntry.js';
import type { ModelSpec } from '../src/model/spec.js';
import type { MeasureOptions } from './measure.js';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export type Task = 'train' | 'infer';

export interface PeerArch {
  /** [height, width, channels] */
  input: [number, number, number];
  /** torch.nn modules in order, from the layer registry's PyTorch mappings (see peerArch.ts). */
  modules: TorchModule[];
}

/** One figure to measure. */
export interface BenchCase {
  id: string;
  task: Task;
  batch: number;
  learningRate: number;
}

/** Argument of bench/oursChild.js: one of our measurements, alone in its process. */
export type OursChildConfig =
  | {
      kind: 'throughput';
      spec: ModelSpec;
      case: BenchCase;
      threads: number;
      measure: MeasureOptions;
    }
  | {
      kind: 'timeToAccuracy';
      presetName: string;
      target: number;
      maxSeconds: number;
      /** Threads sharing each batch (the data-parallel trainer when more than 1). */
      threads: number;
    };

/** Argument of bench/tfjsChild.js. */
export interface TfjsChildConfig {
  backend: 'cpu' | 'wasm';
  cases: BenchCase[];
  measure: MeasureOptions;
}

/**
 * A time-to-accuracy run for PyTorch: a preset's network and recipe (Adam or plain SGD, constant
 * or one-cycle learning rate, no augmentation), trained until the test accuracy reaches `target`.
 */
export interface AccuracyCase {
  id: string;
  arch: PeerArch;
  /** Pixel scaling: x * scale + offset for bytes x. */
  scale: number;
  offset: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'sgd' | 'adam';
  /** One-cycle parameters (src/optim/schedule.ts), or null for a constant rate. */
  oneCycle: { peak: number; div: number; finalDiv: number } | null;
  target: number;
  maxSeconds: number;
}

/** Argument of the Python peers. */
export interface PythonPeerConfig {
  mnistDir: string;
  measure: MeasureOptions;
  threads?: number;
  tasks?: Task[];
  cases?: (BenchCase & { arch: PeerArch })[];
  accuracyCases?: AccuracyCase[];
}

export interface CaseResult {
  id: string;
  /** Images/second of each timed run. */
  runs?: number[];
  imagesPerRun?: number;
  /** Peak resident set of the child process (our runs only). */
  maxRssBytes?: number;
  /** Time-to-accuracy runs: wall seconds to the target, the epoch and the accuracy reached. */
  seconds?: number;
  epochs?: number;
  accuracy?: number;
  /** Why this figure is missing. */
  error?: string;
}

export interface ChildOutput {
  /** The whole peer is unavailable (not installed, not importable): reported, never an error. */
  skipped?: string;
  versions?: Record<string, string>;
  results?: CaseResult[];
}
