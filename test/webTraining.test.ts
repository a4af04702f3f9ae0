/**
 * The playground trains a slice of batches at a time (so its worker can hear pause), with the
 * learning-rate schedule applied per batch through the step hook. Slicing must change nothing:
 * any slice size gives the weights that one uninterrupted train() call gives, bit for bit, with
 * shuffling, augmentation, dropout, Adam and a one-cycle schedule all in play.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { take } from '../src/data/dataset.js';
import { defaultMnistDir, loadSplit } from '../src/data/mnistFiles.js';
import { Sequential } from '../src/model/sequential.js';
import { createOptimizer } from '../src/optim/create.js';
import { presets } from '../src/presets.js';
import { train } from '../src/train/trainer.js';
import type { RunSettings } from '../web/protocol.js';
import { TrainingRun } from '../web/worker/training.js';

const data = take(loadSplit(defaultMnistDir(), 't10k'), 96);

function weights(model: Sequential): number[] {
  return model.params().flatMap((p) => Array.from(p.value));
}

for (const preset of ['lenet5', 'best'] as const) {
  test(`${preset}: training in slices equals one train() call, bit for bit`, () => {
    const t = presets[preset].train;
    const settings: RunSettings = {
      preset,
      learningRate: t.learningRate,
      batchSize: 16,
      epochs: 2,
      optimizer: preset === 'best' ? 'adamw' : 'adam',
      trainSize: data.count,
      testSize: 10,
      seed: 3,
      workers: 1,
    };
    const whole = new Sequential(presets[preset].spec, { seed: 3 });
    train(whole, data, {
      optimizer: createOptimizer(t.optimizer ?? { type: 'sgd' }),
      epochs: 2,
      batchSize: 16,
      learningRate: t.learningRate,
      schedule: t.schedule,
      shuffle: t.shuffle,
      augment: t.augment,
      seed: 3,
    });
    for (const sliceSamples of [16, 48, 1000]) {
      const sliced = new Sequential(presets[preset].spec, { seed: 3 });
      const run = new TrainingRun(sliced, settings, data);
      let slices = 0;
      while (!run.finished) {
        run.trainSlice(sliceSamples);
        slices++;
      }
      assert.equal(run.samplesDone, 2 * data.count);
      assert.ok(slices >= 2);
      assert.deepEqual(weights(sliced), weights(whole), `slices of ${sliceSamples} samples`);
    }
  });
}
