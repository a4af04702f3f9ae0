/**
 * ONNX import: models exported by PyTorch (test/fixtures/onnx/, made by make_fixtures.py) give
 * PyTorch's recorded outputs to 1e-5; export then import gives bit-identical weights and
 * predictions; an imported model is an ordinary model file for the CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeModel, encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import { exportOnnx } from '../src/onnx/exportOnnx.js';
import { importOnnx } from '../src/onnx/importOnnx.js';
import { decodeOnnxModel, encodeOnnxModel } from '../src/onnx/onnxProto.js';
import { presets } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import { sizeOf } from '../src/tensor/tensor.js';
import { cnn, lastJson, tensorBytes } from './cliRun.js';
import { libraryLogits, maxAbsDiff, stressModel, stressSpecs } from './onnxModels.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cnn-onnx-'));

interface Fixture {
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
  outputKind: 'logits' | 'logSoftmax';
}

function logSoftmaxRows(z: ArrayLike<number>, classes: number): number[] {
  const out = Array.from(z);
  for (let r = 0; r < out.length / classes; r++) {
    const row = out.slice(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    for (let c = 0; c < classes; c++) out[r * classes + c] -= lse;
  }
  return out;
}

const expectedLayers: Record<string, string> = {
  sequential: 'conv2d relu maxPool2d conv2d relu avgPool2d flatten dense',
  view: 'conv2d relu maxPool2d flatten dense relu dense',
  batchnorm: 'conv2d relu maxPool2d flatten dense batchNorm relu dense',
  depthwise: 'depthwiseConv2d leakyRelu depthwiseConv2d sigmoid conv2d tanh flatten dense',
};

for (const name of Object.keys(expectedLayers)) {
  test(`PyTorch's ${name}.onnx imports and gives PyTorch's outputs to 1e-5`, (t) => {
    const imported = importOnnx(readFileSync(join(fixtures, `${name}.onnx`)), {
      scale: 1,
      offset: 0,
    });
    const model = imported.model;
    assert.equal(model.spec.layers.map((l) => l.type).join(' '), expectedLayers[name]);
    const fx: Fixture = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'));
    const [N, C, H, W] = fx.input.shape;
    assert.deepEqual(model.inputShape, [H, W, C]);
    // PyTorch's input is NCHW; the library's is NHWC.
    const x = new Float32Array(N * H * W * C);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++)
            x[((n * H + h) * W + w) * C + c] = fx.input.data[((n * C + c) * H + h) * W + w];
    const logits = model.forward({ shape: [N, H, W, C], data: x }, false).data;
    const K = fx.output.shape[1];
    const ours = fx.outputKind === 'logSoftmax' ? logSoftmaxRows(logits, K) : Array.from(logits);
    if (fx.outputKind === 'logSoftmax') assert.equal(imported.outputActivation, 'LogSoftmax');
    const diff = maxAbsDiff(ours, fx.output.data);
    t.diagnostic(`${name}: largest difference against PyTorch ${diff}`);
    for (let i = 0; i < ours.length; i++)
      assert.ok(
        Math.abs(ours[i] - fx.output.data[i]) <= 1e-5 * Math.max(1, Math.abs(fx.output.data[i])),
        `output ${i}: ${ours[i]} against PyTorch's ${fx.output.data[i]}`,
      );
  });
}

function allTensors(model: Sequential) {
  return [...model.params(), ...model.stateTensors()];
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return (
    a.length === b.length && Float32Array.from(a).every((v, i) => Object.is(v, Math.fround(b[i])))
  );
}

function randomPixels(model: Sequential, n: number): Float32Array {
  const rng = new Random(11);
  return Float32Array.from({ length: n * sizeOf(model.inputShape) }, () => rng.int(256));
}

const roundTripModels: [string, () => Sequential][] = [
  ...Object.keys(presets).map((p): [string, () => Sequential] => [
    p,
    () => new Sequential(presets[p].spec, { seed: 5 }),
  ]),
  ...Object.entries(stressSpecs).map(([what, spec]): [string, () => Sequential] => [
    what,
    () => stressModel(spec, 9),
  ]),
];

for (const [what, make] of roundTripModels) {
  test(`round trip (${what}): export then import gives bit-identical weights, the same spec and the same logits`, () => {
    const model = make();
    const back = importOnnx(exportOnnx(model, { softmax: true })).model;
    assert.deepEqual(back.spec, model.spec);
    const a = allTensors(model);
    const b = allTensors(back);
    assert.deepEqual(
      b.map((t) => t.id),
      a.map((t) => t.id),
    );
    for (const [i, t] of a.entries()) assert.ok(sameBits(b[i].value, t.value), `${t.id} differs`);
    const pixels = randomPixels(model, 6);
    assert.deepEqual(libraryLogits(back, pixels, 6), libraryLogits(model, pixels, 6));

    // Without the spec the exporter records, the layers ONNX carries alone give the same weights
    // (dropout and implicit flattens aside) and the same logits.
    const onnx = decodeOnnxModel(exportOnnx(model));
    onnx.metadata = onnx.metadata.filter((m) => m.key !== 'cnn_ts_spec');
    const plain = importOnnx(encodeOnnxModel(onnx)).model;
    const c = allTensors(plain);
    assert.equal(c.length, a.length);
    for (const [i, t] of a.entries())
      assert.ok(sameBits(c[i].value, t.value), `${t.id} differs from ${c[i].id}`);
    assert.ok(plain.spec.layers.every((l) => l.type !== 'dropout'));
    assert.deepEqual(libraryLogits(plain, pixels, 6), libraryLogits(model, pixels, 6));
  });
}

test('cnn export then cnn import: the model file comes back with the same tensors; evaluate and visualize read it', () => {
  const trained = join(dir, 'tutorial.model');
  assert.equal(
    cnn(
      'train',
      '--preset',
      'tutorial',
      '--train-size',
      '300',
      '--test-size',
      '100',
      '--epochs',
      '1',
      '--out',
      trained,
    ).code,
    0,
  );
  const onnxFile = join(dir, 'tutorial.onnx');
  const exported = lastJson(
    cnn('export', '--model', trained, '--out', onnxFile, '--softmax', '--json'),
  );
  assert.equal(exported.bytes, readFileSync(onnxFile).length);
  const back = join(dir, 'tutorial-back.model');
  const imported = lastJson(cnn('import', onnxFile, '--out', back, '--json'));
  assert.equal(imported.outputActivation, 'Softmax');
  assert.deepEqual(tensorBytes(readFileSync(back)), tensorBytes(readFileSync(trained)));
  const before = lastJson(cnn('evaluate', '--model', trained, '--test-size', '200', '--json'));
  const after = lastJson(cnn('evaluate', '--model', back, '--test-size', '200', '--json'));
  assert.equal(after.testAccuracy, before.testAccuracy);
  assert.equal(after.testLoss, before.testLoss);
  const pictures = join(dir, 'pictures');
  assert.equal(cnn('visualize', '--model', back, '--out', pictures).code, 0);
  // predict on the picture of a test digit that visualize wrote: the same answer from both files.
  const digit = join(pictures, 'input-0.png');
  const answer = (model: string) => lastJson(cnn('predict', '--model', model, '--json', digit));
  assert.deepEqual(answer(back), answer(trained));
});

test('cnn import of a PyTorch model records the scaling given, and refuses to guess it', () => {
  const source = join(fixtures, 'sequential.onnx');
  const out = join(dir, 'sequential.model');
  const r = cnn('import', source, '--out', out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^cnn: .*--scale and --offset/);
  assert.equal(cnn('import', source, '--out', out, '--scale', '1/255', '--offset', '0').code, 0);
  const { model, metadata } = decodeModel(readFileSync(out));
  assert.equal(model.spec.input.scale, 1 / 255);
  assert.equal(model.spec.input.offset, 0);
  assert.equal(metadata.importedFrom, 'onnx');
  // The imported file is an ordinary model file: it encodes to the same bytes again.
  assert.deepEqual(encodeModel(model, metadata), new Uint8Array(readFileSync(out)));
  assert.equal(
    lastJson(cnn('evaluate', '--model', out, '--test-size', '100', '--json')).testSize,
    100,
  );
  // A graph that scales its input itself takes no second scaling.
  const exported = join(dir, 'own.onnx');
  writeFileSync(exported, exportOnnx(model));
  const twice = cnn(
    'import',
    exported,
    '--out',
    join(dir, 'x.model'),
    '--scale',
    '1',
    '--offset',
    '0',
  );
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /scales its input itself/);
});
