/**
 * The model file format, version 1 (browser-safe: bytes in, bytes out).
 *
 *   offset 0   8 bytes   magic "CNNTSMDL"
 *   offset 8   uint32 LE format version (1)
 *   offset 12  uint32 LE header length H in bytes
 *   offset 16  H bytes   UTF-8 JSON header: { spec, tensors: [{ id, shape }], metadata }
 *   then       zero padding to a multiple of 4 bytes
 *   then       every tensor's values as float32 little-endian, in header order, back to back
 *
 * The file length must match exactly. Loading checks the magic, the version, the header, that the
 * spec builds, that tensor ids and shapes match the model the spec builds, and that every weight is
 * finite; any failure is one Error whose message says what is wrong.
 */
import { sameShape, shapeString, sizeOf } from '../tensor/tensor.js';
import { Sequential } from './sequential.js';
import { validateModelSpec } from './spec.js';

export const MODEL_MAGIC = 'CNNTSMDL';
export const MODEL_FORMAT_VERSION = 1;

/** Free-form facts about how a model was trained (preset, epochs, seed, accuracy, ...). */
export type ModelMetadata = Record<string, unknown>;

export interface ModelFileHeader {
  spec: unknown;
  tensors: { id: string; shape: number[] }[];
  metadata: ModelMetadata;
}

export function encodeModel(model: Sequential, metadata: ModelMetadata = {}): Uint8Array {
  const params = model.params();
  const header: ModelFileHeader = {
    spec: model.spec,
    tensors: params.map((p) => ({ id: p.id, shape: [...p.shape] })),
    metadata,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((16 + headerBytes.length) / 4) * 4;
  const total = dataStart + params.reduce((s, p) => s + p.value.length * 4, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  bytes.set(headerBytes, 16);
  let off = dataStart;
  for (const p of params) {
    for (let i = 0; i < p.value.length; i++, off += 4) view.setFloat32(off, p.value[i], true);
  }
  return bytes;
}

export interface DecodedModel {
  model: Sequential;
  metadata: ModelMetadata;
}

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
  if (typeof header !== 'object' || header === null || !Array.isArray(header.tensors)) {
    throw new Error('model file header has no tensor list');
  }
  let model: Sequential;
  try {
    model = new Sequential(validateModelSpec(header.spec));
  } catch (e) {
    throw new Error(`model file spec is invalid: ${(e as Error).message}`);
  }
  const params = model.params();
  if (header.tensors.length !== params.length) {
    throw new Error(
      `model file has ${header.tensors.length} tensors, its spec needs ${params.length}`,
    );
  }
  const dataStart = Math.ceil((16 + headerLength) / 4) * 4;
  const expected = dataStart + params.reduce((s, p) => s + sizeOf(p.shape) * 4, 0);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'too long';
    throw new Error(
      `model file is ${what}: ${bytes.length} bytes, its header describes ${expected}`,
    );
  }
  let off = dataStart;
  params.forEach((p, t) => {
    const entry = header.tensors[t];
    if (
      !entry ||
      entry.id !== p.id ||
      !Array.isArray(entry.shape) ||
      !sameShape(entry.shape, p.shape)
    ) {
      throw new Error(
        `model file tensor ${t + 1} is ${entry?.id} ${shapeString(entry?.shape ?? [])}, the spec needs ${p.id} ${shapeString(p.shape)}`,
      );
    }
    for (let i = 0; i < p.value.length; i++, off += 4) {
      const v = view.getFloat32(off, true);
      if (!Number.isFinite(v))
        throw new Error(`model file tensor ${p.id} holds a non-finite value (${v}) at index ${i}`);
      p.value[i] = v;
    }
  });
  const metadata =
    typeof header.metadata === 'object' && header.metadata !== null ? header.metadata : {};
  return { model, metadata };
}
