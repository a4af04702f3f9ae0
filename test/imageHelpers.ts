/** Pictures made for the image tests: nothing is downloaded, everything is drawn here. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Dataset, take } from '../src/data/dataset.js';
import type { Gray8 } from '../src/image/raster.js';
import { encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import { tutorialPreset } from '../src/presets.js';
import { train } from '../src/train/trainer.js';

/**
 * The tutorial model trained for 1 epoch on the first 5,000 images of `trainSet` (about a
 * second), written to DIR/tutorial.cnn.
 */
export function trainTutorialModel(
  trainSet: Dataset,
  dir: string,
): { model: Sequential; path: string } {
  const model = new Sequential(tutorialPreset.spec, { seed: 1 });
  const { batchSize, learningRate } = tutorialPreset.train;
  const options = { epochs: 1, batchSize, learningRate, shuffle: false, seed: 1 };
  train(model, take(trainSet, 5000), options);
  const path = join(dir, 'tutorial.cnn');
  writeFileSync(path, encodeModel(model));
  return { model, path };
}

/**
 * An MNIST digit (28x28 bytes, white ink on black) as a person might photograph it: enlarged
 * `zoom` times (nearest neighbour), inverted to dark ink on white paper, and placed at (left, top)
 * on a larger white canvas, so it is neither centred nor MNIST-sized.
 */
export function digitOnPaper(
  pixels: Uint8Array,
  zoom: number,
  canvasW: number,
  canvasH: number,
  left: number,
  top: number,
): Gray8 {
  const data = new Uint8Array(canvasW * canvasH).fill(255);
  for (let y = 0; y < 28 * zoom; y++) {
    for (let x = 0; x < 28 * zoom; x++) {
      const v = pixels[Math.floor(y / zoom) * 28 + Math.floor(x / zoom)];
      data[(top + y) * canvasW + left + x] = 255 - v;
    }
  }
  return { width: canvasW, height: canvasH, data };
}

/** A gray image filled by f(x, y). */
export function grayFrom(
  width: number,
  height: number,
  f: (x: number, y: number) => number,
): Gray8 {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data };
}

/** Runs the built CLI (the tests run from dist/test, the CLI is dist/cli/main.js). */
export function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const main = new URL('../cli/main.js', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
