/**
 * `cnn predict` over many pictures: a broken file in the middle does not stop the others, folders
 * are walked in name order with their subfolders (other files skipped and counted), --json gives
 * one entry per picture, --save-input fails before the first picture, and pipes get no progress
 * bar. The pictures are MNIST test digits written as PNG and JPEG; the model is the tutorial's,
 * trained here; what the command prints is checked against the library's own predictImage.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Output } from '../cli/output.js';
import { loadMnist } from '../src/data/mnistFiles.js';
import { classify } from '../src/image/classify.js';
import { predictImage } from '../src/image/predictImage.js';
import { decodeImage, encodeGrayPng, encodeJpeg, readImage } from '../src/io/imageFiles.js';
import { argmax } from '../src/kernels/argmax.js';
import type { Sequential } from '../src/model/sequential.js';
import { runCli, trainTutorialModel } from './imageHelpers.js';

const mnist = loadMnist();
let dir = '';
let modelPath = '';
let model: Sequential;
/** Test digits the model classifies correctly as plain 28x28 images, with their labels. */
const known: { pixels: Uint8Array; label: number }[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnn-predict-batch-'));
  ({ model, path: modelPath } = trainTutorialModel(mnist.train, dir));
  for (let i = 0; i < mnist.test.count && known.length < 8; i++) {
    const pixels = mnist.test.images.subarray(i * 784, (i + 1) * 784);
    const label = mnist.test.labels[i];
    if (argmax(classify(model, pixels)) === label) known.push({ pixels, label });
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes test digit `k` of `known` at `path`, as a PNG or (for .jpg/.jpeg) a JPEG. */
function writeDigit(path: string, k: number): string {
  const { pixels } = known[k];
  if (/\.jpe?g$/i.test(path)) {
    const rgba = new Uint8Array(784 * 4);
    pixels.forEach((v, i) => {
      rgba.set([v, v, v, 255], 4 * i);
    });
    writeFileSync(path, encodeJpeg(28, 28, rgba, 95));
  } else {
    writeFileSync(path, encodeGrayPng({ width: 28, height: 28, data: pixels }));
  }
  return path;
}

/** A PNG cut short: the decoder runs out of data. */
function writeBroken(path: string): string {
  const png = encodeGrayPng({ width: 28, height: 28, data: known[0].pixels });
  writeFileSync(path, png.subarray(0, png.length - 20));
  return path;
}

/** What `cnn predict` should print for a picture: the library's answer, formatted as the CLI does. */
function expectedLine(file: string): string {
  const { top } = predictImage(model, readImage(file));
  return `${file}: ${top.map((t) => `${t.label} (${(t.probability * 100).toFixed(1)}%)`).join(', ')}`;
}

const lines = (text: string) => text.trimEnd().split('\n');

test('a broken picture between two good ones: two predictions, one error line, exit 1', () => {
  const sub = join(dir, 'three');
  mkdirSync(sub);
  const a = writeDigit(join(sub, 'a.png'), 0);
  const broken = writeBroken(join(sub, 'broken.png'));
  const c = writeDigit(join(sub, 'c.png'), 1);
  const r = runCli(['predict', '--model', modelPath, a, broken, c]);
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(lines(r.stdout), [
    expectedLine(a),
    `${broken}: error: cannot decode PNG: the file is truncated`,
    expectedLine(c),
  ]);
  assert.match(lines(r.stdout)[0], new RegExp(`: ${known[0].label} \\(`), 'the digit read right');
  assert.match(lines(r.stdout)[2], new RegExp(`: ${known[1].label} \\(`), 'the digit read right');
  assert.equal(r.stderr, '3 images, 1 failed\n');
  // All good: exit 0, the same summary line.
  const good = runCli(['predict', '--model', modelPath, a, c]);
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stderr, '2 images, 0 failed\n');
});

test('folders: every PNG and JPEG inside, subfolders included, in name order; other files skipped', () => {
  const root = join(dir, 'tree');
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  const files = [
    writeDigit(join(root, 'a.jpg'), 2),
    writeDigit(join(root, 'b.png'), 3),
    writeDigit(join(root, 'sub', 'c.PNG'), 4),
    writeDigit(join(root, 'sub', 'deeper', 'd.jpeg'), 5),
    writeDigit(join(root, 'z.png'), 6),
  ];
  writeFileSync(join(root, 'notes.txt'), 'not a picture\n');
  writeFileSync(join(root, 'sub', 'readme.md'), '# not a picture\n');
  // A link back up the tree is not followed, so the walk cannot loop.
  symlinkSync(root, join(root, 'sub', 'up'));
  const r = runCli(['predict', '--model', modelPath, root]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), files.map(expectedLine));
  files.forEach((file, k) => {
    assert.match(lines(r.stdout)[k], new RegExp(`: ${known[k + 2].label} \\(`), file);
  });
  assert.equal(r.stderr, '5 images, 0 failed, 3 other files skipped\n');

  // A folder without subfolders, and a folder beside a file named on the command line.
  const flat = runCli(['predict', '--model', modelPath, join(root, 'sub', 'deeper'), files[1]]);
  assert.equal(flat.status, 0, flat.stderr);
  assert.deepEqual(lines(flat.stdout), [files[3], files[1]].map(expectedLine));
  assert.equal(flat.stderr, '2 images, 0 failed\n');

  // A file named on the command line is read whatever its name: not a picture is an error.
  const named = runCli(['predict', '--model', modelPath, join(root, 'notes.txt'), files[0]]);
  assert.equal(named.status, 1);
  assert.deepEqual(lines(named.stdout), [
    `${join(root, 'notes.txt')}: error: not a PNG or JPEG image`,
    expectedLine(files[0]),
  ]);
  assert.equal(named.stderr, '2 images, 1 failed\n');

  // A missing file is an error line too; a folder with no pictures at all is a one-line error.
  const missing = runCli(['predict', '--model', modelPath, join(root, 'nope.png')]);
  assert.equal(missing.status, 1);
  assert.match(
    missing.stdout,
    /nope\.png: error: cannot read image .*: no such file or directory\n$/,
  );
  const empty = runCli(['predict', '--model', modelPath, join(root, 'empty')]);
  assert.equal(empty.status, 1);
  assert.equal(empty.stdout, '');
  assert.equal(empty.stderr, `cnn: no PNG or JPEG images in ${join(root, 'empty')}\n`);
});

