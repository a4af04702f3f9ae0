/**
 * Real inputs the fuzzers start from: MNIST test images as IDX (plain and gzip), model files
 * written by encodeModel (weights, batch norm state, a checkpoint with Adam's slots), PNGs and
 * JPEGs from docs/img and the picture generators, and the presets' model specs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defaultMnistDir, loadSplit } from '../src/data/mnistFiles.js';
import { grayscale } from '../src/image/grayscale.js';
import { resizeArea } from '../src/image/resize.js';
import { decodeImage, encodeGrayPng, encodeJpeg, encodeRgbPng } from '../src/io/imageFiles.js';
import { encodeModel } from '../src/model/modelFile.js';
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { exportOnnx } from '../src/onnx/exportOnnx.js';
import { Adam } from '../src/optim/adam.js';
import { presets } from '../src/presets.js';
import { Random } from '../src/random/prng.js';
import { withExifOrientation } from '../test/fixtures/exif.js';
import { renderScene } from '../test/fixtures/scene.js';
import type { ByteSeed, SizeField } from './mutateBytes.js';
import { pngSizeFields, randomPng } from './pngChunks.js';

/** The repository root: this file runs from dist/fuzz/. */
const root = fileURLToPath(new URL('../..', import.meta.url));

function idxFile(dims: number[], data: Uint8Array): ByteSeed {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  bytes.set([0, 0, 8, dims.length]);
  const view = new DataView(bytes.buffer);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  bytes.set(data, 4 + 4 * dims.length);
  const sizeFields: SizeField[] = dims.map((_, i) => ({
    offset: 4 + 4 * i,
    width: 4,
    littleEndian: false,
  }));
  return { bytes, sizeFields };
}

/** The first MNIST test images and labels, re-encoded small: whole digits and 10x10 crops. */
export function idxSeeds(): ByteSeed[] {
  const test = loadSplit(defaultMnistDir(), 't10k');
  const crop = new Uint8Array(4 * 100);
  for (let n = 0; n < 4; n++)
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 10; x++)
        crop[n * 100 + y * 10 + x] = test.images[n * 784 + (y + 9) * 28 + x + 9];
  return [
    idxFile([2, 28, 28], test.images.subarray(0, 2 * 784)),
    idxFile([4, 10, 10], crop),
    idxFile([20], test.labels.subarray(0, 20)),
    idxFile([1], test.labels.subarray(0, 1)),
    idxFile([2, 5, 2, 5], crop.subarray(0, 100)),
  ];
}

export function gzipSeeds(): ByteSeed[] {
  return idxSeeds().map((s) => {
    const bytes = gzipSync(s.bytes);
    // gzip's last field is the uncompressed length (little-endian), which some readers trust.
    return { bytes, sizeFields: [{ offset: bytes.length - 4, width: 4, littleEndian: true }] };
  });
}

const tinySpec: ModelSpec = {
  input: { shape: [8, 8, 1], scale: 1 / 255, offset: 0 },
  layers: [
    { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', useBias: false, init: 'he' },
    { type: 'batchNorm', momentum: 0.9, epsilon: 0.001 },
    { type: 'relu' },
    { type: 'maxPool2d', poolSize: 2, stride: 2, ties: 'first' },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.25 },
    { type: 'dense', units: 3, init: 'glorot' },
  ],
};

const poolSpec: ModelSpec = {
  input: { shape: [6, 6, 2], scale: 1, offset: -0.5 },
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: 2, stride: 2, padding: 1 },
    { type: 'avgPool2d', poolSize: 2 },
    { type: 'globalAvgPool2d' },
    { type: 'dense', units: 2, useBias: false },
  ],
};

export function specSeeds(): ModelSpec[] {
  return [tinySpec, poolSpec, ...Object.values(presets).map((p) => p.spec)];
}

/** The fixed 16-byte head of a model file: version (LE) and header length (LE). */
const MODEL_SIZE_FIELDS: SizeField[] = [
  { offset: 8, width: 4, littleEndian: true },
  { offset: 12, width: 4, littleEndian: true },
];

export function modelSeeds(): ByteSeed[] {
  const tiny = new Sequential(tinySpec, { seed: 3 });
  const adam = new Adam();
  const params = tiny.params();
  for (const p of params) p.grad.fill(0.1);
  adam.step(params, 0.01);
  const checkpoint = encodeModel(
    tiny,
    { preset: 'fuzz', epochs: 2 },
    {
      epoch: 1,
      settings: { preset: 'fuzz', seed: 3 },
      optimizerKind: adam.kind,
      optimizerConfig: { type: 'adam' },
      optimizer: adam.getState(),
      trainRng: new Random(4).getState(),
      noiseRng: tiny.noise.getState(),
    },
  );
  const files = [
    encodeModel(new Sequential(tinySpec, { seed: 1 }), { preset: 'fuzz', testAccuracy: 0.5 }),
    encodeModel(new Sequential(poolSpec, { seed: 2 })),
    encodeModel(new Sequential(presets.tutorial.spec, { seed: 1 }), { preset: 'tutorial' }),
    checkpoint,
  ];
  return files.map((bytes) => ({ bytes, sizeFields: MODEL_SIZE_FIELDS }));
}

