/**
 * Sizes beyond the data and threads beyond the machine are never silent: a size larger than its
 * set is used as "all of it" with a warning that says so, an image index past the test set and
 * more threads than cores are one-line errors before any work.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, cnn, lastJson } from './cliRun.js';
import { writeSplit } from './idxFolder.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-sizes-'));
// 30 training and 10 test images: every preset asks for more.
const data = join(dir, 'small');
mkdirSync(data);
writeSplit(data, 'train', 30, (i) => (i * 37) % 256);
writeSplit(data, 't10k', 10, (i) => (i * 53) % 256);
const model = join(dir, 'small.cnn');

test('train: --train-size and --test-size beyond the data use all of it and say so', () => {
  const r = cnn(
    'train',
    '--data',
    data,
    '--train-size',
    '70',
    '--test-size',
    '20',
    '--epochs',
    '1',
    '--out',
    model,
    '--json',
  );
  const result = lastJson(r);
  assert.equal(result.trainSize, 30);
  assert.equal(result.testSize, 10);
  const expected = [
    '--train-size 70: the training set has 30 images; using 30',
    '--test-size 20: the test set has 10 images; using 10',
  ];
  assert.deepEqual(result.warnings, expected);
  for (const w of expected) assert.ok(r.stderr.includes(`cnn: warning: ${w}\n`), r.stderr);
  // The preset's own sizes (tutorial: 5,000 and 400) are named as such.
  const preset = lastJson(cnn('train', '--data', data, '--epochs', '1', '--json'));
  assert.deepEqual(preset.warnings, [
    'train-size 5000 (from preset tutorial): the training set has 30 images; using 30',
    'test-size 400 (from preset tutorial): the test set has 10 images; using 10',
  ]);
});

test('evaluate --test-size beyond the test set uses all of it and says so', () => {
  const r = cnn('evaluate', '--model', model, '--test-size', '11', '--json');
  const result = lastJson(r);
  assert.equal(result.testSize, 10);
  assert.deepEqual(result.warnings, ['--test-size 11: the test set has 10 images; using 10']);
  assert.deepEqual(lastJson(cnn('evaluate', '--model', model, '--json')).warnings, []);
});

test('visualize --sample past the test set is a one-line error', () => {
  const out = join(dir, 'pictures');
  assertOneLineError(
    cnn('visualize', '--model', model, '--sample', '10', '--out', out),
    /--sample 10: the test set has 10 images \(0 to 9\)/,
    2,
  );
  assert.equal(cnn('visualize', '--model', model, '--sample', '9', '--out', out).code, 0);
});

test('train --threads beyond the cores is a one-line error before any work', () => {
  const cores = availableParallelism();
  const started = performance.now();
  // The best preset would train for minutes: the error must come first.
  const r = cnn('train', '--preset', 'best', '--threads', String(cores + 1));
  assertOneLineError(r, new RegExp(`--threads ${cores + 1}: this machine has ${cores} cores?`), 2);
  assert.ok(performance.now() - started < 5000, 'took too long to fail');
});
