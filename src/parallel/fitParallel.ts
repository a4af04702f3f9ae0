/**
 * `train` (src/train/trainer.ts: same batching, shuffling, schedule, logging and callbacks) with
 * each batch's step done by a ParallelTrainer, which applies its own optimizer. With threads = 1
 * it reproduces `train(model, new SGD(), data, options)` bit for bit:
 *
 *   const trainer = await createParallelTrainer(spec, { threads, seed, maxBatch: batchSize });
 *   const result = fitParallel(trainer, trainSet, options);   // options as for train()
 *   evaluate(trainer.model, testSet); await trainer.close();
 */
import type { Dataset } from '../data/dataset.js';
import { SGD } from '../optim/sgd.js';
import { type TrainOptions, type TrainResult, train } from '../train/trainer.js';
import type { ParallelTrainer } from './parallelTrainer.js';

export function fitParallel(
  trainer: ParallelTrainer,
  data: Dataset,
  options: TrainOptions,
): TrainResult {
  // The SGD passed here is never stepped: the parallel trainer updates the weights itself.
  return train(trainer.model, new SGD(), data, {
    ...options,
    step: (x, labels, n, lr) => trainer.step(x.data, labels, n, lr),
  });
}
