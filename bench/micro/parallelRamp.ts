/**
 * Micro-benchmark: training throughput over a new trainer's first seconds, in consecutive
 * slices of 4,096 MNIST images, on 1 and 2 threads: how long the start-up (V8 compiling the
 * code of every thread) lasts before the throughput settles. Each slice is one `train` call, as
 * the bench's timed runs are. Run:
 *   node dist/bench/micro/parallelRamp.js [net=fast or keras or a preset name] [batch=64] [slices=24]
 * With `node --trace-opt` in front, each optimised compilation prints a "completed" line.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import { Sequential } from '../../src/model/sequential.js';
import { SGD } from '../../src/optim/sgd.js';
import { createParallelTrainer } from '../../src/parallel/parallelTrainer.js';
import { presets } from '../../src/presets.js';
import { train } from '../../src/train/trainer.js';
import { kerasSpec } from '../networks.js';
import { median } from '../stats.js';

const net = process.argv[2] ?? 'fast';
const batch = Number(process.argv[3] ?? 64);
const slices = Number(process.argv[4] ?? 24);
const SLICE = 4096;
const spec = net === 'keras' ? kerasSpec : presets[net]?.spec;
if (!spec)
  throw new Error(`unknown net ${net} (keras or a preset: ${Object.keys(presets).join(', ')})`);
const data = loadMnist(defaultMnistDir()).train;
const px = data.height * data.width * data.channels;
const slice = (start: number): Dataset => ({
  ...data,
  count: SLICE,
  images: data.images.subarray(start * px, (start + SLICE) * px),
  labels: data.labels.subarray(start, start + SLICE),
});

for (const threads of [1, 2]) {
  const model = new Sequential(spec, { seed: 1 });
  const trainer =
    threads > 1 ? await createParallelTrainer(spec, { threads, maxBatch: batch, model }) : null;
  const optimizer = new SGD();
  const rates: number[] = [];
  const started = performance.now();
  for (let s = 0; s < slices; s++) {
    const t0 = performance.now();
    train(model, slice((s * SLICE) % (data.count - SLICE)), {
      optimizer,
      epochs: 1,
      batchSize: batch,
      learningRate: 0.01,
      shuffle: false,
      seed: 1,
      gradients: trainer ?? undefined,
    });
    rates.push(SLICE / ((performance.now() - t0) / 1000));
  }
  const seconds = (performance.now() - started) / 1000;
  const last = rates.slice(-Math.ceil(slices / 4));
  console.log(
    `${net} batch ${batch} threads ${threads}: img/s per slice of ${SLICE}: ${rates.map((r) => Math.round(r)).join(' ')}`,
  );
  console.log(
    `  ${seconds.toFixed(1)} s in all; last quarter's median ${Math.round(median(last))} img/s`,
  );
  await trainer?.close();
}
