/**
 * The tutorial's `cnn.py`, line for line, on this library: the layers are built by hand, the
 * forward pass and the per-sample training step read like sections 3.1.5.3 and 3.1.10.
 * Run: npm run build && node dist/examples/tutorial.js [epochs]
 * (`cnn train --preset tutorial` runs the same experiment with flags, JSON output and saving.)
 */
import { take } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnistFiles.js';
import { argmax } from '../src/kernels/argmax.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import { MaxPool2D } from '../src/layers/maxPool2d.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { SGD } from '../src/optim/sgd.js';
import { Random } from '../src/random/prng.js';
import type { Tensor } from '../src/tensor/tensor.js';

const epochs = Number(process.argv[2] ?? 10);
const { train, test } = loadMnist();
const xTrain = take(train, 5000);
const xTest = take(test, 400);

const rng = new Random(1);
const conv = new Conv2D(
  [28, 28, 1],
  { filters: 8, kernelSize: 3, useBias: false, init: 'tutorial' },
  rng,
); // 28x28x1 -> 26x26x8
const pool = new MaxPool2D([26, 26, 8], { ties: 'all' }); //                                                 26x26x8 -> 13x13x8
const softmax = new Dense([13, 13, 8], { units: 10, init: 'tutorial' }, rng); //                             13x13x8 -> 10
const loss = new SoftmaxCrossEntropy();
const sgd = new SGD();
const params = [...conv.params(), ...softmax.params()];

const image: Tensor = { shape: [1, 28, 28, 1], data: new Float32Array(784) };

/** Forward pass of one image (3.1.5.3): returns the loss and whether the prediction was right. */
function forward(index: number, images: Uint8Array, label: number): { loss: number; acc: number } {
  // We transform the image from [0, 255] to [-0.5, 0.5] to make it easier to work with.
  for (let i = 0; i < 784; i++) image.data[i] = images[index * 784 + i] / 255 - 0.5;
  let out = conv.forward(image, true);
  out = pool.forward(out, true);
  out = softmax.forward(out, true);
  const l = loss.forward(out, [label]);
  const p = loss.probabilities().data;
  const acc = argmax(p) === label ? 1 : 0;
  return { loss: l, acc };
}

/** A full training step (3.1.7-3.1.9): forward, backprop through every layer, SGD update. */
function trainStep(index: number, label: number, lr = 0.005): { loss: number; acc: number } {
  const result = forward(index, xTrain.images, label);
  let gradient = loss.backward(); // dL/dtotals = p - onehot, the tutorial's dl_dt
  gradient = softmax.backward(gradient);
  gradient = pool.backward(gradient);
  conv.backwardParamsOnly(gradient); // the first layer's input gradient is never used
  sgd.step(params, lr);
  return result;
}

for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`Epoch ${epoch + 1}`);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < xTrain.count; i++) {
    const { loss: l, acc } = trainStep(i, xTrain.labels[i]);
    total += l;
    correct += acc;
    if ((i + 1) % 500 === 0) {
      console.log(`Step ${i + 1}: loss = ${(total / 500).toFixed(4)}, accuracy = ${correct / 500}`);
      total = 0;
      correct = 0;
    }
  }
}

let total = 0;
let correct = 0;
for (let i = 0; i < xTest.count; i++) {
  const { loss: l, acc } = forward(i, xTest.images, xTest.labels[i]);
  total += l;
  correct += acc;
}
console.log(`Test loss: ${(total / xTest.count).toFixed(4)}`);
console.log(`Test accuracy: ${correct / xTest.count}`);
