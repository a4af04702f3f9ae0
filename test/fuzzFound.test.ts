/**
 * Inputs the fuzzers (fuzz/, `npm run fuzz`) found that a reader mishandled, each kept here as a
 * concrete file so the fix stays fixed whatever the mutator later does. Every one must be refused
 * with a plain Error whose message is one short line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { judgeRejection } from '../fuzz/harness.js';
import { parseIdx } from '../src/data/idx.js';
import { gunzipIdx } from '../src/data/mnistFiles.js';
import { decodeImage, encodeJpeg } from '../src/io/imageFiles.js';
import { decodeModel, encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import { type ModelSpec, validateModelSpec } from '../src/model/spec.js';
import { specSize } from '../src/model/specSize.js';
import { exportOnnx } from '../src/onnx/exportOnnx.js';
import { type ImportOnnxOptions, importOnnx } from '../src/onnx/importOnnx.js';
import { decodeOnnxModel, encodeOnnxModel, type OnnxModel } from '../src/onnx/onnxProto.js';
import { presets } from '../src/presets.js';
import { withHeader } from './fixtures/modelHeader.js';
import { renderScene } from './fixtures/scene.js';

const onnxFixtures = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));

/** Asserts that `read` refuses the input properly and that the message matches `pattern`. */
function refusesCleanly(read: () => unknown, pattern: RegExp): void {
  try {
    read();
  } catch (e) {
    assert.equal(judgeRejection(e), null);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.fail('the input was accepted');
}

test('an IDX header whose rank byte says 254 is refused in one short line', () => {
  // fuzz idx, seed 1, input 1629: MNIST test images with 10 image bytes copied over the rank byte.
  const bytes = new Uint8Array(4 + 4 * 254 + 40);
  bytes.set([0, 0, 8, 254]);
  bytes.fill(0xfe, 4, 4 + 4 * 254);
  refusesCleanly(
    () => parseIdx(bytes, 'x.idx'),
    /^x\.idx: header claims 4278124286x4278124286x4278124286x\.\.\. \(254 dimensions\) = Infinity values but the file holds 40 \(truncated\?\)$/,
  );
});

/** `v` wrapped `depth` times in { type: ... }. */
function nested(v: unknown, depth: number): unknown {
  let out = v;
  for (let i = 0; i < depth; i++) out = { type: out };
  return out;
}

test('a spec value nested thousands deep is refused in one short line, not quoted or overflowing', () => {
  const spec = () => ({
    input: { shape: [28, 28, 1], scale: 1, offset: 0 },
    layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }],
  });
  // fuzz model spec, seed 1, input 60: input.shape[2] nested 2,000 levels deep (an 18,060-character message).
  const deepShape = spec();
  (deepShape.input.shape as unknown[])[2] = nested(1, 2000);
  refusesCleanly(
    () => validateModelSpec(deepShape),
    /^input\.shape\[2\] must be a whole number from 1 to 16384, got an object$/,
  );
  // Deeper still, quoting the value overflowed the stack: a RangeError instead of the message.
  const deepType = spec();
  (deepType.layers as unknown[])[0] = nested('flatten', 20_000);
  refusesCleanly(() => validateModelSpec(deepType), /^layer 1 has unknown type an object$/);
  const longName = spec();
  longName.layers[1].type = 'dense'.repeat(10_000);
  refusesCleanly(
    () => validateModelSpec(longName),
    /^layer 2 has unknown type "densedense.{30}\.\.\."$/,
  );
  // JSON.stringify wrote NaN as null, which is not what the file or caller gave.
  const nan = spec();
  nan.layers[1].units = Number.NaN;
  refusesCleanly(
    () => validateModelSpec(nan),
    /^layer 2 units must be a whole number from 1 to 1048576, got NaN$/,
  );
});

test('a model file whose spec asks for more weights than the file holds is refused before building', () => {
  const tutorial = encodeModel(new Sequential(presets.tutorial.spec));
  // fuzz model file, seed 1, input 3640: dense units 16385 built 22 million weights (3.5 s) before
  // the length check; 2^20 units would have been 5.6 GB.
  for (const units of [16_385, 2 ** 20]) {
    const file = withHeader(tutorial, (h) => {
      (h.spec as ModelSpec).layers[2] = { type: 'dense', units };
    });
    const t0 = performance.now();
    refusesCleanly(
      () => decodeModel(file),
      /^model file is truncated: \d+ bytes, its header describes \d+$/,
    );
    assert.ok(performance.now() - t0 < 100, `refusing took ${performance.now() - t0} ms`);
  }
  // A 1x1 convolution of a 16384x16384 input needs a 2^28-value buffer per image, yet 8 weights.
  const wide = withHeader(tutorial, (h) => {
    h.spec = {
      input: { shape: [16384, 16384, 1], scale: 1, offset: 0 },
      layers: [
        { type: 'conv2d', filters: 1, kernelSize: 1 },
        { type: 'globalAvgPool2d' },
        { type: 'dense', units: 3 },
      ],
    };
  });
  refusesCleanly(
    () => decodeModel(wide),
    /^model file spec is invalid: one image needs a buffer of 268435456 values, more than the limit of 67108864$/,
  );
});

