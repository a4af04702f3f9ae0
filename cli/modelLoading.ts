/** Reading a model or checkpoint file for any command, naming the file in any error. */
import { readFileOrThrow } from '../src/io/files.js';
import { type DecodedModel, decodeModel } from '../src/model/modelFile.js';

export function loadModelFile(path: string): DecodedModel {
  const bytes = readFileOrThrow(path, 'model file');
  try {
    return decodeModel(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
