/**
 * Saving and loading model files in Node: the format of src/model/modelFile.ts, written
 * atomically (a temporary file, then a rename) and read with every check the format defines.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type DecodedModel,
  decodeModel,
  encodeModel,
  type ModelMetadata,
} from '../model/modelFile.js';
import type { Sequential } from '../model/sequential.js';
import { readFileOrThrow, writeFileAtomic } from './files.js';

/**
 * Writes `model` (spec, weights, batch norm statistics) and free-form `metadata` to `path`,
 * creating its folder if needed. A reader never sees a half-written file: the bytes go to a
 * temporary file renamed over `path`.
 */
export function saveModel(path: string, model: Sequential, metadata: ModelMetadata = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, encodeModel(model, metadata));
}

/**
 * Reads a model file with its metadata (and, for a `cnn train --checkpoint` file, the checkpoint).
 * A missing, truncated or corrupt file throws one Error whose message starts with the path.
 */
export function readModelFile(path: string): DecodedModel {
  const bytes = readFileOrThrow(path, 'model file');
  try {
    return decodeModel(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** Reads the model saved at `path` (see readModelFile for the checks). */
export function loadModel(path: string): Sequential {
  return readModelFile(path).model;
}
