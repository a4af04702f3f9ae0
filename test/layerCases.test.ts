/**
 * Every layer type in the registry through its row of the case table (test/layerCases.ts):
 * float64 central-difference gradients, the layer against its kernels' reference twins,
 * TensorFlow.js on the same weights, and a model holding the layer saved and loaded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { buildLayer, entryFor, type LayerSpec, layerRegistry } from '../src/layers/registry.js';
import { decodeModel, encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { Random } from '../src/random/prng.js';
import { type FloatArray, sizeOf, type Tensor } from '../src/tensor/tensor.js';
import {
  gradientCheck,
  loadTfjs,
  randomArray,
  randomF32,
  relativeError,
  tfjsCrossCheck,
} from './helpers.js';
import { type LayerCase, type LayerRow, layerCases } from './layerCases.js';

/** Twin and fast kernels both run in float64; only the order of the sums differs. */
const TWIN_TOLERANCE = 1e-9;

/** A float64 layer of the case with random float32-exact parameters, its input and noise reset. */
function setUp(c: LayerCase<LayerSpec>, seed: number) {
  const rng = new Random(seed);
  const noise = new Random(seed + 7919);
  const layer = buildLayer(c.spec, { inputShape: c.input, rng, noise, dtype: 'float64' });
  for (const p of layer.params()) p.value.set(randomF32(rng, p.value.length, 0.5));
  c.prepare?.(layer, rng);
  const shape = [c.batch, ...c.input];
  const x: Tensor = { shape, data: randomF32(rng, sizeOf(shape)) };
  const noiseState = noise.getState();
  return { layer, x, rng, resetNoise: () => noise.setState(noiseState) };
}

const byName = <T extends { name: string }, V>(items: T[], value: (t: T) => V) =>
  Object.fromEntries(items.map((t) => [t.name, value(t)]));

test('every layer type in the registry has a row in the case table, and only those', () => {
  assert.deepEqual(
    Object.keys(layerCases).sort(),
    layerRegistry.map((e) => e.type).sort(),
    'test/layerCases.ts must have one row per registry entry',
  );
  for (const entry of layerRegistry) {
    assert.match(entry.description, /^[^\n]{10,160}$/, `${entry.type} has a one-line description`);
    const row = layerCases[entry.type];
    assert.ok(row.cases.length > 0, `${entry.type} has cases`);
    assert.ok(
      row.cases.some((c) => c.input.length === 3),
      `${entry.type} has a case with an [H, W, C] input (a model can start with it)`,
    );
  }
});

for (const entry of layerRegistry) {
  // The table's type pairs each row with its spec type; the loop sees the union.
  const row = layerCases[entry.type] as unknown as LayerRow<LayerSpec>;
  row.cases.forEach((c, i) => {
    const name = `${entry.type} ${JSON.stringify(c.spec)} on [${c.batch}, ${c.input}]`;
    const training = c.training ?? true;
    const seed = 100 + i;

    test(`${name}: its registry size is what the built layer holds`, () => {
      const { layer } = setUp(c, seed);
      const count = (ts: { shape: readonly number[] }[]) =>
        ts.reduce((s, t) => s + sizeOf([...t.shape]), 0);
      const size = entryFor(c.spec).size(c.spec, c.input);
      assert.ok(size, 'the case input fits the layer');
      assert.deepEqual([...size.output], [...layer.outputShape]);
      assert.equal(size.params, count(layer.params()));
      assert.equal(size.state, count(layer.stateTensors?.() ?? []));
    });

    test(`${name}: gradients match central differences`, () => {
      const { layer, x, rng, resetNoise } = setUp(c, seed);
      assert.equal(layer.kind, entry.type);
      if (c.output) assert.deepEqual([...layer.outputShape], c.output, 'output shape');
      gradientCheck(layer, x, rng, training, resetNoise);
    });

    const twin = row.twin;
    if (twin) {
      test(`${name}: the layer equals its kernels' reference twins`, () => {
        const { layer, x, rng, resetNoise } = setUp(c, seed);
        for (const p of layer.params()) p.grad.fill(0);
        resetNoise();
        const out = Float64Array.from(layer.forward(x, training).data);
        const dOut = randomArray(rng, out.length);
        const dIn = Float64Array.from(
          layer.backward({ shape: [c.batch, ...layer.outputShape], data: dOut }).data,
        );
        const params = layer.params();
        const expected = twin({
          spec: c.spec,
          inputShape: c.input,
          batch: c.batch,
          training,
          x: x.data,
          params: byName(params, (p): FloatArray => Float64Array.from(p.value)),
          state: byName(
            layer.stateTensors?.() ?? [],
            (t): FloatArray => Float64Array.from(t.value),
          ),
          dOut,
        });
        const close = (actual: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
          assert.equal(actual.length, want.length, `${what} length`);
          const err = relativeError(actual, want);
          assert.ok(err <= TWIN_TOLERANCE, `${name} ${what}: relative error ${err}`);
        };
        close(out, expected.out, 'output');
        close(dIn, expected.dIn, 'dInput');
        assert.deepEqual(Object.keys(expected.grads).sort(), params.map((p) => p.name).sort());
        for (const p of params) close(p.grad, expected.grads[p.name], `d${p.name}`);
      });
    }

    const tfForward = row.tf;
    if (tfForward) {
      test(`${name}: matches TensorFlow.js`, async () => {
        const tf = await loadTfjs();
        const { layer, x, rng } = setUp(c, seed);
        const state = (layer.stateTensors?.() ?? []).map((t) => ({
          name: t.name,
          tensor: tf.tensor(Float32Array.from(t.value), [...t.shape], 'float32'),
        }));
        const stateByName = byName(state, (s): TF.Tensor => s.tensor);
        tfjsCrossCheck(
          tf,
          name,
          layer,
          x,
          rng,
          (tx, params) => tfForward(tf, tx, params, { spec: c.spec, training, state: stateByName }),
          training,
        );
        tf.dispose(state.map((s) => s.tensor));
      });
    }
  });

  if (row.invalid) {
    test(`${entry.type}: bad configs are refused in one line`, () => {
      for (const { config, message } of row.invalid!) {
        const spec = { input: { shape: [4, 4, 1], scale: 1, offset: 0 }, layers: [config] };
        assert.throws(() => new Sequential(spec as ModelSpec), { message }, JSON.stringify(config));
      }
    });
  }

  test(`${entry.type}: a model holding it computes the same outputs after a save and a load`, () => {
    const c = row.cases.find((k) => k.input.length === 3)!;
    const [h, w, ch] = c.input;
    const spec: ModelSpec = {
      input: { shape: [h, w, ch], scale: 1 / 255, offset: -0.5 },
      layers: [c.spec, { type: 'dense', units: 3 }],
    };
    const model = new Sequential(JSON.parse(JSON.stringify(spec)), { seed: 3 });
    const rng = new Random(4);
    for (const p of model.params()) p.value.set(randomF32(rng, p.value.length, 0.5));
    const x = { shape: [2, h, w, ch], data: Float32Array.from(randomF32(rng, 2 * h * w * ch)) };
    model.forward(x, true); // moves batch norm's running statistics off their defaults
    const before = Array.from(model.forward(x, false).data);
    const loaded = decodeModel(encodeModel(model)).model;
    assert.deepEqual(loaded.spec, model.spec);
    assert.equal(loaded.layers[0].kind, entry.type);
    assert.deepEqual(Array.from(loaded.forward(x, false).data), before);
  });
}
