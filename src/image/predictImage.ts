/**
 * A picture of one handwritten digit to class probabilities (browser-safe), prepared exactly as
 * `cnn predict` prepares it: grayscale, inverted if dark on light, cropped to the ink, longer side
 * 20 px, centred by mass in a 28x28 field (see preprocessDigit).
 */
import { predictPixels } from '../model/predict.js';
import type { Sequential } from '../model/sequential.js';
import { type ClassProbability, topK } from './classify.js';
import { grayscale } from './grayscale.js';
import { MNIST_SIZE, type PreprocessedDigit, preprocessDigit } from './mnistPreprocess.js';
import type { Raster } from './raster.js';

/**
 * A decoded picture, RGBA interleaved, row-major: a canvas `ImageData`, or the `Raster` that
 * `readImage`/`decodeImage` return in Node (16-bit samples when `maxValue` is 65535).
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 samples: R, G, B, A. */
  readonly data: Uint8Array | Uint8ClampedArray | Uint16Array;
  /** Largest sample value (default 255). */
  readonly maxValue?: number;
}

/** How `predictImage` reads a picture. */
export interface PredictImageOptions {
  /** 'auto' (default) inverts dark ink on light paper; true always inverts; false never. */
  invert?: 'auto' | boolean;
  /** How many of the most probable classes `top` lists (default 3). */
  top?: number;
}

/** What `predictImage` found. */
export interface ImagePrediction {
  /** Probability of every class, indexed by label. */
  probabilities: number[];
  /** The most probable classes, most probable first. */
  top: ClassProbability[];
  /** The 28x28 image the model saw, and how the picture was read. */
  digit: PreprocessedDigit;
}

/** Classifies a picture of one digit with a model that takes 28x28x1 MNIST-style input. */
export function predictImage(
  model: Sequential,
  image: RgbaImage,
  options: PredictImageOptions = {},
): ImagePrediction {
  const [h, w, c] = model.inputShape;
  if (h !== MNIST_SIZE || w !== MNIST_SIZE || c !== 1) {
    throw new Error(`predictImage needs a model with 28x28x1 input, this one takes ${h}x${w}x${c}`);
  }
  if (image.data.length !== image.width * image.height * 4) {
    throw new Error(
      `a ${image.width}x${image.height} RGBA image has ${image.width * image.height * 4} samples, got ${image.data.length}`,
    );
  }
  const raster: Raster = {
    width: image.width,
    height: image.height,
    data:
      image.data instanceof Uint8ClampedArray
        ? new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length)
        : image.data,
    maxValue: image.maxValue ?? 255,
  };
  const digit = preprocessDigit(grayscale(raster), options.invert ?? 'auto');
  const probabilities = predictPixels(model, digit.pixels)[0];
  return { probabilities, top: topK(probabilities, options.top ?? 3), digit };
}
