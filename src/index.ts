/** The engine's public API (browser-safe: nothing here imports Node modules). */

export { type AugmentConfig, augmentBatch } from './data/augment.js';
export { type Dataset, datasetFromIdx, fillBatch, take } from './data/dataset.js';
export { type IdxArray, parseIdx } from './data/idx.js';
export { type ClassProbability, classify, topK } from './image/classify.js';
export { grayscale } from './image/grayscale.js';
export { type PreprocessedDigit, preprocessDigit } from './image/mnistPreprocess.js';
export {
  type ImagePrediction,
  type PredictImageOptions,
  predictImage,
  type RgbaImage,
} from './image/predictImage.js';
export type { Gray8, GrayImage, Raster } from './image/raster.js';
export {
  gradientMagnitude,
  SOBEL_HORIZONTAL,
  SOBEL_VERTICAL,
  type SobelResult,
  sobel,
} from './image/sobel.js';
export {
  type ActivationKernel,
  type ActivationName,
  activationKernels,
} from './kernels/activations.js';
export { argmax } from './kernels/argmax.js';
export * from './kernels/conv2d.js';
export * from './kernels/convGeometry.js';
export * from './kernels/dense.js';
export * from './kernels/depthwiseConv2d.js';
export * from './kernels/matmul.js';
export * from './kernels/maxPool2d.js';
export { softmaxCrossEntropy } from './kernels/softmaxCrossEntropy.js';
export {
  initSimdKernels,
  type SimdBuild,
  setRelaxedSimdEnabled,
  setSimdEnabled,
  simdAvailable,
  simdBuild,
} from './kernels/wasm/simd.js';
export { Activation, ReLU } from './layers/activation.js';
export { AvgPool2D, type AvgPool2DConfig } from './layers/avgPool2d.js';
export { BatchNorm, type BatchNormConfig, type CrossThreadSum } from './layers/batchNorm.js';
export { Conv2D, type Conv2DConfig } from './layers/conv2d.js';
export { Dense, type DenseConfig } from './layers/dense.js';
export { DepthwiseConv2D, type DepthwiseConv2DConfig } from './layers/depthwiseConv2d.js';
export { Dropout, type DropoutConfig } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export type { Init } from './layers/init.js';
export type { Layer, Param, StateTensor } from './layers/layer.js';
export type {
  BuildContext,
  LayerEntry,
  LayerShapes,
  TorchModule,
  TorchTensor,
} from './layers/layerEntry.js';
export type { LayerSize } from './layers/layerSize.js';
export { MaxPool2D, type MaxPool2DConfig, type PoolTies } from './layers/maxPool2d.js';
export {
  buildLayer,
  entryFor,
  type LayerSpecOf,
  type LayerType,
  layerRegistry,
  torchModules,
  validateLayerSpec,
} from './layers/registry.js';
export { SoftmaxCrossEntropy } from './losses/softmaxCrossEntropy.js';
export {
  type DecodedModel,
  decodeModel,
  encodeModel,
  MODEL_FORMAT_VERSION,
  type ModelMetadata,
} from './model/modelFile.js';
export { predictPixels, softmax } from './model/predict.js';
export {
  type ModelOptions,
  type NamedParam,
  type NamedStateTensor,
  Sequential,
} from './model/sequential.js';
export { type InputSpec, type LayerSpec, type ModelSpec, validateModelSpec } from './model/spec.js';
export { type ExportOnnxOptions, exportOnnx } from './onnx/exportOnnx.js';
export { type ImportedOnnx, type ImportOnnxOptions, importOnnx } from './onnx/importOnnx.js';
export { mappingsForOp, onnxMappingFor } from './onnx/layerMappings.js';
export type { OnnxLayerMapping } from './onnx/mapping.js';
export { Adam, type AdamConfig } from './optim/adam.js';
export { createOptimizer, type OptimizerSpec } from './optim/create.js';
export type { OptimizerState } from './optim/optimizer.js';
export { learningRateAt, type ScheduleSpec } from './optim/schedule.js';
export { type Optimizer, SGD, type SGDConfig } from './optim/sgd.js';
export { type Preset, presets, type TrainSettings, tutorialPreset } from './presets.js';
export { Random } from './random/prng.js';
export * from './tensor/tensor.js';
export type { BatchGradients, GradientSums } from './train/gradients.js';
export { type ClassMetrics, classMetrics } from './train/metrics.js';
export { createTrainStep, type StepResult, type TrainStep } from './train/step.js';
export {
  type EpochLog,
  type EvaluateResult,
  evaluate,
  type StepLog,
  type TrainOptions,
  type TrainPosition,
  type TrainResult,
  train,
  trainSteps,
} from './train/trainer.js';
