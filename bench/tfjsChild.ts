/**
 * Child process for the TensorFlow.js peer: the tutorial net as a tf.sequential model, trained
 * with tf.train.sgd on softmax cross-entropy (one minimize per batch: forward, loss, backward,
 * update) and run for inference with model.predict. The cpu backend does both; the wasm backend
 * only inference, since its stock build has no conv filter-gradient kernel.
 */
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type * as WASM from '@tensorflow/tfjs-backend-wasm';
import { peerPackageDir, requirePeer } from '../peers/load.js';
import { defaultMnistDir, loadSplit } from '../src/data/mnistFiles.js';
import { reply } from './children.js';
import { measure } from './measure.js';
import type { BenchCase, CaseResult, TfjsChildConfig } from './protocol.js';

type Tf = typeof TF;

async function loadTf(config: TfjsChildConfig): Promise<Tf> {
  const tf = requirePeer<Tf>('@tensorflow/tfjs');
  if (config.backend === 'wasm') {
    const wasm = requirePeer<typeof WASM>('@tensorflow/tfjs-backend-wasm');
    // Local binaries from peers/node_modules: nothing is fetched. A trailing slash marks a folder.
    wasm.setWasmPaths(`${join(peerPackageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`);
  }
  if (!(await tf.setBackend(config.backend))) throw new Error(`backend ${config.backend} failed`);
  await tf.ready();
  return tf;
}

function tutorialModel(tf: Tf): TF.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, useBias: false }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** Pixels (x / 255 - 0.5) and one-hot labels of the first `limit` images, as a user feeds TF.js. */
interface Batches {
  limit: number;
  pixels: Float32Array;
  oneHot: Float32Array;
}

function runCase(tf: Tf, c: BenchCase, data: Batches, config: TfjsChildConfig) {
  const model = tutorialModel(tf);
  const optimizer = tf.train.sgd(c.learningRate);
  // Tensors per batch from typed-array views: slicing one big tensor costs ~0.3 s a call on wasm.
  const xAt = (b: number) =>
    tf.tensor4d(data.pixels.subarray(b * 784, (b + c.batch) * 784), [c.batch, 28, 28, 1]);
  const yAt = (b: number) =>
    tf.tensor2d(data.oneHot.subarray(b * 10, (b + c.batch) * 10), [c.batch, 10]);
  let run: (start: number, count: number) => void;
  if (c.task === 'train') {
    run = (start, count) => {
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
    };
  } else {
    run = (start, count) => {
      for (let b = start; b < start + count; b += c.batch) {
        tf.tidy(() => {
          const logits = model.predict(xAt(b)) as TF.Tensor;
          // Reading the result back makes the (synchronous) backend finish the batch.
          logits.argMax(1).dataSync();
        });
      }
    };
  }
  const timing = measure(run, c.batch, config.measure, data.limit);
  model.dispose();
  return timing;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as TfjsChildConfig;
  let tf: Tf;
  try {
    tf = await loadTf(config);
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    const why = missing ? 'not installed (a devDependency: npm install)' : String(error);
    reply({ skipped: `@tensorflow/tfjs ${config.backend} backend ${why}` });
    return;
  }
  const data = loadSplit(defaultMnistDir(), 'train');
  const limit = 8192; // distinct images enough for TF.js speeds, 26 MB as float32
  const pixels = new Float32Array(limit * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data.images[i] / 255 - 0.5;
  const oneHot = new Float32Array(limit * 10);
  for (let i = 0; i < limit; i++) oneHot[i * 10 + data.labels[i]] = 1;
  const results: CaseResult[] = [];
  for (const c of config.cases) {
    try {
      results.push({ id: c.id, ...runCase(tf, c, { limit, pixels, oneHot }, config) });
    } catch (error) {
      results.push({ id: c.id, error: String(error) });
    }
  }
  const versions: Record<string, string> = { tfjs: tf.version.tfjs, backend: tf.getBackend() };
  reply({ versions, results });
}

main();
