/**
 * Resume: a run stopped after epoch 1 and resumed ends with weights byte-for-byte equal to an
 * uninterrupted run, and the same test loss; on small MNIST subsets so it stays quick.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, cnn, lastJson, tensorBytes } from './cliRun.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-resume-'));
const file = (name: string) => join(dir, name);

for (const threads of ['1', '2']) {
  test(`best preset (AdamW, one-cycle, batch norm, dropout, augmentation), ${threads} thread(s): 2 epochs straight = 1 + resume 1`, () => {
    const subset = [
      '--preset',
      'best',
      '--train-size',
      '500',
      '--test-size',
      '200',
      '--epochs',
      '2',
      '--json',
      '--threads',
      threads,
    ];
    const straight = lastJson(cnn('train', ...subset, '--out', file(`straight${threads}.model`)));
    const first = cnn(
      'train',
      ...subset,
      '--stop-after',
      '1',
      '--checkpoint',
      file(`best${threads}.ckpt`),
    );
    assert.equal(first.code, 0, first.stderr);
    const resumed = lastJson(
      cnn(
        'train',
        '--resume',
        file(`best${threads}.ckpt`),
        '--epochs',
        '2',
        '--threads',
        threads,
        '--json',
        '--out',
        file(`resumed${threads}.model`),
      ),
    );
    assert.equal(resumed.testLoss, straight.testLoss);
    assert.equal(resumed.testAccuracy, straight.testAccuracy);
    const a = tensorBytes(readFileSync(file(`straight${threads}.model`)));
    const b = tensorBytes(readFileSync(file(`resumed${threads}.model`)));
    assert.ok(a.length > 100_000, 'the model holds the weights');
    assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'weights identical byte for byte');
    // The checkpoint after epoch 2 of the straight run differs from after epoch 1: training moved on.
    const ck1 = tensorBytes(readFileSync(file(`best${threads}.ckpt`)));
    assert.ok(!Buffer.from(ck1.subarray(0, a.length)).equals(Buffer.from(a)));
  });
}

test('--epochs counts the total: a 1-epoch checkpoint resumed with --epochs 2 trains one more', () => {
  const subset = ['--preset', 'tutorial', '--train-size', '300', '--test-size', '100'];
  const straight = lastJson(
    cnn('train', ...subset, '--epochs', '2', '--json', '--out', file('t2.model')),
  );
  const one = cnn('train', ...subset, '--epochs', '1', '--checkpoint', file('t1.ckpt'));
  assert.equal(one.code, 0, one.stderr);
  const resumed = cnn(
    'train',
    '--resume',
    file('t1.ckpt'),
    '--epochs',
    '2',
    '--json',
    '--out',
    file('t1r.model'),
  );
  assert.match(resumed.stderr, /Resuming .* after epoch 1 of 2/);
  assert.match(resumed.stderr, /Trained 300 images/);
  assert.equal(lastJson(resumed).testLoss, straight.testLoss);
  assert.ok(
    Buffer.from(tensorBytes(readFileSync(file('t2.model')))).equals(
      Buffer.from(tensorBytes(readFileSync(file('t1r.model')))),
    ),
  );
  assertOneLineError(
    cnn('train', '--resume', file('t1.ckpt'), '--epochs', '1'),
    /already done 1 of 1 epochs/,
    2,
  );
  assertOneLineError(
    cnn('train', '--resume', file('t1.ckpt'), '--epochs', '2', '--seed', '9'),
    /trained with seed 1, not 9/,
    2,
  );
  assertOneLineError(cnn('train', '--resume', file('t2.model')), /is a model, not a checkpoint/);
});
