/**
 * `cnn train --spec FILE`: a spec file trains like the preset it copies (bit for bit), flags
 * override the file, a spec-file run resumes exactly, and bad files give one-line errors (the
 * model spec's own messages, prefixed with the file name). Small MNIST subsets keep it quick.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateModelSpec } from '../src/model/spec.js';
import { lenet5Preset, type Preset, tutorialPreset } from '../src/presets.js';
import { assertOneLineError, cnn, lastJson, tensorBytes } from './cliRun.js';

const dir = mkdtempSync(join(tmpdir(), 'cnn-spec-'));
const example = fileURLToPath(new URL('../../examples/keras-mnist.json', import.meta.url));

/** Writes `content` (JSON-encoded unless a string) to a file in the test folder. */
function specFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const copyOf = (p: Preset) => ({ name: `${p.name}-copy`, model: p.spec, training: p.train });

/** The model spec's own message for a value, as `cnn train --spec` must repeat it. */
function specMessage(model: unknown): string {
  try {
    validateModelSpec(model);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an invalid spec');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const preset of [tutorialPreset, lenet5Preset]) {
  test(`a spec file copying the ${preset.name} preset gives its --json figures bit for bit`, () => {
    const file = specFile(`${preset.name}.json`, copyOf(preset));
    const small = ['--train-size', '300', '--test-size', '100', '--epochs', '2', '--threads', '1'];
    const fromPreset = lastJson(cnn('train', '--preset', preset.name, ...small, '--json'));
    const fromSpec = lastJson(cnn('train', '--spec', file, ...small, '--json'));
    assert.equal(fromSpec.testLoss, fromPreset.testLoss);
    assert.equal(fromSpec.testAccuracy, fromPreset.testAccuracy);
    assert.deepEqual(
      (fromSpec.epochLogs as { loss: number }[]).map((l) => l.loss),
      (fromPreset.epochLogs as { loss: number }[]).map((l) => l.loss),
    );
    assert.equal(fromSpec.preset, null);
    assert.equal(fromSpec.spec, file);
    assert.equal(fromSpec.name, `${preset.name}-copy`);
  });
}

test('flags override the settings in the file', () => {
  const model = tutorialPreset.spec;
  const training = { ...tutorialPreset.train, trainSize: 300, testSize: 100 };
  const inFile = specFile('in-file.json', {
    model,
    training: { ...training, epochs: 2, batchSize: 8, optimizer: { type: 'adam' }, shuffle: true },
  });
  const overridden = specFile('overridden.json', {
    model,
    training: { ...training, epochs: 3, batchSize: 1, optimizer: { type: 'sgd' } },
  });
  const a = lastJson(cnn('train', '--spec', inFile, '--json'));
  const b = lastJson(
    cnn(
      'train',
      '--spec',
      overridden,
      '--epochs',
      '2',
      '--batch-size',
      '8',
      '--optimizer',
      'adam',
      '--shuffle',
      'yes',
      '--json',
    ),
  );
  assert.equal(b.epochs, 2);
  assert.equal(b.testLoss, a.testLoss);
  assert.equal(b.testAccuracy, a.testAccuracy);
  // And the override changed something: the file's own settings train differently.
  const c = lastJson(cnn('train', '--spec', overridden, '--json'));
  assert.equal(c.epochs, 3);
  assert.notEqual(c.testLoss, a.testLoss);
});

test('targetAccuracy prints the training time of the first epoch that reaches it, once', () => {
  const training = { epochs: 3, trainSize: 300, testSize: 100, testEveryEpoch: true };
  const reachable = specFile('target.json', {
    model: tutorialPreset.spec,
    training: { ...training, targetAccuracy: 0.2 },
  });
  const r = cnn('train', '--spec', reachable);
  assert.equal(r.code, 0, r.stderr);
  const reached = r.stdout.split('\n').filter((l) => l.startsWith('Reached'));
  assert.equal(reached.length, 1, r.stdout);
  assert.match(
    reached[0],
    /^Reached 20\.0% test accuracy \(\d+\.\d\d%\) after epoch 1: \d+\.\d s of training wall time, test passes not counted$/,
  );
  const unreachable = specFile('target1.json', {
    model: tutorialPreset.spec,
    training: { ...training, epochs: 1, targetAccuracy: 1 },
  });
  const u = cnn('train', '--spec', unreachable);
  assert.equal(u.code, 0, u.stderr);
  assert.doesNotMatch(u.stdout, /Reached/);
});

test('a file without a training section trains with the documented defaults', () => {
  const file = specFile('defaults.json', { model: tutorialPreset.spec });
  const r = lastJson(
    cnn('train', '--spec', file, '--train-size', '64', '--test-size', '50', '--json'),
  );
  assert.equal(r.epochs, 1);
  assert.equal(r.name, 'defaults');
  assert.equal(r.trainSize, 64);
});

test('a spec-file run stopped after epoch 1 and resumed equals the straight run', () => {
  const file = specFile('resume.json', copyOf(tutorialPreset));
  const small = ['--train-size', '200', '--test-size', '100', '--epochs', '2', '--lr', '0.01'];
  const straight = join(dir, 'straight.model');
  const ckpt = join(dir, 'spec.ckpt');
  const resumedFile = join(dir, 'resumed.model');
  const a = lastJson(cnn('train', '--spec', file, ...small, '--json', '--out', straight));
  const first = cnn('train', '--spec', file, ...small, '--stop-after', '1', '--checkpoint', ckpt);
  assert.equal(first.code, 0, first.stderr);
  // The checkpoint carries the file's settings: resuming needs neither the file nor the flags.
  const b = lastJson(cnn('train', '--resume', ckpt, '--json', '--out', resumedFile));
  assert.equal(b.testLoss, a.testLoss);
  assert.equal(b.spec, file);
  const bytes = (f: string) => Buffer.from(tensorBytes(readFileSync(f)));
  assert.ok(bytes(straight).equals(bytes(resumedFile)), 'weights identical byte for byte');
  assertOneLineError(
    cnn('train', '--resume', ckpt, '--lr', '0.02'),
    /--resume: the checkpoint was trained with learningRate 0\.01, not 0\.02/,
    2,
  );
});

test('the Keras-style example is the documented network and learns', () => {
  const text = JSON.parse(readFileSync(example, 'utf8'));
  const spec = validateModelSpec(text.model);
  assert.deepEqual(
    spec.layers.map((l) =>
      'filters' in l
        ? `conv${l.filters}@${l.kernelSize}`
        : 'units' in l
          ? `dense${l.units}`
          : l.type,
    ),
    ['conv32@3', 'relu', 'conv64@3', 'relu', 'maxPool2d', 'flatten', 'dense128', 'relu', 'dense10'],
  );
  const r = lastJson(
    cnn('train', '--spec', example, '--train-size', '1000', '--test-size', '300', '--json'),
  );
  assert.equal(r.name, 'keras-mnist');
  assert.ok((r.testAccuracy as number) > 0.5, `accuracy ${r.testAccuracy} after 1,000 images`);
});

test('invalid spec files give the model spec one-line errors, prefixed with the file name', () => {
  const layers = tutorialPreset.spec.layers;
  const input = tutorialPreset.spec.input;
  const cases: unknown[] = [
    { input, layers: [{ type: 'conv2d', filters: 0, kernelSize: 3 }] },
    { input, layers: [{ type: 'softmaxish' }] },
    { input: { ...input, shape: [28, 28] }, layers },
    { input, layers: [] },
    { input, layers: [{ type: 'dropout', rate: 1.5 }, ...layers] },
  ];
  cases.forEach((model, i) => {
    const file = specFile(`bad${i}.json`, { model });
    const message = specMessage(model);
    assertOneLineError(
      cnn('train', '--spec', file),
      new RegExp(`^cnn: ${escapeRegExp(`${file}: ${message}`)}$`),
    );
  });
  // Checks beyond the model spec: shapes that do not fit, the file's other fields.
  const tooBig = { input, layers: [{ type: 'conv2d', filters: 4, kernelSize: 40 }, ...layers] };
  const others: [unknown, RegExp][] = [
    [{ model: tooBig }, /kernel|larger|input/i],
    [{ name: 'no model' }, /needs a "model"/],
    [{ model: tutorialPreset.spec, trainng: {} }, /unknown field 'trainng'/],
    [
      { model: tutorialPreset.spec, training: { epochs: 0 } },
      /training\.epochs must be a whole number from 1/,
    ],
    [
      { model: tutorialPreset.spec, training: { optimizer: { type: 'rmsprop' } } },
      /training\.optimizer\.type must be one of sgd, adam, adamw/,
    ],
    [
      { model: tutorialPreset.spec, training: { schedule: { type: 'step' } } },
      /training\.schedule of type step needs everyEpochs and factor/,
    ],
    [
      { model: tutorialPreset.spec, training: { learningRate: -1 } },
      /training\.learningRate must be a number in \(0, infinity\)/,
    ],
    [
      { model: tutorialPreset.spec, training: { targetAccuracy: 1.5 } },
      /training\.targetAccuracy must be a number in \(0, 1\]/,
    ],
    [
      { model: tutorialPreset.spec, training: { batchsize: 8 } },
      /training has unknown field 'batchsize'/,
    ],
    [[1, 2], /must be a JSON object/],
  ];
  others.forEach(([content, pattern], i) => {
    const file = specFile(`other${i}.json`, content);
    assertOneLineError(
      cnn('train', '--spec', file),
      new RegExp(`^cnn: ${escapeRegExp(file)}: .*${pattern.source}`, pattern.flags),
    );
  });
  assertOneLineError(
    cnn('train', '--spec', specFile('notjson.json', '{"model": ')),
    /notjson\.json: not JSON/,
  );
  assertOneLineError(
    cnn('train', '--spec', join(dir, 'missing.json')),
    /cannot read spec file .*missing\.json: no such file or directory/,
  );
  assertOneLineError(cnn('train', '--spec', dir), /cannot read spec file .*: is a directory/);
});

test('bad training flags give one-line usage errors', () => {
  const file = specFile('flags.json', copyOf(tutorialPreset));
  assertOneLineError(
    cnn('train', '--spec', file, '--preset', 'tutorial'),
    /give --preset or --spec, not both/,
    2,
  );
  assertOneLineError(
    cnn('train', '--optimizer', 'rmsprop'),
    /--optimizer\.type must be one of sgd, adam, adamw/,
    2,
  );
  assertOneLineError(cnn('train', '--optimizer', '{"type":'), /--optimizer is not valid JSON/, 2);
  assertOneLineError(
    cnn('train', '--schedule', 'step'),
    /--schedule of type step needs everyEpochs and factor/,
    2,
  );
  assertOneLineError(
    cnn('train', '--augment', '2'),
    /--augment must be 'none' or SHIFT,DEGREES/,
    2,
  );
  assertOneLineError(cnn('train', '--shuffle', 'maybe'), /--shuffle must be one of yes, no/, 2);
});
