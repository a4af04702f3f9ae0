/**
 * Class names for printing results. MNIST's classes are the digits; Fashion-MNIST ships in the
 * same file format with the same names, so it is recognised from the images themselves: its mean
 * pixel is about 73 of 255 (clothes fill the frame) against about 33 for MNIST's thin strokes,
 * a gap no subset of either set comes near closing.
 */
import type { Dataset } from './dataset.js';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Halfway between MNIST's (~33) and Fashion-MNIST's (~73) mean pixel. */
const FASHION_MEAN_PIXEL_THRESHOLD = 53;

export function meanPixel(d: Dataset): number {
  const n = d.count * d.height * d.width * d.channels;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d.images[i];
  return n > 0 ? sum / n : 0;
}

export function detectDataset(d: Dataset): 'mnist' | 'fashion-mnist' {
  return meanPixel(d) > FASHION_MEAN_PIXEL_THRESHOLD ? 'fashion-mnist' : 'mnist';
}

/** Names for `numClasses` classes: Fashion-MNIST's or MNIST's when they fit, else the indices. */
export function classNamesFor(d: Dataset, numClasses: number): string[] {
  if (numClasses === 10)
    return detectDataset(d) === 'fashion-mnist' ? FASHION_MNIST_CLASSES : MNIST_CLASSES;
  return Array.from({ length: numClasses }, (_, i) => String(i));
}
