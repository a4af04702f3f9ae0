/** The training form: preset defaults in, RunSettings out. */
import { presets } from '../../src/index.js';
import type { OptimizerName, PresetName, RunSettings } from '../protocol.js';
import { optimizerName } from '../worker/training.js';

function input(id: string): HTMLInputElement {
  return document.getElementById(id) as HTMLInputElement;
}

function select(id: string): HTMLSelectElement {
  return document.getElementById(id) as HTMLSelectElement;
}

/** Fills the form with a preset's settings (the same as `cnn train --preset NAME`). */
export function applyPreset(preset: PresetName, maxWorkers: number): void {
  const t = presets[preset].train;
  select('preset').value = preset;
  select('optimizer').value = optimizerName(presets[preset].train.optimizer ?? { type: 'sgd' });
  input('learning-rate').value = String(t.learningRate);
  input('batch-size').value = String(t.batchSize);
  input('epochs').value = String(t.epochs);
  input('train-size').value = String(t.trainSize);
  input('test-size').value = String(t.testSize);
  if (!input('seed').value) input('seed').value = '1';
  // Batch norm would normalise each worker's shard on its own, so its nets default to one worker.
  const hasBatchNorm = presets[preset].spec.layers.some((l) => l.type === 'batchNorm');
  input('worker-count').value = String(t.batchSize === 1 || hasBatchNorm ? 1 : maxWorkers);
}

function wholeNumber(id: string, name: string, min: number, max: number): number {
  const v = Number(input(id).value);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return v;
}

/** The settings the form holds, or an Error naming the first bad field. */
export function readSettings(maxWorkers: number): RunSettings {
  const learningRate = Number(input('learning-rate').value);
  if (!(learningRate > 0 && learningRate <= 10))
    throw new Error('the learning rate must be a number above 0 and at most 10');
  return {
    preset: select('preset').value as PresetName,
    optimizer: select('optimizer').value as OptimizerName,
    learningRate,
    batchSize: wholeNumber('batch-size', 'the batch size', 1, 1024),
    epochs: wholeNumber('epochs', 'epochs', 1, 100),
    trainSize: wholeNumber('train-size', 'training images', 1, 1_000_000),
    testSize: wholeNumber('test-size', 'test images', 1, 1_000_000),
    seed: wholeNumber('seed', 'the seed', 0, 4294967295),
    workers: wholeNumber('worker-count', 'workers', 1, maxWorkers),
  };
}
