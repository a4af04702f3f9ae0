/**
 * The playground's training module run in Node, for comparing the page's speed with the same
 * engine bundle outside the browser (pageSpeed.ts bundles this file with esbuild and runs it).
 *
 *   node BUNDLE DATA_DIR SETTINGS_JSON   ->  prints {"imagesPerSecond": ...}
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetFromIdx, initSimdKernels } from '../../src/index.js';
import type { RunSettings } from '../protocol.js';
import { newModel, TrainingRun } from '../worker/training.js';

const [dir, settingsJson] = process.argv.slice(2);
const settings = JSON.parse(settingsJson) as RunSettings;
const simd = await initSimdKernels();
const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const trainSet = datasetFromIdx(
  read('train-images-idx3-ubyte'),
  read('train-labels-idx1-ubyte'),
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
);
const run = new TrainingRun(newModel(settings), settings, trainSet);
let trainMs = 0;
while (!run.finished) {
  const started = performance.now();
  run.trainSlice(run.samplesPerEpoch);
  trainMs += performance.now() - started;
}
console.log(JSON.stringify({ simd, imagesPerSecond: run.samplesDone / (trainMs / 1000) }));
