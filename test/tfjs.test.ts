/**
 * Independent cross-check against TensorFlow.js (pure-JS cpu backend): the same layers with the
 * same weights on the same random batch must give the same outputs and the same gradients for
 * the input and every parameter, within relative error 1e-4. The loss is L = sum(y * w) for a
 * random w, so dL/dy = w exercises every output. Our side runs in float64 on float32-exact values.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { requirePeer } from '../peers/load.js';
import { ReLU } from '../src/layers/activation.js';
import { AvgPool2D } from '../src/layers/avgPool2d.js';
import { BatchNorm } from '../src/layers/batchNorm.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import type { Layer } from '../src/layers/layer.js';
import { MaxPool2D } from '../src/layers/maxPool2d.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Random } from '../src/random/prng.js';
import { type FloatArray, sizeOf, type Tensor } from '../src/tensor/tensor.js';
import { relativeError } from './helpers.js';

const tf = requirePeer<typeof TF>('@tensorflow/tfjs');

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Gaussian values rounded to float32 so both engines see identical numbers. */
function randomF32(rng: Random, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.fround(rng.gaussian() * scale);
  return a;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const err = relativeError(actual, expected);
  assert.ok(err <= 1e-4, `${what}: relative error ${err} > 1e-4`);
}

const tfTensor = (data: ArrayLike<number>, shape: number[]) =>
  tf.tensor(Float32Array.from(data), shape, 'float32');

/**
 * Runs `layer` (forward in `training` mode, then backward with dOut = w) and TF.js's `tfForward`
 * on [x, ...params] and compares y, dL/dx and dL/dparam for each param.
 */
function crossCheck(
  what: string,
  layer: Layer,
  batch: number,
  rng: Random,
  tfForward: (x: TF.Tensor, params: TF.Tensor[]) => TF.Tensor,
  training = true,
): void {
  const inShape = [batch, ...layer.inputShape];
  const outShape = [batch, ...layer.outputShape];
  const x: Tensor = { shape: inShape, data: randomF32(rng, sizeOf(inShape)) };
  const w = randomF32(rng, sizeOf(outShape));
  const params = layer.params();
  for (const p of params) {
    p.value.set(randomF32(rng, p.value.length, 0.5));
    p.grad.fill(0);
  }
  const y = Float64Array.from(layer.forward(x, training).data);
  const dIn = Float64Array.from(layer.backward({ shape: outShape, data: w }).data);

  const tx = tfTensor(x.data, inShape);
  const tw = tfTensor(w, outShape);
  const tparams = params.map((p) => tfTensor(p.value, [...p.shape]));
  const ty = tfForward(tx, tparams);
  assert.deepEqual(ty.shape, outShape, `${what}: output shape`);
  expectClose(y, ty.dataSync(), `${what} output`);
  const grads = tf.grads((...args: TF.Tensor[]) =>
    tf.sum(tf.mul(tfForward(args[0], args.slice(1)), tw)),
  )([tx, ...tparams]);
  expectClose(dIn, grads[0].dataSync(), `${what} dInput`);
  params.forEach((p, i) => {
    expectClose(p.grad, grads[i + 1].dataSync(), `${what} d${p.name}`);
  });
  tf.dispose([tx, tw, ty, ...tparams, ...grads]);
}

test('conv2d matches TF.js: valid/same/numeric padding, stride 1 and 2, several channels, bias', () => {
  const rng = new Random(21);
  const cases = [
    { k: 3, stride: 1, padding: 'valid' as const, inC: 3, filters: 4 },
    { k: 3, stride: 1, padding: 'same' as const, inC: 2, filters: 5 },
    { k: 3, stride: 2, padding: 'same' as const, inC: 3, filters: 4 },
    { k: 5, stride: 2, padding: 'valid' as const, inC: 2, filters: 3 },
    { k: 3, stride: 2, padding: 1, inC: 2, filters: 3 },
  ];
  for (const c of cases) {
    for (const useBias of [true, false]) {
      const layer = new Conv2D(
        [9, 8, c.inC],
        { filters: c.filters, kernelSize: c.k, stride: c.stride, padding: c.padding, useBias },
        rng,
        'float64',
      );
      crossCheck(`conv ${JSON.stringify(c)} bias ${useBias}`, layer, 3, rng, (x, [f, b]) => {
        const y = tf.conv2d(x as TF.Tensor4D, f as TF.Tensor4D, c.stride, c.padding);
        return b ? tf.add(y, b) : y;
      });
    }
  }
});

