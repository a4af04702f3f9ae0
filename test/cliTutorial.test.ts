/**
 * The `cnn` command line end to end on small subsets of real MNIST: determinism, saved models
 * that evaluate to the training run's figures, and one-line errors for bad input.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import { assertOneLineError, cnn, lastJson } from './cliRun.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-cli-'));

const small = ['--train-size', '300', '--epochs', '2', '--test-size', '100'];

test('train prints the tutorial log lines and the same seed gives identical results', () => {
  const a = cnn('train', ...small, '--seed', '5');
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^Epoch 1$/m);
  assert.match(a.stdout, /^Epoch 2$/m);
  assert.match(a.stdout, /^Step 300: loss = \d+(\.\d+)?, accuracy = \d(\.\d+)?$/m);
  assert.match(a.stdout, /^Test loss: \d+\.\d+$/m);
  assert.match(a.stdout, /^Test accuracy: \d(\.\d+)?$/m);
  const j1 = lastJson(cnn('train', ...small, '--seed', '5', '--json'));
  const j2 = lastJson(cnn('train', ...small, '--seed', '5', '--json'));
  assert.equal(j1.testAccuracy, j2.testAccuracy);
  assert.equal(j1.testLoss, j2.testLoss);
  for (const key of ['testAccuracy', 'testLoss', 'trainSeconds', 'trainImagesPerSecond']) {
    assert.equal(typeof j1[key], 'number', key);
  }
  const j3 = lastJson(cnn('train', ...small, '--seed', '6', '--json'));
  assert.notEqual(j1.testLoss, j3.testLoss, 'another seed gives another run');
});

test('--json keeps stdout to the JSON line and sends logs to stderr', () => {
  const r = cnn('train', '--train-size', '50', '--epochs', '1', '--test-size', '20', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.match(r.stderr, /Test accuracy:/);
});

test('a saved model evaluates to exactly the end-of-training figures', () => {
  const model = join(dir, 'tutorial.model');
  const trained = lastJson(
    cnn('train', ...small, '--pool-ties', 'first', '--out', model, '--json'),
  );
  const r = cnn('evaluate', '--model', model, '--json');
  assert.equal(r.code, 0, r.stderr);
  const evaluated = lastJson(r);
  assert.equal(evaluated.testSize, 100);
  assert.equal(evaluated.testAccuracy, trained.testAccuracy);
  assert.equal(evaluated.testLoss, trained.testLoss);
  const human = cnn('evaluate', '--model', model);
  assert.match(human.stdout, new RegExp(`^Test accuracy: ${trained.testAccuracy}$`, 'm'));
});

test('evaluate rejects missing, truncated, wrong-shape and non-model files in one line', () => {
  const good = join(dir, 'good.model');
  assert.equal(
    cnn('train', '--train-size', '20', '--epochs', '1', '--test-size', '10', '--out', good).code,
    0,
  );
  const bytes = readFileSync(good);

  assertOneLineError(
    cnn('evaluate', '--model', join(dir, 'missing.model')),
    /cannot read model file .*no such file/,
  );

  const truncated = join(dir, 'truncated.model');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  assertOneLineError(cnn('evaluate', '--model', truncated), /model file is truncated/);

  const notModel = join(dir, 'random.bin');
  writeFileSync(notModel, Buffer.from('this is not a model, just some text'));
  assertOneLineError(cnn('evaluate', '--model', notModel), /not a cnn-ts model file/);

  // A valid model of another shape (16 filters) with a header edited to claim the tutorial's 8.
  const other = new Sequential({
    input: { shape: [28, 28, 1], scale: 1 / 255, offset: -0.5 },
    layers: [
      { type: 'conv2d', filters: 16, kernelSize: 3, useBias: false },
      { type: 'maxPool2d' },
      { type: 'dense', units: 10 },
    ],
  });
  const wrong = Buffer.from(encodeModel(other));
  const text = wrong.toString('latin1').replace('"shape":[3,3,1,16]', '"shape":[3,3,1,61]');
  const wrongShape = join(dir, 'wrong-shape.model');
  writeFileSync(wrongShape, Buffer.from(text, 'latin1'));
  assertOneLineError(
    cnn('evaluate', '--model', wrongShape),
    /tensor 1 is 0\.conv2d\.filters \[3, 3, 1, 61\], the spec needs .*\[3, 3, 1, 16\]/,
  );

  // A model whose input is not 28x28 cannot be tested on MNIST.
  const small = new Sequential({
    input: { shape: [8, 8, 1], scale: 1, offset: 0 },
    layers: [{ type: 'dense', units: 10 }],
  });
  const smallFile = join(dir, 'small.model');
  writeFileSync(smallFile, encodeModel(small));
  assertOneLineError(
    cnn('evaluate', '--model', smallFile),
    /test data images are 28x28x1, the model takes 8x8x1/,
  );
});

test('bad flags and values give one-line usage errors', () => {
  assertOneLineError(cnn('train', '--epochs', 'ten'), /--epochs must be a whole number/, 2);
  assertOneLineError(cnn('train', '--lr', '0'), /--lr must be a positive number/, 2);
  assertOneLineError(
    cnn('train', '--pool-ties', 'some'),
    /--pool-ties must be one of first, all/,
    2,
  );
  assertOneLineError(cnn('train', '--bogus'), /unknown flag --bogus for 'cnn train'/, 2);
  assertOneLineError(cnn('train', '--preset', 'nope'), /unknown preset 'nope'/, 2);
  assertOneLineError(cnn('frobnicate'), /unknown command 'frobnicate'/, 2);
  assertOneLineError(cnn('evaluate'), /evaluate needs --model FILE/, 2);
  assertOneLineError(
    cnn('train', '--data', join(dir, 'no-such-dir')),
    /data folder .* does not exist/,
  );
});

test('training that diverges stops with a clear message instead of printing NaN', () => {
  assertOneLineError(
    cnn('train', '--train-size', '200', '--epochs', '1', '--lr', '1e6'),
    /training diverged: loss is (NaN|Infinity)/,
  );
});

test('--threads 2 matches --threads 1 to within 1 point of accuracy; --threads 1 repeats bit for bit', () => {
  const args = ['train', '--train-size', '1000', '--epochs', '1', '--test-size', '300'];
  const batch = [...args, '--batch-size', '32', '--lr', '0.05', '--json'];
  const one = lastJson(cnn(...batch, '--threads', '1'));
  const oneAgain = lastJson(cnn(...batch, '--threads', '1'));
  const two = lastJson(cnn(...batch, '--threads', '2'));
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  assert.equal(one.testLoss, oneAgain.testLoss);
  assert.equal(one.testAccuracy, oneAgain.testAccuracy);
  assert.ok(
    Math.abs((one.testAccuracy as number) - (two.testAccuracy as number)) <= 0.01,
    `${one.testAccuracy} vs ${two.testAccuracy}`,
  );
  assert.ok(
    Math.abs((one.testLoss as number) - (two.testLoss as number)) <= 1e-3,
    `${one.testLoss} vs ${two.testLoss}`,
  );
  // Batch size 1 has nothing to split: it trains on one thread whatever --threads says.
  const perSample = lastJson(cnn(...args, '--threads', '2', '--json'));
  assert.equal(perSample.threads, 1);
  assertOneLineError(
    cnn('train', '--threads', '0'),
    /--threads must be a whole number from 1 to 256/,
    2,
  );
});
