/**
 * Defining a network: a plain, JSON-serialisable ModelSpec. Shapes are inferred layer by layer
 * (height x width x channels): 28x28x1 -> conv 26x26x8 -> relu -> pool 13x13x8 -> dense 10.
 * The other examples import this spec.
 */
import type { ModelSpec } from 'cnn-ts';

export const digitNetwork: ModelSpec = {
  // A stored pixel byte b enters the network as b * scale + offset, here b / 255 - 0.5.
  input: { shape: [28, 28, 1], scale: 1 / 255, offset: -0.5 },
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 3, init: 'he' },
    { type: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
  ],
};
