/**
 * Data-parallel training: one thread reproduces the single-thread training loop bit for bit; two
 * and three threads are deterministic for their thread count and train to the same accuracy
 * (stated tolerance: 1 percentage point on 400 held-out images) with weights within float32
 * rounding of the single-thread ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Dataset, fillBatch, take } from '../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../src/data/mnistFiles.js';
import { SoftmaxCrossEntropy } from '../src/losses/softmaxCrossEntropy.js';
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { SGD } from '../src/optim/sgd.js';
import { createParallelTrainer } from '../src/parallel/parallelTrainer.js';
import { MAX_SPIN_MS, Spinner } from '../src/parallel/spinWait.js';
import { tutorialPreset } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import { type BatchGradients, localGradients } from '../src/train/gradients.js';
import { createTrainStep, type StepResult } from '../src/train/step.js';
import { evaluate, train } from '../src/train/trainer.js';
import { relativeError } from './helpers.js';

const mnist = loadMnist(defaultMnistDir());
const trainSet = take(mnist.train, 600);
const testSet = take(mnist.test, 400);
const spec: ModelSpec = tutorialPreset.spec;
const { scale, offset } = spec.input;
const LR = 0.1;

/** Batches in file order, last one short when batchSize does not divide the set. */
function* batches(data: Dataset, batchSize: number) {
  const x = new Float32Array(batchSize * 784);
  const labels = new Int32Array(batchSize);
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    fillBatch(x, labels, data, null, start, n, scale, offset);
    yield { x, labels, n };
  }
}

/** The tutorial's loop (sequential.ts): forward, fused loss, backward, SGD. */
function trainSingleThread(batchSize: number, epochs: number): Sequential {
  const model = new Sequential(spec, { seed: 3 });
  const loss = new SoftmaxCrossEntropy();
  const sgd = new SGD();
  const params = model.params();
  for (let e = 0; e < epochs; e++) {
    for (const { x, labels, n } of batches(trainSet, batchSize)) {
      const logits = model.forward({ shape: [n, 28, 28, 1], data: x.subarray(0, n * 784) }, true);
      loss.forward(logits, labels);
      model.backward(loss.backward());
      sgd.step(params, LR);
    }
  }
  return model;
}

async function trainParallel(
  threads: number,
  batchSize: number,
  epochs: number,
  data = trainSet,
  timePhases = false,
) {
  const trainer = await createParallelTrainer(spec, {
    threads,
    seed: 3,
    maxBatch: batchSize,
    timePhases,
  });
  const step = createTrainStep(trainer, new SGD());
  try {
    trainer.resetPhaseTimes();
    const started = performance.now();
    let correct = 0;
    let steps = 0;
    for (let e = 0; e < epochs; e++) {
      for (const { x, labels, n } of batches(data, batchSize)) {
        correct += step(x, labels, n, LR).correct;
        steps++;
      }
    }
    const wallMs = performance.now() - started;
    const phases = trainer.phaseTimes();
    const weights = trainer.model.params().map((p) => Float32Array.from(p.value));
    const accuracy = evaluate(trainer.model, testSet).accuracy;
    return { weights, correct, accuracy, steps, wallMs, phases };
  } finally {
    await trainer.close();
  }
}

test('threads 1 reproduces the single-thread training loop bitwise', async () => {
  const reference = trainSingleThread(32, 2);
  const run = await trainParallel(1, 32, 2);
  reference.params().forEach((p, i) => {
    assert.deepEqual(run.weights[i], Float32Array.from(p.value), `${p.id} differs`);
  });
});

test('threads 2 and 3 are deterministic and match threads 1 within the stated tolerance', async () => {
  const one = await trainParallel(1, 37, 2); // 37: shards of unequal size, short last batch
  for (const threads of [2, 3]) {
    const a = await trainParallel(threads, 37, 2);
    const b = await trainParallel(threads, 37, 2);
    a.weights.forEach((w, i) => {
      assert.deepEqual(w, b.weights[i], `threads ${threads} repeat`);
    });
    assert.ok(
      Math.abs(a.accuracy - one.accuracy) <= 0.01,
      `threads ${threads}: accuracy ${a.accuracy} vs ${one.accuracy} with one thread`,
    );
    a.weights.forEach((w, i) => {
      const err = relativeError(w, one.weights[i]);
      assert.ok(err < 1e-3, `threads ${threads}: weights differ by ${err} (relative)`);
    });
  }
  assert.ok(one.accuracy > 0.4, `the net should beat chance (0.1) clearly: ${one.accuracy}`);
});