test('max pooling matches TF.js (2x2/2 and 3x3/2), gradient to the first maximum', () => {
  const rng = new Random(22);
  for (const [size, stride] of [
    [2, 2],
    [3, 2],
  ]) {
    const layer = new MaxPool2D([7, 8, 3], { poolSize: size, stride }, 'float64');
    crossCheck(`maxpool ${size}/${stride}`, layer, 2, rng, (x) =>
      tf.maxPool(x as TF.Tensor4D, size, stride, 'valid'),
    );
  }
});

test('average pooling and global average pooling match TF.js', () => {
  const rng = new Random(23);
  const pool = new AvgPool2D([6, 7, 3], { poolSize: 2 }, 'float64');
  crossCheck('avgpool 2/2', pool, 2, rng, (x) => tf.avgPool(x as TF.Tensor4D, 2, 2, 'valid'));
  const global = new AvgPool2D([5, 4, 3], { global: true }, 'float64');
  crossCheck('global avgpool', global, 3, rng, (x) => tf.mean(x, [1, 2]));
});

test('dense and ReLU match TF.js', () => {
  const rng = new Random(24);
  const dense = new Dense([3, 2, 4], { units: 5 }, rng, 'float64');
  crossCheck('dense', dense, 4, rng, (x, [w, b]) =>
    tf.add(tf.matMul(tf.reshape(x, [4, 24]), w as TF.Tensor2D), b),
  );
  const relu = new ReLU([4, 4, 3], 'float64');
  crossCheck('relu', relu, 2, rng, (x) => tf.relu(x));
});

test('batch norm matches TF.js in training mode (batch statistics) and inference (running ones)', () => {
  const rng = new Random(25);
  const eps = 1e-3;
  const conv = new BatchNorm([4, 3, 5], { epsilon: eps }, 'float64');
  crossCheck('batchnorm conv training', conv, 3, rng, (x, [gamma, beta]) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, beta, gamma, eps);
  });
  const dense = new BatchNorm([6], { epsilon: eps }, 'float64');
  crossCheck('batchnorm dense training', dense, 8, rng, (x, [gamma, beta]) => {
    const { mean, variance } = tf.moments(x, [0]);
    return tf.batchNorm(x, mean, variance, beta, gamma, eps);
  });
  const inference = new BatchNorm([3, 3, 4], { epsilon: eps }, 'float64');
  inference.runningMean.set(randomF32(rng, 4));
  inference.runningVar.set(randomF32(rng, 4).map((v) => Math.fround(0.5 + v * v)));
  const rm = tfTensor(inference.runningMean, [4]);
  const rv = tfTensor(inference.runningVar, [4]);
  crossCheck(
    'batchnorm inference',
    inference,
    2,
    rng,
    (x, [gamma, beta]) => tf.batchNorm(x, rm, rv, beta, gamma, eps),
    false,
  );
});

test('softmax cross-entropy loss and dL/dlogits match TF.js', () => {
  const rng = new Random(26);
  const N = 6;
  const C = 10;
  const logits = randomF32(rng, N * C, 3);
  const labels = Int32Array.from({ length: N }, () => rng.int(C));
  const loss = new SoftmaxCrossEntropy('float64');
  const value = loss.forward({ shape: [N, C], data: logits }, labels);
  const grad: FloatArray = loss.backward().data;
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), C);
  const tl = tfTensor(logits, [N, C]);
  const f = (z: TF.Tensor) => tf.losses.softmaxCrossEntropy(onehot, z);
  const tfLoss = f(tl).dataSync()[0];
  assert.ok(Math.abs(value - tfLoss) / Math.abs(tfLoss) <= 1e-4, `loss ${value} vs ${tfLoss}`);
  expectClose(grad, tf.grad(f)(tl).dataSync(), 'softmax cross-entropy dLogits');
});
