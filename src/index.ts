/** The engine's public API (browser-safe: nothing here imports Node modules). */
export { type Dataset, datasetFromIdx, fillBatch, take } from './data/dataset.js';
export { type IdxArray, parseIdx } from './data/idx.js';
export * from './kernels/conv2d.js';
export * from './kernels/convGeometry.js';
export * from './kernels/dense.js';
export * from './kernels/matmul.js';
export * from './kernels/maxPool2d.js';
export { softmaxCrossEntropy } from './kernels/softmaxCrossEntropy.js';
export { Conv2D, type Conv2DConfig } from './layers/conv2d.js';
export { Dense, type DenseConfig } from './layers/dense.js';
export type { Init } from './layers/init.js';
export type { Layer, Param } from './layers/layer.js';
export { MaxPool2D, type MaxPool2DConfig, type PoolTies } from './layers/maxPool2d.js';
export { SoftmaxCrossEntropy } from './losses/softmaxCrossEntropy.js';
export {
  decodeModel,
  encodeModel,
  MODEL_FORMAT_VERSION,
  type ModelMetadata,
} from './model/modelFile.js';
export { Sequential } from './model/sequential.js';
export { type InputSpec, type LayerSpec, type ModelSpec, validateModelSpec } from './model/spec.js';
export { type Optimizer, SGD } from './optim/sgd.js';
export { type Preset, presets, tutorialPreset } from './presets.js';
export { Random } from './random/prng.js';
export * from './tensor/tensor.js';
export { evaluate, type TrainOptions, train } from './train/trainer.js';
