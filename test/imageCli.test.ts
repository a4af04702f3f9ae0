/**
 * The image commands end to end, on one tutorial model trained here (1 epoch on 5,000 MNIST
 * images, about a second): predict on digit photos drawn from MNIST test digits, visualize,
 * train --plot, and one-line errors for bad images.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadMnist } from '../src/data/mnistFiles.js';
import { classify } from '../src/image/classify.js';
import { decodeImage, encodeGrayPng, encodeJpeg } from '../src/io/imageFiles.js';
import { argmax } from '../src/kernels/argmax.js';
import type { Sequential } from '../src/model/sequential.js';
import { drawDigit, penDigits } from './fixtures/pen.js';
import { digitOnPaper, runCli, trainTutorialModel } from './imageHelpers.js';

let dir = '';
let modelPath = '';
let model: Sequential;
const mnist = loadMnist();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnn-image-'));
  ({ model, path: modelPath } = trainTutorialModel(mnist.train, dir));
});

after(() => rmSync(dir, { recursive: true, force: true }));

function testDigit(index: number): Uint8Array {
  return mnist.test.images.subarray(index * 784, (index + 1) * 784);
}

/** The first test image of each class that the model gets right as a plain 28x28 MNIST image. */
function digitsTheModelKnows(): { index: number; label: number }[] {
  const found = new Map<number, number>();
  for (let i = 0; i < mnist.test.count && found.size < 10; i++) {
    const label = mnist.test.labels[i];
    if (!found.has(label) && argmax(classify(model, testDigit(i))) === label) found.set(label, i);
  }
  return [...found].map(([label, index]) => ({ index, label })).sort((a, b) => a.label - b.label);
}

