/**
 * Named experiments for `cnn train --preset NAME`: a model spec plus training settings.
 */
import type { ModelSpec } from './model/spec.js';

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  shuffle: boolean;
  /** Train on the first trainSize training images (all if larger than the set). */
  trainSize: number;
  /** Test on the first testSize test images. */
  testSize: number;
  /** Log running loss/accuracy every this many samples. */
  logEvery: number;
}

export interface Preset {
  name: string;
  description: string;
  spec: ModelSpec;
  train: TrainSettings;
}

/** The tutorial's pixel scaling: x / 255 - 0.5 (3.1.5.3). */
export const TUTORIAL_INPUT = {
  shape: [28, 28, 1] as [number, number, number],
  scale: 1 / 255,
  offset: -0.5,
};

/**
 * The tutorial's experiment exactly (3.1.10): Conv 8 filters 3x3 valid (no bias, randn/9),
 * MaxPool 2 with the tutorial's route-to-every-tie backprop, Dense 1352 -> 10 (randn/1352, zero
 * bias) + softmax; per-sample SGD at lr 0.005 on the first 5,000 training images in file order,
 * 10 epochs; test on the first 400 test images.
 */
export const tutorialPreset: Preset = {
  name: 'tutorial',
  description: 'the tutorial CNN: conv 8@3x3 -> maxpool 2 -> dense 10, per-sample SGD',
  spec: {
    input: TUTORIAL_INPUT,
    layers: [
      {
        type: 'conv2d',
        filters: 8,
        kernelSize: 3,
        padding: 'valid',
        useBias: false,
        init: 'tutorial',
      },
      { type: 'maxPool2d', poolSize: 2, stride: 2, ties: 'all' },
      { type: 'dense', units: 10, init: 'tutorial' },
    ],
  },
  train: {
    epochs: 10,
    batchSize: 1,
    learningRate: 0.005,
    shuffle: false,
    trainSize: 5000,
    testSize: 400,
    logEvery: 500,
  },
};

export const presets: Record<string, Preset> = { tutorial: tutorialPreset };
