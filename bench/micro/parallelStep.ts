/**
 * Micro-benchmark: training throughput through the parallel trainer at a given batch size and
 * thread count, on real MNIST, in wall time and in images per CPU-second (all threads), timed by
 * the bench's timing loop. Run:
 *   node dist/bench/micro/parallelStep.js [batch=128] [threads=1,2] [net=keras or a preset name]
 *     [--phases]
 * With --phases it then trains 3 s more with every thread timing each part of its step
 * (src/parallel/stepPhases.ts) and prints the mean microseconds per step of each part.
 */
import { take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import { SGD } from '../../src/optim/sgd.js';
import { createParallelTrainer } from '../../src/parallel/parallelTrainer.js';
import type { PhaseTimes } from '../../src/parallel/stepPhases.js';
import { presets } from '../../src/presets.js';
import { createTrainStep } from '../../src/train/step.js';
import { evaluate } from '../../src/train/trainer.js';
import { measure } from '../measure.js';
import { kerasSpec } from '../networks.js';
import { median } from '../stats.js';

const timePhases = process.argv.includes('--phases');
const args = process.argv.slice(2).filter((a) => a !== '--phases');
const batch = Number(args[0] ?? 128);
const threadCounts = (args[1] ?? '1,2').split(',').map(Number);
const net = args[2] ?? 'tutorial';
const mnist = loadMnist(defaultMnistDir());
const data = take(mnist.train, 10000);
const test = take(mnist.test, 2000);
const preset = presets[net];
const spec = net === 'keras' ? kerasSpec : preset?.spec;
if (!spec)
  throw new Error(`unknown net ${net} (keras or a preset: ${Object.keys(presets).join(', ')})`);
const lr =
  batch === 1
    ? 0.005
    : net === 'keras'
      ? 0.01
      : net === 'tutorial'
        ? 0.1
        : preset.train.learningRate;
for (const threads of threadCounts) {
  const trainer = await createParallelTrainer(spec, {
    threads,
    seed: 1,
    maxBatch: batch,
    timePhases,
  });
  const step = createTrainStep(trainer, new SGD());
  let seen = 0;
  // As `train` steps: each thread scales its own shard of the batch from the dataset's bytes.
  const run = (start: number, count: number) => {
    for (let b = start; b < start + count; b += batch) {
      step.samples(data, null, b, batch, lr);
      seen += batch;
    }
  };
  const cpu0 = process.cpuUsage();
  const timing = measure(run, batch, { warmupSeconds: 0.5, runSeconds: 1, runs: 5 }, data.count);
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const acc = evaluate(trainer.model, test).accuracy;
  console.log(
    `${net} batch ${batch} threads ${threads}: ${Math.round(median(timing.runs))} img/s wall, ${Math.round(seen / cpuSeconds)} img per CPU-second (all threads), test accuracy ${acc.toFixed(4)} after ${seen} images`,
  );
  if (timePhases) {
    trainer.resetPhaseTimes();
    const started = performance.now();
    while (performance.now() - started < 3000) run(0, data.count - (data.count % batch));
    printPhases(trainer.phaseTimes());
  }
  await trainer.close();
}

function printPhases(times: PhaseTimes | null): void {
  if (!times) return;
  const line = (who: string, parts: Record<string, number>) =>
    `  ${who}: ${Object.entries(parts)
      .map(([name, us]) => `${name} ${us.toFixed(1)}`)
      .join(', ')} (sum ${Object.values(parts)
      .reduce((a, b) => a + b, 0)
      .toFixed(1)})`;
  console.log(`  microseconds per step, mean of ${times.steps} steps:`);
  console.log(line('calling thread', times.calling));
  times.workers.forEach((w, i) => {
    console.log(line(`worker ${i + 1}`, w));
  });
}
