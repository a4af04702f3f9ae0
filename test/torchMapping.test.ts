/**
 * Each layer type's PyTorch mapping (the registry entry's `torch` field, which the benchmark's
 * PyTorch peer builds) computes the same function: every case of the table
 * (test/layerCases.ts) run forward in PyTorch (Debian's python3-torch) with our weights
 * converted by the mapping, in float64, must give our outputs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildLayer, type LayerSpec, layerRegistry, torchModules } from '../src/layers/registry.js';
import { Random } from '../src/random/prng.js';
import { sizeOf } from '../src/tensor/tensor.js';
import { randomF32, relativeError } from './helpers.js';
import { type LayerRow, layerCases } from './layerCases.js';

const script = fileURLToPath(new URL('../../test/torch_layers.py', import.meta.url));

interface Run {
  name: string;
  ours: Float64Array;
  /** Our output reordered as PyTorch orders it (see `chw`). */
  expected: ArrayLike<number>;
  torchCase: unknown;
}

/** A flatten of [N, H, W, C] in PyTorch's NCHW world orders features C, H, W. */
function chw(values: Float64Array, [h, w, c]: number[], batch: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let n = 0; n < batch; n++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++)
          out[((n * c + k) * h + y) * w + x] = values[((n * h + y) * w + x) * c + k];
  return out;
}

function runs(): Run[] {
  return layerRegistry.flatMap((entry) => {
    const row = layerCases[entry.type] as unknown as LayerRow<LayerSpec>;
    return row.cases.map((c, i) => {
      const rng = new Random(300 + i);
      const layer = buildLayer(c.spec, {
        inputShape: c.input,
        rng,
        noise: new Random(1),
        dtype: 'float64',
      });
      for (const p of layer.params()) p.value.set(randomF32(rng, p.value.length, 0.5));
      c.prepare?.(layer, rng);
      // PyTorch draws other dropout masks: noise layers are compared at inference.
      const training = (c.training ?? true) && entry.type !== 'dropout';
      const shape = [c.batch, ...c.input];
      const x = randomF32(rng, sizeOf(shape));
      const ours = Float64Array.from(layer.forward({ shape, data: x }, training).data);
      const tensors = Object.fromEntries(
        [...layer.params(), ...(layer.stateTensors?.() ?? [])].map((t) => [
          t.name,
          { values: Array.from(t.value), shape: [...t.shape] },
        ]),
      );
      const reshape = entry.type === 'flatten' && c.input.length === 3;
      return {
        name: `${entry.type} ${JSON.stringify(c.spec)} on [${shape}]`,
        ours,
        expected: reshape ? chw(ours, c.input, c.batch) : ours,
        torchCase: {
          modules: torchModules(c.spec, layer),
          tensors,
          input: { values: Array.from(x), shape },
          training,
        },
      };
    });
  });
}

test('every case of the layer table computes the same outputs in PyTorch through its mapping', () => {
  const all = runs();
  const output = execFileSync('/usr/bin/python3', [script], {
    input: JSON.stringify(all.map((r) => r.torchCase)),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const results: number[][] = JSON.parse(output);
  assert.equal(results.length, all.length);
  all.forEach((r, i) => {
    assert.equal(results[i].length, r.ours.length, `${r.name}: output size`);
    const err = relativeError(results[i], r.expected);
    assert.ok(err <= 1e-9, `${r.name}: relative error ${err} against PyTorch`);
  });
});
