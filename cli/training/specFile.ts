/**
 * Spec files for `cnn train --spec FILE`: any network the model spec describes, with its training
 * settings, as JSON (docs/spec-files.md):
 *   { "name"?: string, "model": <model spec>, "training"?: { <preset training settings> } }
 * Every error is one line that starts with the file name.
 */
import { basename, extname } from 'node:path';
import { readFileOrThrow } from '../../src/io/files.js';
import { Sequential } from '../../src/model/sequential.js';
import { type ModelSpec, validateModelSpec } from '../../src/model/spec.js';
import type { TrainSettings } from '../../src/presets.js';
import { validateTrainSettings } from './trainingSettings.js';

export interface SpecFile {
  /** The file's "name", else the file name without its extension. */
  name: string;
  spec: ModelSpec;
  /** The settings the file gives; the rest come from the defaults or flags. */
  training: Partial<TrainSettings>;
}

const fields = ['name', 'model', 'training'];

export function readSpecFile(path: string): SpecFile {
  const text = new TextDecoder().decode(readFileOrThrow(path, 'spec file'));
  try {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`not JSON (${(e as Error).message.split('\n')[0]})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new Error('must be a JSON object {"name", "model", "training"}');
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!fields.includes(key))
        throw new Error(`unknown field '${key}' (known: ${fields.join(', ')})`);
    }
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name.trim() === ''))
      throw new Error(`name must be a non-empty string, got ${JSON.stringify(o.name)}`);
    if (o.model === undefined) throw new Error('needs a "model" (a model spec)');
    const spec = validateModelSpec(o.model);
    // Building the model once finds what the field checks cannot: shapes that do not fit.
    new Sequential(spec, { seed: 1 });
    const training = o.training === undefined ? {} : validateTrainSettings(o.training, 'training');
    const name = (o.name as string | undefined) ?? basename(path, extname(path));
    return { name, spec, training };
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
