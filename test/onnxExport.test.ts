/**
 * ONNX export checked by ONNX Runtime: the three presets trained briefly on MNIST, and stress
 * networks covering every padding, pooling and layout case, give the library's logits to 1e-4
 * relative on the same raw pixels; the `best` preset's classes on 1,000 test images are the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { take } from '../src/data/dataset.js';
import { defaultMnistDir, loadSplit } from '../src/data/mnistFiles.js';
import { Sequential } from '../src/model/sequential.js';
import { exportOnnx } from '../src/onnx/exportOnnx.js';
import { createOptimizer } from '../src/optim/create.js';
import { presets } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import { sizeOf } from '../src/tensor/tensor.js';
import { train } from '../src/train/trainer.js';
import { relativeError } from './helpers.js';
import { libraryLogits, maxAbsDiff, stressModel, stressSpecs } from './onnxModels.js';
import { runOnnx } from './onnxRuntime.js';

function argmaxRows(logits: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / classes; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (logits[r * classes + c] > logits[r * classes + best]) best = c;
    out.push(best);
  }
  return out;
}

const trainSet = take(loadSplit(defaultMnistDir(), 'train'), 1000);
const testSet = take(loadSplit(defaultMnistDir(), 't10k'), 1000);
const testPixels = Float32Array.from(testSet.images);

for (const name of ['tutorial', 'lenet5', 'best']) {
  test(`${name} preset, trained on 1,000 images: ONNX Runtime gives the library's logits on 1,000 test images`, async (t) => {
    const preset = presets[name];
    const model = new Sequential(preset.spec, { seed: 1 });
    train(model, trainSet, {
      epochs: 1,
      batchSize: preset.train.batchSize,
      learningRate: preset.train.learningRate,
      optimizer: createOptimizer(preset.train.optimizer ?? { type: 'sgd' }),
      seed: 1,
    });
    const bytes = exportOnnx(model, { softmax: true, name });
    const ours = libraryLogits(model, testPixels, testSet.count);
    const onnx = await runOnnx(bytes, testPixels, [testSet.count, 28, 28, 1]);
    const err = relativeError(onnx.logits, ours);
    t.diagnostic(
      `${name}: largest logit difference ${maxAbsDiff(onnx.logits, ours)}, relative ${err}`,
    );
    assert.ok(err <= 1e-4, `relative error ${err}`);
    const classes = argmaxRows(ours, 10);
    const accuracy = classes.filter((c, i) => c === testSet.labels[i]).length / testSet.count;
    assert.ok(
      accuracy > 0.5,
      `the trained ${name} net should beat chance clearly, got ${accuracy}`,
    );
    if (name === 'best') assert.deepEqual(argmaxRows(onnx.logits, 10), classes);
    // The softmax output sums to one per image and follows the logits.
    const p = onnx.probabilities;
    for (let r = 0; r < 5; r++) {
      const row = p.subarray(r * 10, r * 10 + 10);
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
      assert.equal(argmaxRows(row, 10)[0], classes[r]);
    }
  });
}

for (const [what, spec] of Object.entries(stressSpecs)) {
  test(`stress network (${what}): ONNX Runtime gives the library's logits`, async (t) => {
    const model = stressModel(spec, 7);
    const n = 16;
    const rng = new Random(3);
    const pixels = Float32Array.from({ length: n * sizeOf(model.inputShape) }, () =>
      Math.floor(rng.uniform() * 256),
    );
    const ours = libraryLogits(model, pixels, n);
    const onnx = await runOnnx(exportOnnx(model), pixels, [n, ...model.inputShape]);
    const err = relativeError(onnx.logits, ours);
    t.diagnostic(`largest logit difference ${maxAbsDiff(onnx.logits, ours)}, relative ${err}`);
    assert.ok(err <= 1e-4, `relative error ${err}`);
    const running = model.stateTensors().find((s) => s.id.endsWith('runningMean'))!;
    assert.ok(
      running.value.some((v) => Math.abs(v) > 0.1),
      'batch norm statistics are non-trivial',
    );
  });
}
