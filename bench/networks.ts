/**
 * The networks the bench measures: the tutorial net, the Keras-style MNIST CNN, and the `best`
 * and `fast` presets' networks. Another network is one more entry here (and, for PyTorch, a mapping of any
 * new layer type in bench/peerArch.ts).
 */
import type { ModelSpec } from '../src/model/spec.js';
import { bestPreset, fastPreset, TUTORIAL_INPUT, tutorialPreset } from '../src/presets.js';

export type NetKey = 'tutorial' | 'keras' | 'best' | 'fast';

export interface BenchNet {
  key: NetKey;
  title: string;
  spec: ModelSpec;
  /** Training batch sizes to measure (full run; --quick may use fewer). */
  trainBatches: number[];
  inferBatches: number[];
  learningRate: number;
  /** The preset to train to targetAccuracy (test accuracy), if any. */
  presetName?: string;
  targetAccuracy?: number;
}

/**
 * The Keras `mnist_cnn.py` network without dropout: conv 32@3x3 ReLU, conv 64@3x3 ReLU,
 * max-pool 2, dense 128 ReLU, dense 10 (examples/keras-mnist.json trains it from the CLI).
 */
export const kerasSpec: ModelSpec = {
  input: TUTORIAL_INPUT,
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3, init: 'he' },
    { type: 'relu' },
    { type: 'conv2d', filters: 64, kernelSize: 3, init: 'he' },
    { type: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'dense', units: 128, init: 'he' },
    { type: 'relu' },
    { type: 'dense', units: 10, init: 'glorot' },
  ],
};

export const benchNetworks: BenchNet[] = [
  {
    key: 'tutorial',
    title: 'tutorial net',
    spec: tutorialPreset.spec,
    trainBatches: [1, 32, 128],
    inferBatches: [1, 256],
    learningRate: tutorialPreset.train.learningRate,
  },
  {
    key: 'keras',
    title: 'Keras-style CNN',
    spec: kerasSpec,
    trainBatches: [128],
    inferBatches: [256],
    learningRate: 0.01,
  },
  {
    key: 'best',
    title: '`best` preset net',
    spec: bestPreset.spec,
    trainBatches: [bestPreset.train.batchSize],
    inferBatches: [256],
    learningRate: bestPreset.train.learningRate,
    presetName: 'best',
    targetAccuracy: 0.992,
  },
  {
    key: 'fast',
    title: '`fast` preset net',
    spec: fastPreset.spec,
    trainBatches: [fastPreset.train.batchSize],
    inferBatches: [],
    learningRate: fastPreset.train.learningRate,
    presetName: 'fast',
    targetAccuracy: fastPreset.train.targetAccuracy,
  },
];
