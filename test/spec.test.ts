/** Model spec validation: each bad field refused with one line naming the layer and the field. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateModelSpec } from '../src/model/spec.js';

const input = { shape: [8, 8, 1], scale: 1, offset: 0 };
const withLayers = (...layers: unknown[]) => ({ input, layers });

test('a bad layer config gets one line naming the layer, the field and the value', () => {
  const cases: [unknown, string][] = [
    [
      { type: 'conv2d', filters: 0, kernelSize: 3 },
      'layer 3 filters must be a whole number from 1 to 4096, got 0',
    ],
    [
      { type: 'conv2d', filters: 2, kernelSize: 65 },
      'layer 3 kernelSize must be a whole number from 1 to 64, got 65',
    ],
    [
      { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'full' },
      `layer 3 padding must be 'valid', 'same' or a whole number, got "full"`,
    ],
    [
      { type: 'conv2d', filters: 2, kernelSize: 3, useBias: 1 },
      'layer 3 useBias must be true or false',
    ],
    [
      { type: 'conv2d', filters: 2, kernelSize: 3, init: 'xavier' },
      'layer 3 init must be one of tutorial, he, glorot, got "xavier"',
    ],
    [{ type: 'maxPool2d', ties: 'some' }, 'layer 3 ties must be one of first, all, got "some"'],
    [
      { type: 'avgPool2d', stride: 1.5 },
      'layer 3 stride must be a whole number from 1 to 64, got 1.5',
    ],
    [
      { type: 'dense', units: -1 },
      'layer 3 units must be a whole number from 1 to 1048576, got -1',
    ],
    [{ type: 'dropout', rate: 1 }, 'layer 3 rate must be a number in [0, 1), got 1'],
    [
      { type: 'batchNorm', momentum: 'high' },
      'layer 3 momentum must be a number in [0, 1), got "high"',
    ],
    [{ type: 'batchNorm', epsilon: 0 }, 'layer 3 epsilon must be a number in (0, 1), got 0'],
    [{ type: 'softmax' }, 'layer 3 has unknown type "softmax"'],
    [{ type: 'toString' }, 'layer 3 has unknown type "toString"'],
    [{}, 'layer 3 has unknown type undefined'],
    [[1], 'layer 3 must be an object'],
  ];
  for (const [layer, message] of cases) {
    const spec = withLayers({ type: 'relu' }, { type: 'flatten' }, layer);
    assert.throws(() => validateModelSpec(spec), { message }, JSON.stringify(layer));
  }
});

test('a valid spec keeps its fields and leaves the defaults to the layers', () => {
  const spec = validateModelSpec(
    withLayers({ type: 'conv2d', filters: 2, kernelSize: 3, extra: 1 }, { type: 'relu', x: 2 }),
  );
  assert.deepEqual(JSON.parse(JSON.stringify(spec.layers)), [
    { type: 'conv2d', filters: 2, kernelSize: 3 },
    { type: 'relu' },
  ]);
});

test('a bad input or layer list is refused in one line', () => {
  assert.throws(() => validateModelSpec(null), { message: 'model spec must be an object' });
  assert.throws(() => validateModelSpec({ input: { shape: [8, 8] }, layers: [] }), {
    message: 'model spec input.shape must be [height, width, channels]',
  });
  assert.throws(() => validateModelSpec({ input, layers: [] }), {
    message: 'model spec needs a non-empty layers list',
  });
});
