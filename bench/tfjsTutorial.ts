/**
 * The tutorial net in TensorFlow.js and its timed loops, the same in the Node child
 * (bench/tfjsChild.ts) and in the browser (bench/browser/peerWorker.ts): one minimize per batch
 * (forward, loss, backward, update) to train, model.predict and a read-back to infer.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Dataset } from '../src/data/dataset.js';
import type { BenchCase } from './protocol.js';

export function tutorialModel(tf: typeof TF): TF.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, useBias: false }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** Pixels (x / 255 - 0.5) and one-hot labels of the first `count` images, as a user feeds TF.js. */
export interface TfInputs {
  count: number;
  pixels: Float32Array;
  oneHot: Float32Array;
}

export function tfInputs(data: Dataset, count = data.count): TfInputs {
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data.images[i] / 255 - 0.5;
  const oneHot = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) oneHot[i * 10 + data.labels[i]] = 1;
  return { count, pixels, oneHot };
}

/** The loop `measure` times for case `c` on `model`: batches from `start` covering `count` images. */
export function tfCaseRunner(
  tf: typeof TF,
  model: TF.Sequential,
  c: BenchCase,
  inputs: TfInputs,
): (start: number, count: number) => void {
  const optimizer = tf.train.sgd(c.learningRate);
  // Tensors per batch from typed-array views: slicing one big tensor costs ~0.3 s a call on wasm.
  const xAt = (b: number) =>
    tf.tensor4d(inputs.pixels.subarray(b * 784, (b + c.batch) * 784), [c.batch, 28, 28, 1]);
  const yAt = (b: number) =>
    tf.tensor2d(inputs.oneHot.subarray(b * 10, (b + c.batch) * 10), [c.batch, 10]);
  if (c.task === 'train') {
    return (start, count) => {
      for (let b = start; b < start + count; b += c.batch) {
        tf.tidy(() => {
          const xb = xAt(b);
          const yb = yAt(b);
          optimizer.minimize(() => {
            const logits = model.apply(xb, { training: true }) as TF.Tensor;
            return tf.losses.softmaxCrossEntropy(yb, logits) as TF.Scalar;
          });
        });
      }
      // webgl queues work: reading a weight back waits for it (cpu and wasm are synchronous).
      (model.getWeights()[0] as TF.Tensor).dataSync();
    };
  }
  return (start, count) => {
    for (let b = start; b < start + count; b += c.batch) {
      tf.tidy(() => {
        const logits = model.predict(xAt(b)) as TF.Tensor;
        // Reading the result back makes the backend finish the batch.
        logits.argMax(1).dataSync();
      });
    }
  };
}
