/**
 * Malformed or unsupported ONNX files: every one gives a one-line error (the library throws;
 * `cnn import` prints `cnn: ...` and exits 1), never a stack trace, a hang or a huge allocation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Sequential } from '../src/model/sequential.js';
import { exportOnnx } from '../src/onnx/exportOnnx.js';
import { importOnnx } from '../src/onnx/importOnnx.js';
import { decodeOnnxModel, encodeOnnxModel, type OnnxModel } from '../src/onnx/onnxProto.js';
import { ProtoWriter } from '../src/onnx/protobuf.js';
import { presets } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import { assertOneLineError, cnn } from './cliRun.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cnn-onnx-bad-'));
const good = exportOnnx(new Sequential(presets.lenet5.spec, { seed: 2 }));

/** The exported lenet5 graph with `edit` applied. */
function edited(edit: (m: OnnxModel) => void): Uint8Array {
  const m = decodeOnnxModel(good);
  edit(m);
  return encodeOnnxModel(m);
}

const node = (m: OnnxModel, op: string) => m.graph.nodes.find((n) => n.opType === op)!;

const cases: [string, Uint8Array, RegExp][] = [
  ['an empty file', new Uint8Array(0), /empty/],
  [
    'a truncated file',
    good.subarray(0, Math.floor(good.length / 2)),
    /malformed: a field claims \d+ bytes but \d+ are left/,
  ],
  [
    'random bytes',
    (() => {
      const rng = new Random(1);
      return Uint8Array.from({ length: 4096 }, () => rng.int(256));
    })(),
    /malformed|not an ONNX model/,
  ],
  [
    'a tensor claiming more values than it holds',
    edited((m) => {
      m.graph.initializers[2].dims = [100000, 1000];
    }),
    /tensor .* claims 100000000 values .* but holds/,
  ],
  [
    'a length running past the end of the file',
    (() => {
      const w = new ProtoWriter().int(1, 7);
      const bytes = w.finish();
      // field 7 (graph), length-delimited, claiming 2^31 bytes.
      return Uint8Array.from([...bytes, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3]);
    })(),
    /claims 2147483648 bytes but 3 are left/,
  ],
  [
    'an unsupported op',
    edited((m) => {
      node(m, 'Relu').opType = 'Elu';
    }),
    /node '.*' \(Elu\): the library has no layer for this op/,
  ],
  [
    'a Conv with group 2',
    edited((m) => {
      node(m, 'Conv').attributes.find((a) => a.name === 'group')!.i = 2;
    }),
    /\(Conv\): the library cannot express group 2/,
  ],
  [
    'a grouped Conv that is not depthwise (group 2 on a multi-channel input)',
    edited((m) => {
      const second = m.graph.nodes.filter((n) => n.opType === 'Conv')[1];
      second.attributes.find((a) => a.name === 'group')!.i = 2;
    }),
    /\(Conv\): the library cannot express group 2 \(conv2d has group 1\); group 2 \(depthwiseConv2d has group = the \d+ input channels\)/,
  ],
  [
    'asymmetric pads with no library form',
    edited((m) => {
      const pads = node(m, 'Conv').attributes.find((a) => a.name === 'pads')!;
      pads.ints = [2, 2, 1, 1];
    }),
    /\(Conv\): the library cannot express asymmetric pads \[2,2,1,1\]/,
  ],
  [
    'MaxPool with ceil_mode that adds a row',
    edited((m) => {
      const pool = m.graph.nodes.filter((n) => n.opType === 'MaxPool')[0];
      pool.attributes.push({ name: 'ceil_mode', i: 1 });
      pool.attributes.find((a) => a.name === 'strides')!.ints = [3, 3];
    }),
    /\(MaxPool\): the library cannot express ceil_mode 1/,
  ],
  [
    'a cycle',
    edited((m) => {
      const relus = m.graph.nodes.filter((n) => n.opType === 'Relu');
      relus[0].inputs = [relus[1].outputs[0]];
    }),
    /cycle through ONNX node/,
  ],
  [
    'a dangling input',
    edited((m) => {
      node(m, 'Gemm').inputs[1] = 'nowhere';
    }),
    /reads nowhere, which no node, input or initializer provides/,
  ],
  [
    'a branch',
    edited((m) => {
      const relu = node(m, 'Relu');
      m.graph.nodes.push({ ...relu, name: 'extra', outputs: ['extra'] });
    }),
    /feeds 2 nodes .*not branches/,
  ],
];

for (const [what, bytes, message] of cases) {
  test(`${what}: one clear error from importOnnx and from cnn import (exit 1)`, () => {
    assert.throws(
      () => importOnnx(bytes),
      (e: Error) => {
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      },
    );
    const file = join(dir, `${what.replace(/\W+/g, '-')}.onnx`);
    writeFileSync(file, bytes);
    assertOneLineError(cnn('import', file, '--out', join(dir, 'x.model')), message);
  });
}

test('cnn export and cnn import: usage errors exit 2, a missing file exits 1', () => {
  assertOneLineError(cnn('export', '--model', 'x.model'), /--out/, 2);
  assertOneLineError(cnn('import', '--out', 'x.model'), /one FILE\.onnx/, 2);
  assertOneLineError(
    cnn('import', 'a.onnx', '--out', 'x', '--scale', 'abc', '--offset', '0'),
    /--scale must be a number/,
    2,
  );
  assertOneLineError(
    cnn('import', join(dir, 'missing.onnx'), '--out', 'x'),
    /cannot read ONNX file/,
  );
  assertOneLineError(
    cnn('export', '--model', join(dir, 'missing.model'), '--out', 'x.onnx'),
    /cannot read model file/,
  );
});

test('500 randomly damaged files (bytes overwritten, some cut short): each imports or gives one line', () => {
  const rng = new Random(5);
  const sources = [good, new Uint8Array(readFileSync(join(fixtures, 'view.onnx')))];
  let refused = 0;
  for (let i = 0; i < 500; i++) {
    const bytes = Uint8Array.from(sources[i % sources.length]);
    for (let k = 1 + rng.int(4); k > 0; k--) bytes[rng.int(bytes.length)] = rng.int(256);
    const cut = rng.uniform() < 0.2 ? rng.int(bytes.length) : bytes.length;
    try {
      importOnnx(bytes.subarray(0, cut), { scale: 1, offset: 0 });
    } catch (e) {
      refused++;
      assert.equal((e as Error).constructor, Error, `damaged file ${i}: ${(e as Error).stack}`);
      assert.doesNotMatch((e as Error).message, /[\n\r]|undefined|Cannot read/);
    }
  }
  assert.ok(refused > 100, `most damaged files are refused, got ${refused}`);
});