test('the sizes worked out from a spec are those of the model it builds', () => {
  const specs: ModelSpec[] = [
    ...Object.values(presets).map((p) => p.spec),
    {
      input: { shape: [7, 9, 2], scale: 1, offset: 0 },
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 'same', useBias: false },
        { type: 'batchNorm' },
        { type: 'avgPool2d', poolSize: 2, stride: 1 },
        { type: 'conv2d', filters: 4, kernelSize: 2, padding: 1 },
        { type: 'leakyRelu', alpha: 0.1 },
        { type: 'depthwiseConv2d', kernelSize: 3, depthMultiplier: 2, padding: 'same' },
        { type: 'sigmoid' },
        { type: 'depthwiseConv2d', kernelSize: 2, stride: 2, useBias: false },
        { type: 'tanh' },
        { type: 'maxPool2d', poolSize: 1 },
        { type: 'globalAvgPool2d' },
        { type: 'dropout', rate: 0.5 },
        { type: 'dense', units: 5 },
        { type: 'relu' },
      ],
    },
  ];
  for (const spec of specs) {
    const model = new Sequential(spec);
    const count = (ts: { shape: readonly number[] }[]) =>
      ts.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    const size = specSize(validateModelSpec(spec));
    assert.ok(size);
    assert.equal(size.paramValues, count(model.params()));
    assert.equal(size.storedValues, count([...model.params(), ...model.stateTensors()]));
  }
});

test('a model file tensor entry with a huge shape or id is refused in one short line', () => {
  const tutorial = encodeModel(new Sequential(presets.tutorial.spec));
  // fuzz model file, seed 1, input 1455: a shape of 10,001 dimensions made a 40,074-character line.
  const file = withHeader(tutorial, (h) => {
    const tensors = (h as unknown as { tensors: { id: string; shape: number[] }[] }).tensors;
    tensors[1] = { id: 'x'.repeat(100_000), shape: new Array(10_001).fill(10) };
  });
  refusesCleanly(
    () => decodeModel(file),
    /^model file tensor 2 is x{60} of malformed shape, the spec needs 2\.dense\.weights \[1352, 10\]$/,
  );
});

test('a JPEG with a second frame header or absurd sampling factors is refused before decoding', () => {
  const jpeg = encodeJpeg(16, 12, renderScene(16, 12), 90);
  const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
  // fuzz jpeg, seed 5, input 5325: 115 bytes (holding the frame header) copied into the scan data;
  // jpeg-js then built a second frame 10594 pixels wide with 36 components: 330 ms and 150 MB
  // for a 987-byte file whose first frame header says 16x12.
  const copied = new Uint8Array(jpeg.length + 115);
  copied.set(jpeg.subarray(0, 731));
  copied.set(jpeg.subarray(46, 161), 731);
  copied.set(jpeg.subarray(731), 846);
  assert.ok(copied.some((b, i) => i > 731 && b === 0xff && copied[i + 1] === 0xc0));
  const t0 = performance.now();
  refusesCleanly(
    () => decodeImage(copied, 'x.jpg'),
    /^x\.jpg: corrupt JPEG \(a second frame header\)$/,
  );
  assert.ok(performance.now() - t0 < 50, `refusing took ${performance.now() - t0} ms`);
  // Sampling factors multiply the blocks a decoder holds; the standard allows 1 to 4.
  const sampled = jpeg.slice();
  sampled[sof + 11] = 0xff;
  refusesCleanly(
    () => decodeImage(sampled, 'x.jpg'),
    /^x\.jpg: corrupt JPEG \(sampling factors 15x15, expected 1 to 4\)$/,
  );
  const components = jpeg.slice();
  components[sof + 9] = 36;
  refusesCleanly(
    () => decodeImage(components, 'x.jpg'),
    /^x\.jpg: corrupt JPEG \(36 colour components, expected 1 to 4\)$/,
  );
});

test('a gzipped IDX file that unpacks to far more than its header declares is refused unpacked', () => {
  // Found by reading the code, not by mutation: gunzip allocated everything before the IDX check.
  // 5 labels declared, then 64 MB of zeros, which gzip packs into about 64 KB.
  const bomb = new Uint8Array(64 * 2 ** 20);
  bomb.set([0, 0, 8, 1, 0, 0, 0, 5]);
  const packed = gzipSync(bomb);
  const peak = process.resourceUsage().maxRSS;
  refusesCleanly(
    () => parseIdx(gunzipIdx(packed, 'x.gz'), 'x.gz'),
    /^x\.gz: unpacks to more than the 14 bytes its IDX header declares$/,
  );
  assert.ok(
    process.resourceUsage().maxRSS - peak < 20 * 1024,
    'unpacking raised peak memory by 20 MB',
  );
  // A header that declares more than the gzip bytes could ever unpack to.
  const liar = gzipSync(Uint8Array.from([0, 0, 8, 3, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0]));
  refusesCleanly(
    () => gunzipIdx(liar, 'x.gz'),
    /^x\.gz: its IDX header declares 4294967312 bytes, more than \d+ bytes of gzip can hold$/,
  );
  // Real files still unpack exactly.
  const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
  assert.deepEqual(Array.from(gunzipIdx(gzipSync(labels), 'x.gz')), Array.from(labels));
});

