/**
 * The plain, JSON-serialisable description of a model: input shape and pixel scaling plus a list
 * of layer specs. Specs come from code and from model files, so `validateModelSpec` checks an
 * untrusted value field by field and says in one line what is wrong. The layer types and their
 * checks come from the layer registry (src/layers/registry.ts).
 */
import { isObj, positiveInt } from '../layers/configCheck.js';
import { type LayerSpec, validateLayerSpec } from '../layers/registry.js';

export type { LayerSpec };

export interface InputSpec {
  /** [height, width, channels] of one image. */
  shape: [number, number, number];
  /** A stored pixel byte b enters the network as b * scale + offset (tutorial: 1/255, -0.5). */
  scale: number;
  offset: number;
}

export interface ModelSpec {
  input: InputSpec;
  layers: LayerSpec[];
}

export function validateModelSpec(v: unknown): ModelSpec {
  if (!isObj(v)) throw new Error('model spec must be an object');
  const input = v.input;
  if (!isObj(input) || !Array.isArray(input.shape) || input.shape.length !== 3) {
    throw new Error('model spec input.shape must be [height, width, channels]');
  }
  const shape = input.shape.map((d, i) => positiveInt(d, `input.shape[${i}]`, 1 << 14)) as [
    number,
    number,
    number,
  ];
  if (typeof input.scale !== 'number' || !Number.isFinite(input.scale))
    throw new Error('input.scale must be a finite number');
  if (typeof input.offset !== 'number' || !Number.isFinite(input.offset))
    throw new Error('input.offset must be a finite number');
  if (!Array.isArray(v.layers) || v.layers.length === 0)
    throw new Error('model spec needs a non-empty layers list');
  return {
    input: { shape, scale: input.scale, offset: input.offset },
    layers: v.layers.map(validateLayerSpec),
  };
}