test('batches smaller than the thread count leave a worker idle without changing the result', async () => {
  const small = take(trainSet, 40);
  const one = await trainParallel(1, 2, 1, small);
  const three = await trainParallel(3, 2, 1, small); // shards of 1, 1 and 0 samples
  three.weights.forEach((w, i) => {
    assert.ok(relativeError(w, one.weights[i]) < 1e-5, `weights ${i}`);
  });
  assert.equal(three.correct, one.correct);
});

test('timed phases change no result and account for the calling thread’s time, every thread', async () => {
  const untimed = await trainParallel(2, 37, 1);
  assert.equal(untimed.phases, null, 'no phase times unless asked for');
  const timed = await trainParallel(2, 37, 1, trainSet, true);
  timed.weights.forEach((w, i) => {
    assert.deepEqual(w, untimed.weights[i], `weights ${i}`);
  });
  const phases = timed.phases;
  assert.ok(phases, 'phase times when asked for');
  assert.equal(phases.steps, timed.steps);
  assert.equal(phases.workers.length, 1);
  const total = (parts: Record<string, number>) => Object.values(parts).reduce((a, b) => a + b, 0);
  // Laps are disjoint parts of the loop: their sum cannot exceed its wall time, and only the
  // last step's optimizer update and the loop around it fall outside them.
  const callingMs = (total(phases.calling) * phases.steps) / 1000;
  assert.ok(
    callingMs <= timed.wallMs && callingMs > 0.5 * timed.wallMs,
    `calling thread's phases ${callingMs} ms against ${timed.wallMs} ms of wall time`,
  );
  for (const name of ['publish', 'own', 'between'] as const)
    assert.ok(phases.calling[name] > 0, `calling thread's ${name} is timed`);
  for (const name of ['copyIn', 'compute', 'copyOut'] as const)
    assert.ok(phases.workers[0][name] > 0, `worker's ${name} is timed`);
  // Each thread computes half of each 37-sample batch (19 and 18 samples).
  const ratio = phases.workers[0].compute / phases.calling.own;
  assert.ok(ratio > 0.2 && ratio < 5, `worker compute / calling thread's own: ${ratio}`);
});

test('train() on a one-thread parallel trainer equals train() bitwise, shuffling and losses included', async () => {
  const options = {
    epochs: 2,
    batchSize: 16,
    learningRate: LR,
    shuffle: true,
    seed: 99,
    logEvery: 160,
  };
  const reference = new Sequential(spec, { seed: 3 });
  const refLogs: number[] = [];
  const refResult = train(reference, take(trainSet, 320), {
    ...options,
    onLog: (l) => refLogs.push(l.loss, l.accuracy),
  });
  const trainer = await createParallelTrainer(spec, { threads: 1, seed: 3, maxBatch: 16 });
  try {
    const logs: number[] = [];
    const result = train(trainer.model, take(trainSet, 320), {
      ...options,
      gradients: trainer,
      onLog: (l) => logs.push(l.loss, l.accuracy),
    });
    assert.deepEqual(logs, refLogs);
    assert.deepEqual(
      result.epochs.map((e) => [e.loss, e.accuracy]),
      refResult.epochs.map((e) => [e.loss, e.accuracy]),
    );
    reference.params().forEach((p, i) => {
      assert.deepEqual(trainer.model.params()[i].value, p.value, p.id);
    });
  } finally {
    await trainer.close();
  }
});

/**
 * The weights after `steps` steps of `batchSize` on trainSet in a shuffled order, with the batch
 * given as floats filled here (`fill`) or as samples each thread scales itself (`samples`).
 */
async function stepsThrough(
  gradients: (model: Sequential) => Promise<{ gradients: BatchGradients; close(): Promise<void> }>,
  how: 'fill' | 'samples',
  batchSize: number,
  steps: number,
) {
  const model = new Sequential(spec, { seed: 3 });
  const { gradients: g, close } = await gradients(model);
  const step = createTrainStep(g, new SGD());
  const order = new Random(5).shuffle(Int32Array.from({ length: trainSet.count }, (_, i) => i));
  const x = new Float32Array(batchSize * 784);
  const labels = new Int32Array(batchSize);
  const results: number[] = [];
  try {
    for (let s = 0, start = 0; s < steps; s++, start += batchSize) {
      const n = Math.min(batchSize, trainSet.count - start);
      let r: StepResult;
      if (how === 'samples') {
        r = step.samples(trainSet, order, start, n, LR);
      } else {
        fillBatch(x, labels, trainSet, order, start, n, scale, offset);
        r = step(x, labels, n, LR);
      }
      results.push(r.loss, r.correct);
    }
    return { results, weights: model.params().map((p) => Float32Array.from(p.value)) };
  } finally {
    await close();
  }
}