test('cnn predict classifies digit photos made from MNIST test digits as the same digits', () => {
  const digits = digitsTheModelKnows();
  assert.ok(digits.length >= 8, `the model gets only ${digits.length} classes right`);
  const files = digits.map(({ index, label }, k) => {
    // Different canvases and offsets; every other one is a JPEG.
    const picture = digitOnPaper(testDigit(index), 10, 420 + 17 * k, 330, 13 * k, 7 * k);
    if (k % 2 === 0) {
      const file = join(dir, `digit-${label}.png`);
      writeFileSync(file, encodeGrayPng(picture));
      return file;
    }
    const rgba = new Uint8Array(picture.data.length * 4);
    picture.data.forEach((v, i) => {
      rgba.set([v, v, v, 255], 4 * i);
    });
    const file = join(dir, `digit-${label}.jpg`);
    writeFileSync(file, encodeJpeg(picture.width, picture.height, rgba, 90));
    return file;
  });
  const r = runCli(['predict', '--model', modelPath, '--json', ...files]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const results = JSON.parse(lines[lines.length - 1]) as {
    file: string;
    top: { label: number; probability: number }[];
  }[];
  assert.equal(results.length, digits.length);
  results.forEach((res, k) => {
    assert.equal(res.file, files[k]);
    assert.equal(res.top.length, 3);
    assert.ok(res.top[0].probability >= res.top[1].probability);
    assert.equal(res.top[0].label, digits[k].label, `${res.file}: ${JSON.stringify(res.top)}`);
  });
});

test('cnn predict reads digits drawn with a pen (never MNIST images) as those digits', () => {
  const files = ['0', '3'].map((label) => {
    const file = join(dir, `pen-${label}.png`);
    writeFileSync(file, encodeGrayPng(drawDigit(penDigits[label], 300, 260, 40, 20, 220, 0.09)));
    return file;
  });
  const r = runCli(['predict', '--model', modelPath, '--json', ...files]);
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(
    results.map((res: { top: { label: number }[] }) => res.top[0].label),
    [0, 3],
    r.stdout,
  );
});

test('cnn visualize writes filters, feature maps, the input and the curves (Figures 13 and 15)', () => {
  const out = join(dir, 'viz');
  // A training history as 'cnn train --json' prints it: the JSON object is the last line.
  const history = join(dir, 'history.json');
  const epochLogs = [1, 2, 3].map((epoch) => ({
    epoch,
    loss: 1 / epoch,
    accuracy: 0.8,
    seconds: 1,
  }));
  const run = { epochLogs, testLoss: 0.5, testAccuracy: 0.9 };
  writeFileSync(history, `Epoch 1\n${JSON.stringify(run)}\n`);
  const r = runCli([
    'visualize',
    '--model',
    modelPath,
    '--sample',
    '3',
    '--out',
    out,
    '--history',
    history,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), [
    'filters-layer1.png',
    'input-3.png',
    'layer1-conv2d.png',
    'layer2-maxPool2d.png',
    'training-curves.svg',
  ]);
  const svg = readFileSync(join(out, 'training-curves.svg'), 'utf8');
  assert.deepEqual(
    [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length),
    [3, 3],
  );
  const size = (name: string) => {
    const img = decodeImage(readFileSync(join(out, name)), name);
    return [img.width, img.height];
  };
  // 8 filters of 3x3 at 24x with 4 px gaps in one row; 8 maps of 26x26 (4x) and 13x13 (8x), 4 a row.
  assert.deepEqual(size('filters-layer1.png'), [4 + 8 * (72 + 4), 4 + 72 + 4]);
  assert.deepEqual(size('layer1-conv2d.png'), [4 + 4 * (104 + 4), 4 + 2 * (104 + 4)]);
  assert.deepEqual(size('layer2-maxPool2d.png'), [4 + 4 * (104 + 4), 4 + 2 * (104 + 4)]);
  assert.deepEqual(size('input-3.png'), [224, 224]);
  assert.match(r.stdout, new RegExp(`Test image 3 \\(label ${mnist.test.labels[3]}\\)`));
});

test('cnn train --plot writes the loss and accuracy curves as SVG, test results included', () => {
  const plot = join(dir, 'plot');
  const r = runCli([
    'train',
    '--epochs',
    '2',
    '--train-size',
    '300',
    '--test-size',
    '100',
    '--plot',
    plot,
    '--json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const svg = readFileSync(join(plot, 'training-curves.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // One polyline per panel, two epochs each, and the test result drawn in both panels.
  const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
  assert.deepEqual(lines, [2, 2]);
  const run = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.ok(svg.includes(`test ${Number(run.testAccuracy.toFixed(4))}`));
});

test('bad images give a one-line error and exit code 1', () => {
  const good = encodeGrayPng({ width: 30, height: 20, data: new Uint8Array(600).fill(200) });
  const withSize = (w: number, h: number) => {
    const b = Uint8Array.from(good);
    new DataView(b.buffer).setUint32(16, w);
    new DataView(b.buffer).setUint32(20, h);
    return b;
  };
  const jpeg = encodeJpeg(30, 20, new Uint8Array(30 * 20 * 4).fill(128), 90);
  const cases: [string, Uint8Array, RegExp][] = [
    ['text.png', new TextEncoder().encode('not an image at all\n'), /not a PNG or JPEG image/],
    ['cut.png', good.subarray(0, good.length - 15), /cannot decode PNG: the file is truncated/],
    ['empty.png', withSize(0, 0), /image is 0x0: it has no pixels/],
    ['huge.png', withSize(200000, 300000), /60000 megapixels, more than the limit of 100/],
    [
      'cut.jpg',
      jpeg.subarray(0, jpeg.length >> 1),
      /cannot decode JPEG: .* \(the file is truncated or corrupt\)$/m,
    ],
    ['blank.png', good, /no digit found/],
  ];
  for (const [name, bytes, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    // Every case through sobel; predict shares the decoding, so two cases suffice there.
    const commands = [['sobel', file, '--out', join(dir, 'bad')]];
    if (name === 'blank.png') commands[0] = ['predict', '--model', modelPath, file];
    if (name === 'text.png') commands.push(['predict', '--model', modelPath, file]);
    for (const args of commands) {
      const r = runCli(args);
      assert.equal(r.status, 1, `${args[0]} ${name}: exit ${r.status}, stderr ${r.stderr}`);
      // predict reports each picture on its own stdout line and goes on; sobel stops.
      const [report, summary] =
        args[0] === 'predict'
          ? [r.stdout, /^1 image, 1 failed\n$/]
          : [r.stderr.replace(/^cnn: /, ''), /^cnn: /];
      assert.match(report, /^[^\n]*\n$/, `${args[0]} ${name}: ${report}`);
      assert.ok(report.startsWith(file), `${args[0]} ${name}: the message names the file`);
      assert.match(report, message, `${args[0]} ${name}`);
      assert.match(r.stderr, summary, `${args[0]} ${name}`);
    }
  }
  const missing = runCli(['sobel', join(dir, 'nope.png')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^cnn: cannot read image .*nope\.png: no such file or directory\n$/);
});