test('a decoder tripping over damaged bytes is reported as a corrupt file', () => {
  // fuzz jpeg, seed 1, input 54: 8 flipped bits, one of them in the scan's first component id;
  // jpeg-js threw a TypeError ("Cannot set properties of undefined (setting 'huffmanTableDC')"),
  // passed on as if it said what was wrong.
  const jpeg = encodeJpeg(9, 7, renderScene(9, 7, 2), 30);
  const sos = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xda);
  const damaged = jpeg.slice();
  damaged[sos + 5] ^= 0x80; // the scan's first component names one the frame does not have
  refusesCleanly(
    () => decodeImage(damaged, 'x.jpg'),
    /^x\.jpg: cannot decode JPEG: the file is corrupt \(the decoder failed: .+\)$/,
  );
});

test('a model file claiming a huge depthwiseConv2d is refused before any weight is allocated', () => {
  const tutorial = encodeModel(new Sequential(presets.tutorial.spec));
  const depthwise = (channels: number, kernelSize: number, depthMultiplier: number) =>
    withHeader(tutorial, (h) => {
      h.spec = {
        input: { shape: [1, 1, channels], scale: 1, offset: 0 },
        layers: [
          { type: 'depthwiseConv2d', kernelSize, depthMultiplier, padding: 'same' },
          { type: 'flatten' },
          { type: 'dense', units: 1 },
        ],
      };
    });
  // 1024 channels x 16 filters of 32x32: 16.8 million weights (and as many gradients) to build.
  const t0 = performance.now();
  refusesCleanly(
    () => decodeModel(depthwise(1024, 32, 16)),
    /^model file is truncated: \d+ bytes, its header describes \d+$/,
  );
  assert.ok(performance.now() - t0 < 100, `refusing took ${performance.now() - t0} ms`);
  // 2^34 weights (64 GB): building would fail on the allocation itself; the length check comes first.
  refusesCleanly(
    () => decodeModel(depthwise(16384, 64, 256)),
    /^model file is truncated: \d+ bytes, its header describes \d+$/,
  );
});

const torchDepthwise = readFileSync(join(onnxFixtures, 'depthwise.onnx'));

/** An ONNX file with `edit` applied to its decoded graph. */
function edited(bytes: Uint8Array, edit: (m: OnnxModel) => void): Uint8Array {
  const m = decodeOnnxModel(bytes);
  edit(m);
  return encodeOnnxModel(m);
}

/** Like refusesCleanly, for importOnnx, which rewrites every refusal as one line: its cause too. */
function onnxRefusesCleanly(
  bytes: Uint8Array,
  pattern: RegExp,
  options: ImportOnnxOptions = { scale: 1 / 255, offset: 0 },
): void {
  try {
    importOnnx(bytes, options);
  } catch (e) {
    assert.equal(judgeRejection(e), null);
    assert.equal(judgeRejection((e as Error).cause), null, String((e as Error).cause));
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.fail('the input was accepted');
}

test('an ONNX convolution whose window does not fit its input is refused where it is', () => {
  // fuzz onnx, seed 77, input 29621: one flipped bit made the depthwise fixture's input 11x1,
  // the second Conv's output width -1, and the Flatten after it threw a RangeError.
  const narrow = edited(torchDepthwise, (m) => {
    m.graph.inputs[0].dims = ['N', 3, 11, 1];
  });
  onnxRefusesCleanly(
    narrow,
    /^ONNX node '\/body\/body\.2\/Conv' \(Conv\): its output would be \[4, -1, 6\] from an input of \[6, 1, 6\] \(the window does not fit\)$/,
  );
});

test('an ONNX graph whose shapes ask for huge buffers is refused before any is allocated', () => {
  // A 3 KB file from a few changed dims; found by reading the importer after the fuzzer's find
  // above: the graph's shapes, not the file's weights, size the flatten order and im2col rows.
  const wide = edited(torchDepthwise, (m) => {
    m.graph.inputs[0].dims = ['N', 3, 8000, 8000];
  });
  onnxRefusesCleanly(
    wide,
    /^ONNX node '\/body\/body\.0\/Conv' \(Conv\): its input of \[8000, 8000, 3\] is more than 67108864 values$/,
  );
  // 16 million input values are allowed, but a 5x5 convolution's im2col rows of them are not.
  const pooled = exportOnnx(
    new Sequential({
      input: { shape: [8, 8, 1], scale: 1, offset: 0 },
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 5, padding: 'same' },
        { type: 'globalAvgPool2d' },
        { type: 'dense', units: 3 },
      ],
    }),
  );
  const t0 = performance.now();
  onnxRefusesCleanly(
    edited(pooled, (m) => {
      m.graph.inputs[0].dims = ['N', 4000, 4000, 1];
    }),
    /^ONNX graph does not build a model: one image needs a buffer of 400000000 values, more than the limit of 67108864$/,
    {},
  );
  assert.ok(performance.now() - t0 < 200, `refusing took ${performance.now() - t0} ms`);
});
