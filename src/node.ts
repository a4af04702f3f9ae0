/**
 * Node-only additions to the engine (`cnn-ts/node`): reading MNIST-format folders, saving and
 * loading model files, image files and classifying them, atomic file writes, parallel training.
 */
export { defaultMnistDir, loadMnist, loadSplit, readMaybeGzip } from './data/mnistFiles.js';
export { readFileOrThrow, writeFileAtomic } from './io/files.js';
export { decodeImage, readImage, writeGrayPng } from './io/imageFiles.js';
export { loadModel, readModelFile, saveModel } from './io/modelFiles.js';
export { predictImageFile } from './io/predictImageFile.js';
export {
  createParallelTrainer,
  type ParallelOptions,
  type ParallelTrainer,
} from './parallel/parallelTrainer.js';
export type { ShardedGradients } from './parallel/shardedGradients.js';
export {
  CALLING_PHASES,
  type CallingPhase,
  type PhaseTimes,
  WORKER_PHASES,
  type WorkerPhase,
} from './parallel/stepPhases.js';
