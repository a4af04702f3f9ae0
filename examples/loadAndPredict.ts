/**
 * Loading a saved model and predicting: a picture file (here MNIST test image 0 written as a PNG,
 * or any PNG/JPEG given on the command line) and raw pixel bytes.
 * Run after trainAndSave: node dist/examples/loadAndPredict.js [IMAGE]
 */

import { predictPixels, take } from 'cnn-ts';
import { loadMnist, loadModel, predictImageFile, writeGrayPng } from 'cnn-ts/node';

const model = loadModel('out/digits.cnn'); // checks the file; one-line error if damaged
const testSet = take(loadMnist().test, 5);

let picture = process.argv[2];
if (!picture) {
  picture = 'out/test-0.png';
  writeGrayPng(picture, { width: 28, height: 28, data: testSet.images.subarray(0, 784) });
}
// The same preparation as `cnn predict`: grayscale, invert dark-on-light, crop, centre.
const { top } = predictImageFile(model, picture);
console.log(
  `${picture}: ${top.map((t) => `${t.label} (${(t.probability * 100).toFixed(1)}%)`).join(', ')}`,
);

// Raw bytes as stored in an IDX file, five images at once: one row of probabilities each.
const rows = predictPixels(model, testSet.images);
for (const [i, p] of rows.entries()) {
  console.log(
    `test image ${i}: label ${testSet.labels[i]}, predicted ${p.indexOf(Math.max(...p))}`,
  );
}
