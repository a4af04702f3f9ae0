/**
 * Micro-benchmark: tutorial-net training throughput through the parallel trainer at a given
 * batch size and thread count, on real MNIST (first 10,000 images), in wall time and main-thread
 * CPU time. Run: node dist/bench/micro/parallelStep.js [batch=128] [threads=1,2] [epochs=2] [net]
 * where net is `tutorial` (default) or `keras`: conv32-conv64-pool-dense128-dense10 without
 * activations (the kernels' share of the Keras-style net; ReLU/dropout layers are not measured).
 */
import { fillBatch, take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { SGD } from '../../src/optim/sgd.js';
import { createParallelTrainer } from '../../src/parallel/parallelTrainer.js';
import { TUTORIAL_INPUT, tutorialPreset } from '../../src/presets.js';
import { createTrainStep } from '../../src/train/step.js';
import { evaluate } from '../../src/train/trainer.js';

const batch = Number(process.argv[2] ?? 128);
const threadCounts = (process.argv[3] ?? '1,2').split(',').map(Number);
const epochs = Number(process.argv[4] ?? 2);
const net = process.argv[5] ?? 'tutorial';
const mnist = loadMnist(defaultMnistDir());
const data = take(mnist.train, net === 'keras' ? 2048 : 10000);
const test = take(mnist.test, 2000);
const keras: ModelSpec = {
  input: TUTORIAL_INPUT,
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3 },
    { type: 'conv2d', filters: 64, kernelSize: 3 },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'dense', units: 128 },
    { type: 'dense', units: 10 },
  ],
};
const spec = net === 'keras' ? keras : tutorialPreset.spec;
const px = 784;
for (const threads of threadCounts) {
  const trainer = await createParallelTrainer(spec, { threads, seed: 1, maxBatch: batch });
  const step = createTrainStep(trainer, new SGD());
  const x = new Float32Array(batch * px);
  const labels = new Int32Array(batch);
  const lr = batch === 1 ? 0.005 : net === 'keras' ? 0.01 : 0.1;
  let seen = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let e = 0; e < epochs; e++) {
    for (let start = 0; start < data.count; start += batch) {
      const n = Math.min(batch, data.count - start);
      fillBatch(x, labels, data, null, start, n, spec.input.scale, spec.input.offset);
      step(x, labels, n, lr);
      seen += n;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const acc = evaluate(trainer.model, test).accuracy;
  console.log(
    `${net} batch ${batch} threads ${threads}: ${Math.round(seen / seconds)} img/s wall, ${Math.round(seen / cpuSeconds)} img per CPU-second (all threads), test accuracy ${acc.toFixed(4)}`,
  );
  await trainer.close();
}
