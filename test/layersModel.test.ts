/** Sequential's fit / evaluate / predict API with callbacks, on a tiny synthetic task. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { Sequential } from '../src/model/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/random/prng.js';
import { evaluate, train } from '../src/train/trainer.js';

/** 8x8 images: class 0 has a bright left half, class 1 a bright right half, plus noise. */
function halves(count: number, seed: number): Dataset {
  const rng = new Random(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(2);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const lit = x < 4 === (labels[i] === 0);
        images[i * 64 + y * 8 + x] = Math.min(255, (lit ? 150 : 0) + rng.int(80));
      }
  }
  return { count, height: 8, width: 8, channels: 1, images, labels };
}

const spec = {
  input: { shape: [8, 8, 1] as [number, number, number], scale: 1 / 255, offset: -0.3 },
  layers: [
    { type: 'conv2d' as const, filters: 4, kernelSize: 3, padding: 'same' as const },
    { type: 'batchNorm' as const },
    { type: 'relu' as const },
    { type: 'maxPool2d' as const },
    { type: 'flatten' as const },
    { type: 'dropout' as const, rate: 0.2 },
    { type: 'dense' as const, units: 2 },
  ],
};

test('train trains with callbacks; evaluate and predict agree; the same seed repeats the run', () => {
  const data = halves(200, 1);
  const run = () => {
    const model = new Sequential(spec, { seed: 2 });
    const batches: number[] = [];
    const epochs: number[] = [];
    train(model, data, {
      epochs: 3,
      batchSize: 32,
      optimizer: new Adam(),
      learningRate: 0.01,
      schedule: { type: 'cosine' },
      augment: { maxShift: 1, maxRotateDegrees: 0 },
      onBatchEnd: (_epoch, done) => batches.push(done),
      onEpochEnd: (log) => epochs.push(log.epoch),
    });
    return { model, batches, epochs };
  };
  const { model, batches, epochs } = run();
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.equal(batches.length, 3 * 7);
  assert.deepEqual(batches.slice(0, 7), [32, 64, 96, 128, 160, 192, 200]);
  const test = halves(100, 3);
  const result = evaluate(model, test);
  assert.ok(result.accuracy >= 0.95, `accuracy ${result.accuracy}`);
  const x = { shape: [100, 8, 8, 1], data: new Float32Array(100 * 64) };
  for (let i = 0; i < x.data.length; i++) x.data[i] = test.images[i] / 255 - 0.3;
  assert.deepEqual(model.predict(x), [...result.predictions]);
  const again = run().model;
  model.params().forEach((p, i) => {
    assert.deepEqual(again.params()[i].value, p.value, p.id);
  });
});
