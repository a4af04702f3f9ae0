/**
 * ConvNetJS 0.3.0 on the tutorial net, as its own MNIST demo drives it: one `Vol` per image,
 * `trainer.train(vol, label)` per sample (its Trainer sums gradients and updates every
 * `batch_size` samples), `net.forward(vol)` per image to infer.
 */
import type { Dataset } from '../../src/data/dataset.js';
import type { BenchCase } from '../protocol.js';

interface Vol {
  w: Float64Array;
}

/** The part of ConvNetJS's global `convnetjs` object the bench uses. */
export interface ConvNetJs {
  Vol: new (sx: number, sy: number, depth: number, fill: number) => Vol;
  Net: new () => { makeLayers(defs: object[]): void; forward(v: Vol, training: boolean): Vol };
  Trainer: new (net: object, options: object) => { train(v: Vol, label: number): unknown };
}

/** ConvNetJS keeps a Vol per image; this many distinct images is plenty at its speed. */
const MAX_VOLS = 2048;

export function convnetjsCaseRunner(lib: ConvNetJs, c: BenchCase, data: Dataset) {
  const net = new lib.Net();
  // conv 8@3x3 valid (ConvNetJS always adds a bias) -> maxpool 2 -> dense 10 + softmax.
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 8, stride: 1, pad: 0 },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'softmax', num_classes: 10 },
  ]);
  const count = Math.min(data.count, MAX_VOLS);
  const vols: Vol[] = [];
  for (let i = 0; i < count; i++) {
    const v = new lib.Vol(28, 28, 1, 0);
    for (let p = 0; p < 784; p++) v.w[p] = data.images[i * 784 + p] / 255 - 0.5;
    vols.push(v);
  }
  const trainer = new lib.Trainer(net, {
    method: 'sgd',
    learning_rate: c.learningRate,
    momentum: 0,
    l2_decay: 0,
    batch_size: c.batch,
  });
  if (c.task === 'train') {
    return (start: number, n: number) => {
      for (let i = start; i < start + n; i++)
        trainer.train(vols[i % count], data.labels[i % count]);
    };
  }
  return (start: number, n: number) => {
    for (let i = start; i < start + n; i++) net.forward(vols[i % count], false);
  };
}
