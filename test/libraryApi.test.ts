/**
 * The library's user-facing helpers: saveModel/loadModel round trips and refusals, predictPixels
 * against the model's own forward pass on scaled tensors, and predictImage/predictImageFile against
 * what `cnn predict` prints for the same pictures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { predictImage } from '../src/image/predictImage.js';
import { readImage } from '../src/io/imageFiles.js';
import { loadModel, readModelFile, saveModel } from '../src/io/modelFiles.js';
import { predictImageFile } from '../src/io/predictImageFile.js';
import { predictPixels } from '../src/model/predict.js';
import { Sequential } from '../src/model/sequential.js';
import { tutorialPreset } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import { cnn, lastJson } from './cliRun.js';
import { assertClose } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-library-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const model = new Sequential(tutorialPreset.spec, { seed: 3 });
const rng = new Random(5);
const pixels = Uint8Array.from({ length: 3 * 784 }, () => rng.int(256));
const picture = (name: string) => fileURLToPath(new URL(`../../docs/img/${name}`, import.meta.url));

test('predictPixels scales bytes as the spec says and gives the softmax of forward()', () => {
  const rows = predictPixels(model, pixels);
  assert.equal(rows.length, 3);
  const x = Float32Array.from(pixels, (v) => v / 255 - 0.5);
  const logits = model.forward({ shape: [3, 28, 28, 1], data: x }, false).data;
  for (let n = 0; n < 3; n++) {
    const z = Array.from(logits.subarray(n * 10, n * 10 + 10));
    const e = z.map((v) => Math.exp(v));
    const sum = e.reduce((a, b) => a + b, 0);
    assertClose(
      rows[n],
      e.map((v) => v / sum),
      1e-6,
      1e-7,
    );
  }
  assert.deepEqual(model.predict({ shape: [3, 28, 28, 1], data: x }), rows.map(argmax));
  assert.throws(() => predictPixels(model, pixels.subarray(1)), /takes 28x28x1 images/);
});

test('saveModel then loadModel gives the same predictions, metadata kept, no file left behind', () => {
  const path = join(dir, 'm.cnn');
  saveModel(path, model, { note: 'round trip' });
  assert.deepEqual(readdirSync(dir), ['m.cnn']);
  const loaded = loadModel(path);
  assert.deepEqual(predictPixels(loaded, pixels), predictPixels(model, pixels));
  assert.deepEqual(readModelFile(path).metadata, { note: 'round trip' });
});

test('loadModel refuses missing and damaged files in one line naming the file', () => {
  assert.throws(() => loadModel(join(dir, 'none.cnn')), /cannot read model file .*none\.cnn/);
  const path = join(dir, 'cut.cnn');
  saveModel(path, model);
  writeFileSync(path, readFileSync(path).subarray(0, 1000));
  assert.throws(
    () => loadModel(path),
    (e: Error) => {
      assert.match(e.message, /cut\.cnn: model file is truncated/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    },
  );
});

test('predictImageFile and predictImage give what cnn predict prints for the same pictures', () => {
  const path = join(dir, 'predict.cnn');
  saveModel(path, model);
  const files = ['digit-7.png', 'pen-3.png', 'photo-3.jpg'].map(picture);
  const printed = lastJson(cnn('predict', '--model', path, '--json', ...files)) as unknown as {
    top: { label: number; probability: number }[];
  }[];
  files.forEach((file, i) => {
    const result = predictImageFile(model, file);
    assert.deepEqual(result.top, printed[i].top);
    assert.deepEqual(predictImage(model, readImage(file)).probabilities, result.probabilities);
  });
  assert.throws(() => predictImageFile(model, join(dir, 'm.cnn')), /m\.cnn: .*PNG or JPEG/);
});

test('predictImage takes canvas ImageData (Uint8ClampedArray RGBA) like a decoded file', () => {
  const raster = readImage(picture('digit-2.png'));
  const clamped = new Uint8ClampedArray(raster.data);
  const fromCanvas = predictImage(model, {
    width: raster.width,
    height: raster.height,
    data: clamped,
  });
  assert.deepEqual(fromCanvas.probabilities, predictImage(model, raster).probabilities);
  assert.equal(fromCanvas.digit.pixels.length, 784);
  assert.throws(
    () => predictImage(model, { width: 2, height: 2, data: new Uint8Array(15) }),
    /2x2 RGBA image has 16 samples, got 15/,
  );
});

function argmax(row: number[]): number {
  return row.indexOf(Math.max(...row));
}