test('batches given as samples train exactly as batches filled as floats, on 1 to 3 threads', async () => {
  const cases: [threads: number, batch: number][] = [
    [1, 37],
    [2, 37],
    [3, 37], // shards of 13, 12 and 12 samples
    [3, 2], // shards of 1, 1 and 0 samples
  ];
  for (const [threads, batch] of cases) {
    const parallel = async (model: Sequential) => {
      const t = await createParallelTrainer(spec, { threads, model, maxBatch: batch });
      return { gradients: t, close: () => t.close() };
    };
    const filled = await stepsThrough(parallel, 'fill', batch, 6);
    const scaled = await stepsThrough(parallel, 'samples', batch, 6);
    assert.deepEqual(scaled.results, filled.results, `threads ${threads}, batch ${batch}`);
    scaled.weights.forEach((w, i) => {
      assert.deepEqual(w, filled.weights[i], `threads ${threads}, batch ${batch}: weights ${i}`);
    });
  }
  // Gradients that only take floats: the step fills the batch itself, with the same result.
  const floatsOnly = async (model: Sequential) => {
    const { compute } = localGradients(model);
    return { gradients: { model, compute }, close: async () => {} };
  };
  const filled = await stepsThrough(floatsOnly, 'fill', 37, 6);
  const scaled = await stepsThrough(floatsOnly, 'samples', 37, 6);
  assert.deepEqual(scaled.results, filled.results);
  scaled.weights.forEach((w, i) => {
    assert.deepEqual(w, filled.weights[i], `weights ${i}`);
  });
});

test('bad options and batches are refused with one-line errors', async () => {
  await assert.rejects(createParallelTrainer(spec, { threads: 0 }), /threads must be/);
  const trainer = await createParallelTrainer(spec, { threads: 1, maxBatch: 4 });
  try {
    assert.throws(
      () => trainer.compute(new Float32Array(784 * 8), new Int32Array(8), 8),
      /batch size must be from 1 to 4/,
    );
    assert.throws(() => trainer.computeSamples(trainSet, null, 0, 8), /batch size must be/);
    assert.throws(
      () => trainer.computeSamples(trainSet, null, trainSet.count - 2, 4),
      /^Error: samples 598 to 602 are outside the 600 given$/,
    );
    assert.throws(
      () => trainer.computeSamples({ ...trainSet, width: 27 }, null, 0, 4),
      /^Error: need images of 784 values, got 28x27x1$/,
    );
    const other = new Sequential(spec);
    assert.throws(
      () => train(other, take(trainSet, 4), { epochs: 1, batchSize: 4, gradients: trainer }),
      /different model/,
    );
  } finally {
    await trainer.close();
  }
  assert.throws(() => trainer.compute(new Float32Array(784), new Int32Array(1), 1), /closed/);
});

test('a spinning wait sees another thread’s write at once and gives up after its short budget', async () => {
  const { Worker } = await import('node:worker_threads');
  const control = new Int32Array(new SharedArrayBuffer(8));
  const spinner = new Spinner();
  // Nobody writes: the spin ends after its budget (plus generous slack for a loaded machine's
  // scheduling) and says so, leaving the caller to sleep.
  const started = performance.now();
  assert.equal(
    spinner.spin(control, 0, (v) => v !== 0),
    false,
  );
  assert.ok(performance.now() - started < MAX_SPIN_MS + 1000);
  // A wait that the spin cannot end sleeps, through the caller's own sleeping loop.
  let slept = 0;
  spinner.wait(
    control,
    0,
    (v) => v === 5,
    () => {
      slept++;
      Atomics.store(control, 0, 5);
    },
  );
  assert.equal(slept, 1);
  Atomics.store(control, 0, 0);
  // Another thread writes while this one spins: seen without sleeping. The writer starts
  // writing as soon as it runs, and keeps writing, so a spin of any budget meets it.
  const writer = new Worker(
    `const c = new Int32Array(require('node:worker_threads').workerData);
     Atomics.store(c, 1, 1);
     for (let i = 1; Atomics.load(c, 1) !== 2; i++) Atomics.store(c, 0, i);`,
    { eval: true, workerData: control.buffer },
  );
  try {
    while (Atomics.load(control, 1) !== 1) Atomics.wait(control, 1, 0, 5);
    let seen = false;
    for (let i = 0; i < 100 && !seen; i++) seen = spinner.spin(control, 0, (v) => v > 1000);
    assert.ok(seen, 'the other thread’s writes were seen while spinning');
  } finally {
    Atomics.store(control, 1, 2);
    await writer.terminate();
  }
});
