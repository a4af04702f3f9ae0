/**
 * Output paths are checked before any work: a folder that is missing is created, and a place that
 * cannot be written is a one-line error within a second, not after a whole training run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeGrayPng } from '../src/io/imageFiles.js';
import { assertOneLineError, cnn, trainSmallModel } from './cliRun.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-outputs-'));
const inTheWay = join(dir, 'a-file');
writeFileSync(inTheWay, 'not a folder');

test('train refuses an --out, --checkpoint or --plot it cannot write before training', () => {
  for (const flag of ['--out', '--checkpoint']) {
    const started = performance.now();
    // The best preset would train for minutes: the error must come before any of it.
    const r = cnn('train', '--preset', 'best', flag, join(inTheWay, 'm.cnn'));
    assertOneLineError(r, /cannot create folder .*a-file: a file is in the way/);
    assert.ok(performance.now() - started < 5000, `${flag} took too long to fail`);
  }
  const r = cnn('train', '--preset', 'best', '--plot', join(inTheWay, 'charts'));
  assertOneLineError(r, /cannot create folder .*charts/);
});

test('train and export create the folder of their output file', () => {
  const model = join(dir, 'new', 'deeper', 'm.cnn');
  const r = trainSmallModel(model, 100);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(model));
  const onnx = join(dir, 'onnx', 'm.onnx');
  assert.equal(cnn('export', '--model', model, '--out', onnx).code, 0);
  assert.ok(existsSync(onnx));
  assertOneLineError(
    cnn('export', '--model', model, '--out', join(inTheWay, 'm.onnx')),
    /a file is in the way/,
  );
});

test('sobel and visualize refuse an --out they cannot write before reading anything, and create a missing one', () => {
  const image = join(dir, 'dot.png');
  const started = performance.now();
  // The inputs do not even exist: the output is checked first.
  assertOneLineError(
    cnn('sobel', join(dir, 'missing.png'), '--out', join(inTheWay, 'sobel')),
    /cannot create folder .*a-file.*: a file is in the way/,
  );
  assertOneLineError(
    cnn('visualize', '--model', join(dir, 'missing.cnn'), '--out', join(inTheWay, 'pictures')),
    /cannot create folder .*a-file.*: a file is in the way/,
  );
  assert.ok(performance.now() - started < 5000, 'took too long to fail');
  writeGrayPng(image, { width: 3, height: 3, data: Uint8Array.of(0, 0, 0, 0, 255, 0, 0, 0, 0) });
  const sobelOut = join(dir, 'new', 'sobel');
  assert.equal(cnn('sobel', image, '--out', sobelOut).code, 0);
  assert.ok(existsSync(join(sobelOut, 'dot-sobel-magnitude.png')));
  // With no --out, sobel writes beside the image: an image inside a file path fails the same way.
  assertOneLineError(cnn('sobel', join(inTheWay, 'x.png')), /cannot create folder .*a-file/);
});
