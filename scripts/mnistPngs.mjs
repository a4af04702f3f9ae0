// Writes the first N MNIST test images as 28x28 grayscale PNGs, DIR/00000.png ... (wrapping past
// the 10,000 test images), to time `cnn predict` on a folder of pictures (docs/images.md).
// Usage: node scripts/mnistPngs.mjs DIR N (after `npm run build:all`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../dist/src/data/mnistFiles.js';
import { encodeGrayPng } from '../dist/src/io/imageFiles.js';

const [dir, count] = [process.argv[2], Number(process.argv[3])];
if (!dir || !Number.isSafeInteger(count) || count < 1) {
  console.error('usage: node scripts/mnistPngs.mjs DIR N');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const { test } = loadMnist();
const digits = String(count - 1).length;
for (let i = 0; i < count; i++) {
  const k = i % test.count;
  const data = test.images.subarray(k * 784, (k + 1) * 784);
  const name = `${String(i).padStart(Math.max(5, digits), '0')}.png`;
  writeFileSync(join(dir, name), encodeGrayPng({ width: 28, height: 28, data }));
}
