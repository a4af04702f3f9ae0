/** The messages between the page (main thread) and its training worker. */

export type PresetName = 'tutorial' | 'lenet5' | 'best';
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'adamw';

/** What the page's controls choose. */
export interface RunSettings {
  preset: PresetName;
  learningRate: number;
  batchSize: number;
  epochs: number;
  optimizer: OptimizerName;
  /** Train on the first trainSize training images. */
  trainSize: number;
  /** Test on the first testSize test images. */
  testSize: number;
  seed: number;
  /** Workers that share each batch (1 unless the page is cross-origin isolated). */
  workers: number;
}

/** User-chosen MNIST-format files, by role. */
export interface DataFiles {
  trainImages: File;
  trainLabels: File;
  testImages: File;
  testLabels: File;
}

export type ToWorker =
  | { type: 'load-default'; baseUrl: string }
  | { type: 'load-files'; files: DataFiles }
  | { type: 'reset'; settings: RunSettings }
  | { type: 'start'; settings: RunSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'load-model'; bytes: Uint8Array; name: string }
  | { type: 'save-model' };

export type RunState = 'idle' | 'running' | 'paused' | 'done';

export interface Progress {
  epoch: number;
  epochs: number;
  /** Samples trained in this run so far, and in all. */
  samples: number;
  totalSamples: number;
  /** Mean training loss and accuracy since the previous report. */
  loss: number;
  accuracy: number;
  /** Accuracy on the first `liveTestCount` test images, measured now. */
  testAccuracy: number;
  liveTestCount: number;
  imagesPerSecond: number;
  /** Workers sharing each batch in this run. */
  workers: number;
}

export interface TestSetMessage {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export type FromWorker =
  | { type: 'ready'; simd: boolean; workers: number; isolated: boolean }
  | { type: 'data-progress'; file: string; fraction: number }
  | { type: 'test-set'; test: TestSetMessage; source: string }
  | { type: 'train-set'; count: number; source: string }
  | { type: 'data-error'; message: string }
  | { type: 'model'; bytes: Uint8Array; description: string }
  | { type: 'weights'; arrays: Float32Array[] }
  | { type: 'state'; state: RunState }
  | { type: 'progress'; progress: Progress }
  | {
      type: 'evaluation';
      predictions: Uint8Array;
      accuracy: number;
      loss: number;
      count: number;
      epoch: number;
    }
  | { type: 'model-file'; bytes: Uint8Array }
  | { type: 'error'; message: string };
