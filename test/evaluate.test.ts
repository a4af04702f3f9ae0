/**
 * `cnn evaluate`: reproduces the training run's figures from the saved model, prints per-class
 * precision/recall and the confusion matrix, and names Fashion-MNIST's classes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { classNamesFor, FASHION_MNIST_CLASSES, MNIST_CLASSES } from '../src/data/classNames.js';
import { classMetrics } from '../src/train/metrics.js';
import { assertOneLineError, cnn, lastJson, trainSmallModel } from './cliRun.js';
import { writeSplit } from './idxFolder.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-evaluate-'));

test('confusion matrix, precision and recall by hand', () => {
  const labels = [0, 0, 1, 1, 2, 2];
  const predictions = [0, 1, 1, 1, 0, 2];
  const m = classMetrics(predictions, labels, 6, 4);
  assert.deepEqual(m.confusion, [
    [1, 1, 0, 0],
    [0, 2, 0, 0],
    [1, 0, 1, 0],
    [0, 0, 0, 0],
  ]);
  assert.deepEqual(m.precision, [0.5, 2 / 3, 1, 0]);
  assert.deepEqual(m.recall, [0.5, 1, 0.5, 0]);
  assert.deepEqual(m.support, [2, 2, 2, 0]);
});

test('evaluate on a saved model reproduces the training accuracy and loss exactly', () => {
  const model = join(dir, 'lenet.model');
  const trained = lastJson(
    cnn(
      'train',
      '--preset',
      'lenet5',
      '--train-size',
      '600',
      '--test-size',
      '300',
      '--epochs',
      '1',
      '--out',
      model,
      '--json',
    ),
  );
  const r = cnn('evaluate', '--model', model, '--json');
  const evaluated = lastJson(r);
  assert.equal(evaluated.testSize, 300);
  assert.equal(evaluated.testAccuracy, trained.testAccuracy);
  assert.equal(evaluated.testLoss, trained.testLoss);
  const confusion = evaluated.confusion as number[][];
  assert.equal(confusion.length, 10);
  assert.equal(
    confusion.flat().reduce((a, b) => a + b),
    300,
  );
  const diagonal = confusion.reduce((s, row, i) => s + row[i], 0);
  assert.equal(diagonal / 300, evaluated.testAccuracy);
  assert.deepEqual(evaluated.classes, MNIST_CLASSES);
  assert.equal((evaluated.precision as number[]).length, 10);
  const text = cnn('evaluate', '--model', model).stdout;
  assert.match(text, /class\s+precision\s+recall\s+support/);
  assert.match(text, /Confusion matrix \(rows: true class, columns: predicted class\)/);
  // The matrix is aligned: every row of it has the same length.
  const rows = text.trimEnd().split('\n').slice(-11);
  assert.equal(new Set(rows.map((l) => l.length)).size, 1, rows.join('\n'));
  assertOneLineError(
    cnn('evaluate', '--model', model, '--classes', 'a,b'),
    /--classes needs 10/,
    2,
  );
  const named = lastJson(
    cnn('evaluate', '--model', model, '--json', '--classes', 'a,b,c,d,e,f,g,h,i,j'),
  );
  assert.deepEqual(named.classes, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
});

test('Fashion-MNIST is recognised from its images and its class names printed', () => {
  const bright = {
    count: 1,
    height: 2,
    width: 2,
    channels: 1,
    images: Uint8Array.of(90, 80, 70, 60),
    labels: Uint8Array.of(0),
  };
  const thin = { ...bright, images: Uint8Array.of(0, 0, 100, 0) };
  assert.deepEqual(classNamesFor(bright, 10), FASHION_MNIST_CLASSES);
  assert.deepEqual(classNamesFor(thin, 10), MNIST_CLASSES);
  assert.deepEqual(classNamesFor(bright, 3), ['0', '1', '2']);
  const fashion = mkdtempSync(join(dir, 'fashion-'));
  writeSplit(fashion, 't10k', 20, 75);
  const model = join(dir, 'tiny.model');
  const t = trainSmallModel(model, 50);
  assert.equal(t.code, 0, t.stderr);
  const r = cnn('evaluate', '--model', model, '--data', fashion);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Ankle boot/);
  assert.match(r.stdout, /T-shirt\/top\s+\d/);
});
