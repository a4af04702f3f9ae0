/** `predictImage` on a PNG or JPEG file (Node): what `cnn predict` does for each picture. */
import {
  type ImagePrediction,
  type PredictImageOptions,
  predictImage,
} from '../image/predictImage.js';
import type { Sequential } from '../model/sequential.js';
import { readImage } from './imageFiles.js';

/** Decodes the picture at `path` and classifies it; any error message starts with the path. */
export function predictImageFile(
  model: Sequential,
  path: string,
  options: PredictImageOptions = {},
): ImagePrediction {
  const image = readImage(path);
  try {
    return predictImage(model, image, options);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
