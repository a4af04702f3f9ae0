/** Node-only additions to the engine: reading MNIST-format folders and atomic file writes. */
export { defaultMnistDir, loadMnist, loadSplit, readMaybeGzip } from './data/mnistFiles.js';
export { readFileOrThrow, writeFileAtomic } from './io/files.js';
export { decodeImage, readImage, writeGrayPng } from './io/imageFiles.js';
export { createParallelTrainer, type ParallelTrainer } from './parallel/parallelTrainer.js';