test('--json: stdout is one JSON array, an entry per picture with its top classes or its error', () => {
  const sub = join(dir, 'json');
  mkdirSync(sub);
  const a = writeDigit(join(sub, 'a.png'), 6);
  const broken = writeBroken(join(sub, 'broken.png'));
  const c = writeDigit(join(sub, 'c.jpg'), 7);
  const r = runCli(['predict', '--model', modelPath, '--json', sub]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(lines(r.stdout).length, 1, 'one line');
  const entries = JSON.parse(r.stdout);
  assert.deepEqual(entries, [
    { file: a, top: predictImage(model, readImage(a)).top },
    { file: broken, error: 'cannot decode PNG: the file is truncated' },
    { file: c, top: predictImage(model, readImage(c)).top },
  ]);
  // The lines for people go to stderr, the summary last.
  assert.deepEqual(lines(r.stderr), [
    expectedLine(a),
    `${broken}: error: cannot decode PNG: the file is truncated`,
    expectedLine(c),
    '3 images, 1 failed',
  ]);
});

test('--save-input writes what the network saw, subfolders kept; an unusable DIR fails before any picture', () => {
  const root = join(dir, 'save');
  mkdirSync(join(root, 'sub'), { recursive: true });
  const a = writeDigit(join(root, 'a.png'), 0);
  const b = writeDigit(join(root, 'sub', 'b.jpg'), 1);
  const out = join(dir, 'saved');
  const r = runCli(['predict', '--model', modelPath, root, '--save-input', out]);
  assert.equal(r.status, 0, r.stderr);
  for (const [file, saved] of [
    [a, join(out, 'a-28x28.png')],
    [b, join(out, 'sub', 'b-28x28.png')],
  ]) {
    const seen = decodeImage(readFileSync(saved), saved);
    const gray = seen.data.filter((_, i) => i % 4 === 0);
    assert.deepEqual(gray, predictImage(model, readImage(file)).digit.pixels, saved);
  }

  // A regular file where a folder should be (ENOTDIR): one line, exit 1, no picture read.
  const inTheWay = join(dir, 'a-file');
  writeFileSync(inTheWay, 'x');
  const bad = runCli(['predict', '--model', modelPath, root, '--save-input', join(inTheWay, 'x')]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '', 'no picture was read');
  assert.equal(
    bad.stderr,
    `cnn: cannot create folder ${join(inTheWay, 'x')}: a file is in the way\n`,
  );
});

test('over 50 pictures into pipes: no progress bar, just the lines and the summary', () => {
  const many = join(dir, 'many');
  mkdirSync(many);
  for (let i = 0; i < 60; i++) writeDigit(join(many, `${String(i).padStart(2, '0')}.png`), i % 8);
  for (const json of [false, true]) {
    const r = runCli(['predict', '--model', modelPath, many, ...(json ? ['--json'] : [])]);
    assert.equal(r.status, 0, r.stderr);
    const both = r.stdout + r.stderr;
    assert.ok(!both.includes('\r') && !both.includes('\x1b'), 'no bar or escape codes');
    assert.equal(lines(json ? r.stderr : r.stdout).length, json ? 61 : 60);
    assert.equal(lines(r.stderr).at(-1), '60 images, 0 failed');
    if (json) assert.equal(JSON.parse(r.stdout).length, 60);
  }
});

test('the progress bar draws on a terminal only, and again at once after a line cleared it', () => {
  const writes: string[] = [];
  const terminal = { isTTY: true, write: (s: string) => writes.push(s) };
  const out = new Output(false, terminal as unknown as NodeJS.WriteStream);
  out.progress('predict', 1, 4);
  out.progress('predict', 2, 4); // within 100 ms of the last: not redrawn
  assert.deepEqual(writes, [`\rpredict [${'#'.repeat(8)}${'.'.repeat(22)}] 1/4`]);
  out.clearBar();
  out.progress('predict', 3, 4); // cleared: redrawn at once
  out.progress('predict', 4, 4); // the end: always drawn
  assert.equal(writes.length, 4);
  assert.equal(writes[1], '\r\x1b[K');
  assert.match(writes[2], /\] 3\/4$/);
  assert.equal(writes[3], `\rpredict [${'#'.repeat(30)}] 4/4`);
  const pipeWrites: string[] = [];
  const pipe = { isTTY: false, write: (s: string) => pipeWrites.push(s) };
  new Output(false, pipe as unknown as NodeJS.WriteStream).progress('predict', 4, 4);
  assert.deepEqual(pipeWrites, []);
});