export function pngSeeds(): ByteSeed[] {
  const docs = ['digit-1-28x28.png', 'digit-7-28x28.png', 'pen-3-28x28.png', 'photo-3-28x28.png'];
  const files: Uint8Array[] = docs.map((f) => readFileSync(join(root, 'docs', 'img', f)));
  const rng = new Random(11);
  const scene = renderScene(12, 9);
  const rgb = Uint8Array.from(
    { length: 12 * 9 * 3 },
    (_, i) => scene[Math.floor(i / 3) * 4 + (i % 3)],
  );
  files.push(encodeRgbPng(12, 9, rgb));
  files.push(
    encodeGrayPng({ width: 5, height: 3, data: Uint8Array.from({ length: 15 }, (_, i) => i * 17) }),
  );
  const drawn = [
    randomPng(rng, { width: 9, height: 7, bitDepth: 1, colorType: 0, interlaced: false }),
    randomPng(rng, { width: 10, height: 6, bitDepth: 2, colorType: 3, interlaced: false }),
    randomPng(rng, {
      width: 11,
      height: 9,
      bitDepth: 4,
      colorType: 3,
      interlaced: true,
      paletteSize: 5,
    }),
    randomPng(rng, { width: 13, height: 11, bitDepth: 8, colorType: 6, interlaced: true }),
    randomPng(rng, { width: 6, height: 5, bitDepth: 16, colorType: 0, interlaced: false }),
    randomPng(rng, { width: 5, height: 4, bitDepth: 16, colorType: 4, interlaced: true }),
    randomPng(rng, { width: 7, height: 3, bitDepth: 8, colorType: 4, interlaced: false }),
  ];
  return [...files.map((bytes) => ({ bytes, sizeFields: pngSizeFields(bytes) })), ...drawn];
}

/** A net with every layer type (depthwise, leaky ReLU, sigmoid, tanh...), for ONNX export. */
const everyLayerSpec: ModelSpec = {
  input: { shape: [8, 8, 2], scale: 1 / 255, offset: -0.5 },
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same' },
    { type: 'batchNorm' },
    { type: 'leakyRelu', alpha: 0.1 },
    { type: 'depthwiseConv2d', kernelSize: 3, depthMultiplier: 2, padding: 1 },
    { type: 'sigmoid' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'depthwiseConv2d', kernelSize: 2, useBias: false },
    { type: 'tanh' },
    { type: 'avgPool2d', poolSize: 1 },
    { type: 'relu' },
    { type: 'globalAvgPool2d' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 4 },
  ],
};

/**
 * ONNX files: exportOnnx of the presets (untrained, same layout), of the tiny nets and a net with
 * every layer type, with and without a softmax output; and the PyTorch-written fixtures.
 */
export function onnxSeeds(): ByteSeed[] {
  const digits = Array.from({ length: 10 }, (_, i) => String(i));
  const exported = [
    ...Object.entries(presets).map(([name, p], i) =>
      exportOnnx(new Sequential(p.spec, { seed: i + 1 }), { name, classNames: digits }),
    ),
    exportOnnx(new Sequential(tinySpec, { seed: 5 }), { softmax: true }),
    exportOnnx(new Sequential(poolSpec, { seed: 6 }), { name: 'pool' }),
    exportOnnx(new Sequential(everyLayerSpec, { seed: 7 }), { softmax: true, name: 'every' }),
  ];
  const dir = join(root, 'test', 'fixtures', 'onnx');
  const torch = ['sequential', 'batchnorm', 'view', 'depthwise'].map((f) =>
    readFileSync(join(dir, `${f}.onnx`)),
  );
  // Protobuf lengths are varints, not fixed fields: truncations and flips reach them.
  return [...exported, ...torch].map((bytes) => ({ bytes: new Uint8Array(bytes), sizeFields: [] }));
}

/** Segment lengths and the frame's height and width: the size fields of a JPEG. */
function jpegSizeFields(b: Uint8Array): SizeField[] {
  const fields: SizeField[] = [];
  let p = 2;
  while (p + 4 <= b.length && b[p] === 0xff && b[p + 1] !== 0xda) {
    fields.push({ offset: p + 2, width: 2, littleEndian: false });
    if (b[p + 1] === 0xc0 || b[p + 1] === 0xc2) {
      fields.push({ offset: p + 5, width: 2, littleEndian: false });
      fields.push({ offset: p + 7, width: 2, littleEndian: false });
    }
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  return fields;
}

export function jpegSeeds(): ByteSeed[] {
  // The photo of a pen digit from docs/img, made small enough to decode thousands of times.
  const photo = grayscale(
    decodeImage(readFileSync(join(root, 'docs', 'img', 'photo-3.jpg')), 'photo-3.jpg'),
  );
  const small = resizeArea(photo, 24, 20);
  const rgba = new Uint8Array(24 * 20 * 4);
  small.data.forEach((v, i) => {
    rgba.set([v, v, v, 255], 4 * i);
  });
  const files: Uint8Array[] = [
    encodeJpeg(24, 20, rgba, 80),
    encodeJpeg(16, 12, renderScene(16, 12), 90),
    encodeJpeg(9, 7, renderScene(9, 7, 2), 30),
    withExifOrientation(encodeJpeg(8, 16, renderScene(8, 16, 3), 60), 6, true),
    withExifOrientation(encodeJpeg(12, 8, renderScene(12, 8, 4), 70), 3, false),
  ];
  return files.map((bytes) => ({ bytes, sizeFields: jpegSizeFields(bytes) }));
}
