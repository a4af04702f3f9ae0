/** Small MNIST-format folders for CLI tests: 28x28 images with known pixels and labels. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `split`-images-idx3-ubyte and `split`-labels-idx1-ubyte into `folder`: `count` images
 * of 28x28 whose pixels are all `value` (or `value(i)` for image i), labels i % 10.
 */
export function writeSplit(
  folder: string,
  split: 'train' | 't10k',
  count: number,
  value: number | ((image: number) => number),
): void {
  const px = 28 * 28;
  const images = new Uint8Array(16 + count * px);
  for (let i = 0; i < count; i++) {
    images.fill(typeof value === 'number' ? value : value(i), 16 + i * px, 16 + (i + 1) * px);
  }
  const iv = new DataView(images.buffer);
  iv.setUint32(0, 0x00000803);
  iv.setUint32(4, count);
  iv.setUint32(8, 28);
  iv.setUint32(12, 28);
  const labels = new Uint8Array(8 + count);
  const lv = new DataView(labels.buffer);
  lv.setUint32(0, 0x00000801);
  lv.setUint32(4, count);
  for (let i = 0; i < count; i++) labels[8 + i] = i % 10;
  writeFileSync(join(folder, `${split}-images-idx3-ubyte`), images);
  writeFileSync(join(folder, `${split}-labels-idx1-ubyte`), labels);
}
