/** Builds an optimizer from its plain, JSON-serialisable description (presets, checkpoints). */
import { Adam, type AdamConfig } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { SGD, type SGDConfig } from './sgd.js';

/** An optimizer as plain JSON, as presets and checkpoints store it. */
export type OptimizerSpec =
  | ({ type: 'sgd' } & SGDConfig)
  | ({ type: 'adam' } & Omit<AdamConfig, 'decoupled'>)
  | ({ type: 'adamw' } & Omit<AdamConfig, 'decoupled'>);

/** Builds the optimizer an OptimizerSpec describes. */
export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.type) {
    case 'sgd':
      return new SGD(spec);
    case 'adam':
      return new Adam({ ...spec, decoupled: false });
    case 'adamw':
      return new Adam({ ...spec, decoupled: true });
    default:
      throw new Error(`unknown optimizer ${JSON.stringify((spec as { type: unknown }).type)}`);
  }
}
