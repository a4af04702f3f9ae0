/**
 * The model file: round trips of weights, batch norm statistics and checkpoints, and damaged
 * files (truncated, wrong version, shape mismatch, NaN weights, random bytes, ...) each refused
 * by `cnn evaluate` with one line and exit code 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Checkpoint, decodeModel, encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/random/prng.js';
import { assertOneLineError, cnn } from './cliRun.js';
import { withHeader } from './fixtures/modelHeader.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-modelfile-'));

const spec: ModelSpec = {
  input: { shape: [28, 28, 1], scale: 1 / 255, offset: 0 },
  layers: [
    { type: 'conv2d', filters: 2, kernelSize: 3, stride: 2, padding: 'same', useBias: false },
    { type: 'batchNorm' },
    { type: 'relu' },
    { type: 'maxPool2d' },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 10 },
  ],
};

function trainedModel(): Sequential {
  const model = new Sequential(spec, { seed: 5 });
  const rng = new Random(6);
  const x = {
    shape: [4, 28, 28, 1],
    data: Float32Array.from({ length: 4 * 784 }, () => rng.uniform()),
  };
  model.forward(x, true); // moves the batch norm running statistics off their defaults
  return model;
}

test('weights and batch norm running statistics survive a save and load exactly', () => {
  const model = trainedModel();
  const {
    model: loaded,
    metadata,
    checkpoint,
  } = decodeModel(encodeModel(model, { preset: 'x', epochs: 3 }));
  assert.deepEqual(metadata, { preset: 'x', epochs: 3 });
  assert.equal(checkpoint, undefined);
  const a = [...model.params(), ...model.stateTensors()];
  const b = [...loaded.params(), ...loaded.stateTensors()];
  assert.deepEqual(
    b.map((t) => t.id),
    a.map((t) => t.id),
  );
  assert.ok(b.some((t) => t.id === '1.batchNorm.runningVar'));
  a.forEach((t, i) => {
    assert.deepEqual(b[i].value, t.value, t.id);
  });
  assert.ok(
    loaded.stateTensors()[1].value.some((v) => v !== 1),
    'running variance was saved',
  );
});

test('a checkpoint carries optimizer slots, step count and generator states', () => {
  const model = trainedModel();
  const adam = new Adam();
  const params = model.params();
  for (const p of params) p.grad.fill(0.1);
  adam.step(params, 0.01);
  const train = new Random(7);
  train.gaussian(); // leaves a spare Gaussian in the state
  const ck: Checkpoint = {
    epoch: 1,
    settings: { preset: 'x', seed: 5 },
    optimizerKind: adam.kind,
    optimizerConfig: { type: 'adam' },
    optimizer: adam.getState(),
    trainRng: train.getState(),
    noiseRng: model.noise.getState(),
  };
  const decoded = decodeModel(encodeModel(model, {}, ck)).checkpoint;
  assert.ok(decoded);
  assert.equal(decoded.epoch, 1);
  assert.equal(decoded.optimizer.step, 1);
  assert.deepEqual(Object.keys(decoded.optimizer.slots), ['m', 'v']);
  decoded.optimizer.slots.m.forEach((s, i) => {
    assert.deepEqual(s, adam.getState().slots.m[i]);
  });
  assert.deepEqual(decoded.trainRng, train.getState());
  assert.ok(Number.isNaN(decoded.noiseRng[4]), 'no spare Gaussian stays "none"');
  assert.deepEqual(decoded.settings, { preset: 'x', seed: 5 });
});

test('damaged model files give one line and exit code 1, never a stack trace', () => {
  const good = encodeModel(trainedModel(), { testSize: 10 });
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated', good.subarray(0, good.length - 7), /truncated/],
    ['truncated header', good.subarray(0, 40), /truncated/],
    ['too long', Uint8Array.from([...good, 0, 0, 0, 0]), /too long/],
    [
      'wrong version',
      (() => {
        const b = good.slice();
        view(b).setUint32(8, 99, true);
        return b;
      })(),
      /unsupported model format version 99/,
    ],
    [
      'shape mismatch',
      withHeader(good, (h) => {
        (h.tensors as { shape: number[] }[])[0].shape = [3, 3, 1, 3];
      }),
      /tensor 1 is 0\.conv2d\.filters \[3, 3, 1, 3\], the spec needs 0\.conv2d\.filters \[3, 3, 1, 2\]/,
    ],
    [
      'NaN weight',
      (() => {
        const b = good.slice();
        view(b).setFloat32(b.length - 8, Number.NaN, true);
        return b;
      })(),
      /non-finite value \(NaN\)/,
    ],
    [
      'infinite batch norm statistic',
      (() => {
        const b = good.slice();
        // Saved state follows the parameters: runningMean (2 values), then runningVar (2).
        view(b).setFloat32(b.length - 16, Number.POSITIVE_INFINITY, true);
        return b;
      })(),
      /1\.batchNorm\.runningMean holds a non-finite value/,
    ],
    [
      'bad spec',
      withHeader(good, (h) => {
        (h.spec as { layers: unknown[] }).layers[5] = { type: 'dropout', rate: 2 };
      }),
      /spec is invalid: layer 6 rate must be a number in \[0, 1\)/,
    ],
    [
      'random bytes',
      Uint8Array.from({ length: 500 }, (_, i) => (i * 2654435761) >>> 24),
      /bad magic/,
    ],
    [
      'random bytes after the magic',
      Uint8Array.from([
        ...good.subarray(0, 8),
        ...Array.from({ length: 300 }, (_, i) => (i * 40503) & 255),
      ]),
      /unsupported model format version|truncated|not valid JSON/,
    ],
    ['empty', new Uint8Array(0), /bad magic/],
  ];
  for (const [name, bytes, pattern] of cases) {
    const file = join(dir, `${name.replace(/ /g, '-')}.cnnmodel`);
    writeFileSync(file, bytes);
    assertOneLineError(cnn('evaluate', '--model', file), pattern);
  }
  assertOneLineError(cnn('evaluate', '--model', join(dir, 'missing.cnnmodel')), /no such file/);
});
