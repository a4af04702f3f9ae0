/**
 * Every reader of untrusted bytes in the library, one row each: where its seeds come from, how
 * they are mutated, and the call that reads one input. A new reader (an ONNX importer, say) is
 * one more row.
 */
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../src/data/idx.js';
import { gunzipIdx } from '../src/data/mnistFiles.js';
import { decodeImage } from '../src/io/imageFiles.js';
import { decodeModel } from '../src/model/modelFile.js';
import { validateModelSpec } from '../src/model/spec.js';
import { importOnnx } from '../src/onnx/importOnnx.js';
import type { Random } from '../src/random/prng.js';
import { modelFileParts, modelFileWith } from '../test/fixtures/modelHeader.js';
import { type ByteSeed, type Mutant, mutateBytes } from './mutateBytes.js';
import { mutateJson } from './mutateJson.js';
import { fixPngCrcs } from './pngChunks.js';
import {
  gzipSeeds,
  idxSeeds,
  jpegSeeds,
  modelSeeds,
  onnxSeeds,
  pngSeeds,
  specSeeds,
} from './seeds.js';

/** A reader with its seeds loaded: makes the n-th input from a generator and reads it. */
export interface Fuzzer {
  mutate(rng: Random): Mutant<unknown>;
  /** Parses the input; a rejection must be an Error with a one-line message. */
  read(input: unknown): unknown;
  /** The input as a file, to save a failing one. */
  bytes(input: unknown): Uint8Array;
  /** Bytes the reader may touch for this input: the decoded result and its working memory. */
  memoryAllowance(input: unknown): number;
}

export interface ReaderRow {
  name: string;
  /** What the seeds are, for the report. */
  seeds: string;
  load(): Fuzzer;
}

const MB = 1 << 20;

/**
 * What reading may add to peak memory: 64 MB of slack (compiled code, heap growth) plus `factor`
 * bytes per input byte. IDX: 1 (a view). gzip: 1100 (deflate unpacks at most 1032:1). Model file:
 * 16 (weights and gradients, each stored float twice at most); ONNX alike. PNG: 4 x 1100 (RGBA of what
 * deflate unpacks). JPEG: 2048 (every bit can be an 8x8 block, 4 bytes a pixel).
 */
const perByte = (factor: number) => (input: unknown) =>
  64 * MB + factor * (input as Uint8Array).length;

function byteFuzzer(
  seeds: ByteSeed[],
  read: (b: Uint8Array) => unknown,
  factor: number,
  mutate: (rng: Random) => Mutant<Uint8Array> = (rng) => mutateBytes(rng, seeds),
): Fuzzer {
  return {
    mutate,
    read: (input) => read(input as Uint8Array),
    bytes: (input) => input as Uint8Array,
    memoryAllowance: perByte(factor),
  };
}

/**
 * importOnnx, given the input scaling when the graph does not carry its own (PyTorch's). It
 * rewrites every refusal as one line; the original goes on as its cause, and a cause that is
 * not a plain Error (a TypeError from reading past a field, say) is a bug, so it is thrown.
 */
function readOnnx(b: Uint8Array): unknown {
  try {
    try {
      return importOnnx(b);
    } catch (e) {
      if (!/takes its input as given/.test((e as Error).message)) throw e;
      return importOnnx(b, { scale: 1 / 255, offset: 0 });
    }
  } catch (e) {
    const cause = (e as Error).cause;
    throw cause instanceof Error && cause.constructor !== Error ? cause : e;
  }
}

/** Half the time the bytes are damaged; half the time the IDX inside is damaged, then gzipped. */
function gzipFuzzer(): Fuzzer {
  const packed = gzipSeeds();
  const plain = idxSeeds();
  const read = (b: Uint8Array) => parseIdx(gunzipIdx(b, 'x.gz'), 'x.gz');
  return byteFuzzer(packed, read, 1100, (rng) => {
    if (rng.int(2) === 0) return mutateBytes(rng, packed);
    const m = mutateBytes(rng, plain);
    return { input: gzipSync(m.input), steps: [...m.steps, 'gzip'] };
  });
}

/** Half the time the bytes are damaged; half the time the JSON header, written back correctly. */
function modelFuzzer(): Fuzzer {
  const seeds = modelSeeds();
  const parts = seeds.map((s) => modelFileParts(s.bytes));
  const headers = parts.map((p) => p.header);
  return byteFuzzer(seeds, decodeModel, 16, (rng) => {
    if (rng.int(2) === 0) return mutateBytes(rng, seeds);
    const which = rng.int(seeds.length);
    const m = mutateJson(rng, headers, which);
    let text: string;
    try {
      text = String(JSON.stringify(m.input));
    } catch {
      text = '"too deep to write"';
    }
    return {
      input: modelFileWith(seeds[which].bytes, text, parts[which].data),
      steps: ['header of', ...m.steps],
    };
  });
}

export const readers: ReaderRow[] = [
  {
    name: 'idx',
    seeds: 'the first MNIST test images and labels as IDX, whole and cropped',
    load: () => byteFuzzer(idxSeeds(), (b) => parseIdx(b, 'x.idx'), 1),
  },
  {
    name: 'idx.gz',
    seeds: 'the same IDX files gzipped',
    load: gzipFuzzer,
  },
  {
    name: 'model file',
    seeds:
      'encodeModel of fresh models (the tutorial preset, two tiny nets) and an Adam checkpoint',
    load: modelFuzzer,
  },
  {
    name: 'png',
    seeds:
      'docs/img 28x28 PNGs, pngjs-written gray and RGB, palette, 1/2/4/16-bit and interlaced PNGs',
    load: () => {
      const seeds = pngSeeds();
      // Two inputs in three get their checksums fixed, or pngjs would refuse nearly all of them.
      return byteFuzzer(
        seeds,
        (b) => decodeImage(b, 'x.png'),
        4 * 1100,
        (rng) => {
          const m = mutateBytes(rng, seeds);
          if (rng.int(3) === 0) return m;
          const input = m.input.slice();
          return { input, steps: [...m.steps, `fix ${fixPngCrcs(input)} chunk CRCs`] };
        },
      );
    },
  },
  {
    name: 'jpeg',
    seeds: 'docs/img/photo-3.jpg made small, generated scenes, Exif orientations',
    load: () => byteFuzzer(jpegSeeds(), (b) => decodeImage(b, 'x.jpg'), 4 * 8 * 64),
  },
  {
    name: 'onnx',
    seeds:
      'exportOnnx of the presets, two tiny nets and a net with every layer type; the PyTorch fixtures',
    load: () => byteFuzzer(onnxSeeds(), readOnnx, 16),
  },
  {
    name: 'model spec',
    seeds: 'the presets and two tiny specs, as JSON values',
    load: () => {
      const seeds = specSeeds();
      return {
        mutate: (rng) => mutateJson(rng, seeds),
        read: validateModelSpec,
        bytes: (input) => new TextEncoder().encode(JSON.stringify(input) ?? 'undefined'),
        memoryAllowance: () => 64 * MB,
      };
    },
  },
];
