/**
 * The training loop of src/train/trainer.ts `train` (same batching, shuffling, logging and
 * callbacks), with each batch's step done by a ParallelTrainer. With threads = 1 it reproduces
 * `train(model, new SGD(), data, options)` bit for bit; the CLI's `--threads N` can switch to it:
 *
 *   const trainer = await createParallelTrainer(spec, { threads, seed, maxBatch: batchSize });
 *   const result = fitParallel(trainer, trainSet, options);   // options as for train()
 *   evaluate(trainer.model, testSet); await trainer.close();
 */
import { checkLabels, type Dataset, fillBatch } from '../data/dataset.js';
import { Random } from '../random/prng.js';
import { sizeOf } from '../tensor/tensor.js';
import type { EpochLog, TrainOptions, TrainResult } from '../train/trainer.js';
import type { ParallelTrainer } from './parallelTrainer.js';

export function fitParallel(
  trainer: ParallelTrainer,
  data: Dataset,
  options: TrainOptions,
): TrainResult {
  const model = trainer.model;
  const [h, w, c] = model.inputShape;
  if (data.height !== h || data.width !== w || data.channels !== c) {
    throw new Error(
      `training data images are ${data.height}x${data.width}x${data.channels}, the model takes ${h}x${w}x${c}`,
    );
  }
  checkLabels(data, model.numClasses, 'training data');
  if (data.count === 0) throw new Error('training data is empty');
  const { batchSize, epochs, learningRate } = options;
  const { scale, offset } = model.spec.input;
  const px = sizeOf(model.inputShape);
  const rng = new Random(options.seed);
  const order = new Int32Array(data.count);
  const x = new Float32Array(batchSize * px);
  const labels = new Int32Array(batchSize);
  const logEvery = options.logEvery ?? 0;
  const logs: EpochLog[] = [];
  let trainMs = 0;
  let trained = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    options.onEpochStart?.(epoch);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (options.shuffle) rng.shuffle(order);
    let windowLoss = 0;
    let windowCorrect = 0;
    let windowCount = 0;
    let epochLoss = 0;
    let epochCorrect = 0;
    const started = performance.now();
    for (let start = 0; start < data.count; start += batchSize) {
      const n = Math.min(batchSize, data.count - start);
      fillBatch(x, labels, data, order, start, n, scale, offset);
      const { loss, correct } = trainer.step(x, labels, n, learningRate);
      if (!Number.isFinite(loss)) {
        throw new Error(
          `training diverged: loss is ${loss} at epoch ${epoch}, sample ${start + 1} (try a lower --lr)`,
        );
      }
      windowLoss += loss * n;
      windowCorrect += correct;
      windowCount += n;
      epochLoss += loss * n;
      epochCorrect += correct;
      const done = start + n;
      if (logEvery > 0 && (done % logEvery === 0 || done === data.count) && windowCount > 0) {
        options.onLog?.({
          epoch,
          step: done,
          loss: windowLoss / windowCount,
          accuracy: windowCorrect / windowCount,
        });
        windowLoss = 0;
        windowCorrect = 0;
        windowCount = 0;
      }
      options.onBatchEnd?.(epoch, done, data.count);
    }
    const seconds = (performance.now() - started) / 1000;
    trainMs += seconds * 1000;
    trained += data.count;
    const log = {
      epoch,
      loss: epochLoss / data.count,
      accuracy: epochCorrect / data.count,
      seconds,
    };
    logs.push(log);
    options.onEpochEnd?.(log);
  }
  const trainSeconds = trainMs / 1000;
  return { epochs: logs, trainSeconds, imagesPerSecond: trained / trainSeconds };
}
