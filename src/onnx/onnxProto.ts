/**
 * The subset of ONNX's protobuf schema (onnx/onnx.proto) that a feed-forward CNN uses, as plain
 * objects, with an encoder and a careful decoder. Field numbers are the schema's. Fields this
 * library never needs (subgraphs, sparse tensors, training info, functions) are skipped on read.
 */
import {
  type ProtoField,
  ProtoReader,
  ProtoWriter,
  readFloats,
  readInts,
  readMessage,
  readString,
  WIRE_BYTES,
} from './protobuf.js';

/** TensorProto.DataType values this library reads. */
export const DTYPE_FLOAT = 1;
export const DTYPE_INT32 = 6;
export const DTYPE_INT64 = 7;
export const DTYPE_DOUBLE = 11;

const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** The values of a FLOAT or DOUBLE tensor (as float32), in row-major order. */
  floats?: Float32Array;
  /** The values of an INT64 or INT32 tensor. */
  ints?: number[];
}

export interface OnnxAttribute {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  /** The tensor element type (1 = float); 0 if not given. */
  elemType: number;
  /** Each dimension's size, or its symbolic name (e.g. "N"); undefined if the rank is unknown. */
  dims?: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  opsetImports: { domain: string; version: number }[];
  metadata: { key: string; value: string }[];
  graph: OnnxGraph;
}

// ---------------------------------------------------------------- encoding

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  if (t.name) w.string(8, t.name);
  if (t.dataType === DTYPE_FLOAT) {
    const values = t.floats ?? new Float32Array(0);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    w.bytes(9, raw);
  } else if (t.dataType === DTYPE_INT64) {
    w.packedInts(7, t.ints ?? []);
  } else {
    throw new Error(`cannot encode tensor ${t.name} of data type ${t.dataType}`);
  }
  return w;
}

function encodeAttribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f).int(20, ATTR_FLOAT);
  else if (a.i !== undefined) w.int(3, a.i).int(20, ATTR_INT);
  else if (a.s !== undefined) w.string(4, a.s).int(20, ATTR_STRING);
  else if (a.t !== undefined) w.message(5, encodeTensor(a.t)).int(20, ATTR_TENSOR);
  else if (a.floats !== undefined) w.packedFloats(7, a.floats).int(20, ATTR_FLOATS);
  else if (a.ints !== undefined) w.packedInts(8, a.ints).int(20, ATTR_INTS);
  else throw new Error(`attribute ${a.name} has no value`);
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims ?? []) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, v.elemType);
  if (v.dims) tensorType.message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, encodeAttribute(a));
  if (n.domain) w.string(7, n.domain);
  return w;
}

export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const g = new ProtoWriter();
  for (const n of m.graph.nodes) g.message(1, encodeNode(n));
  g.string(2, m.graph.name);
  for (const t of m.graph.initializers) g.message(5, encodeTensor(t));
  for (const v of m.graph.inputs) g.message(11, encodeValueInfo(v));
  for (const v of m.graph.outputs) g.message(12, encodeValueInfo(v));
  const w = new ProtoWriter()
    .int(1, m.irVersion)
    .string(2, m.producerName)
    .string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, g);
  for (const o of m.opsetImports) {
    const op = new ProtoWriter();
    if (o.domain) op.string(1, o.domain);
    w.message(8, op.int(2, o.version));
  }
  for (const { key, value } of m.metadata)
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w.finish();
}

// ---------------------------------------------------------------- decoding

/** Most values a tensor may hold: keeps a hostile `dims` from asking for a huge array. */
const MAX_TENSOR_VALUES = 1 << 28;

function expectBytes(f: ProtoField, what: string): void {
  if (f.wire !== WIRE_BYTES) throw new Error(`${what} is malformed: wire type ${f.wire}`);
}

function decodeTensor(r: ProtoReader, what: string): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0 };
  let raw: Uint8Array | undefined;
  const floatParts: Float32Array[] = [];
  const intParts: number[] = [];
  let doubles: Uint8Array[] = [];
  let external = false;
  for (const f of r.fields()) {
    if (f.field === 1) t.dims.push(...readInts(f, what));
    else if (f.field === 2) t.dataType = f.int;
    else if (f.field === 4) floatParts.push(readFloats(f, what));
    else if (f.field === 5 || f.field === 7) intParts.push(...readInts(f, what));
    else if (f.field === 8) t.name = readString(f, what);
    else if (f.field === 9) {
      expectBytes(f, what);
      raw = f.bytes;
    } else if (f.field === 10) doubles = [...doubles, f.bytes];
    else if (f.field === 14) external = f.int === 1;
  }
  const name = t.name ? `tensor ${t.name}` : what;
  if (external)
    throw new Error(`${name} keeps its data in an external file, which is not supported`);
  let count = 1;
  for (const d of t.dims) {
    if (d < 0) throw new Error(`${name} has a negative dimension ${d}`);
    count *= d;
    if (count > MAX_TENSOR_VALUES)
      throw new Error(`${name} claims more than ${MAX_TENSOR_VALUES} values`);
  }
  const size: Record<number, number> = {
    [DTYPE_FLOAT]: 4,
    [DTYPE_INT32]: 4,
    [DTYPE_INT64]: 8,
    [DTYPE_DOUBLE]: 8,
  };
  const elem = size[t.dataType];
  if (elem === undefined) return t; // Kept without values; using it is an error later.
  const claim = (held: number) =>
    new Error(`${name} claims ${count} values (dims ${JSON.stringify(t.dims)}) but holds ${held}`);
  if (raw) {
    if (raw.length !== count * elem) throw claim(Math.floor(raw.length / elem));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (t.dataType === DTYPE_FLOAT || t.dataType === DTYPE_DOUBLE) {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++)
        out[i] = elem === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
      t.floats = out;
    } else {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const v = elem === 4 ? view.getInt32(i * 4, true) : Number(view.getBigInt64(i * 8, true));
        if (!Number.isSafeInteger(v)) throw new Error(`${name} holds an integer out of range`);
        out.push(v);
      }
      t.ints = out;
    }
    return t;
  }
  if (t.dataType === DTYPE_FLOAT) {
    const held = floatParts.reduce((s, p) => s + p.length, 0);
    if (held !== count) throw claim(held);
    const out = new Float32Array(count);
    let off = 0;
    for (const p of floatParts) {
      out.set(p, off);
      off += p.length;
    }
    t.floats = out;
  } else if (t.dataType === DTYPE_DOUBLE) {
    const held = doubles.reduce((s, p) => s + Math.floor(p.length / 8), 0);
    if (held !== count) throw claim(held);
    const out = new Float32Array(count);
    let off = 0;
    for (const p of doubles) {
      const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
      for (let i = 0; i + 8 <= p.length; i += 8) out[off++] = view.getFloat64(i, true);
    }
    t.floats = out;
  } else {
    if (intParts.length !== count) throw claim(intParts.length);
    t.ints = intParts;
  }
  return t;
}

function decodeAttribute(r: ProtoReader, what: string): OnnxAttribute {
  const a: OnnxAttribute = { name: '' };
  for (const f of r.fields()) {
    if (f.field === 1) a.name = readString(f, what);
    else if (f.field === 2) a.f = readFloats(f, what)[0];
    else if (f.field === 3) a.i = f.int;
    else if (f.field === 4) a.s = readString(f, what);
    else if (f.field === 5) a.t = decodeTensor(readMessage(f, what), `${what} tensor`);
    else if (f.field === 7) a.floats = [...(a.floats ?? []), ...readFloats(f, what)];
    else if (f.field === 8) a.ints = [...(a.ints ?? []), ...readInts(f, what)];
  }
  return a;
}

function decodeValueInfo(r: ProtoReader, what: string): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0 };
  for (const f of r.fields()) {
    if (f.field === 1) v.name = readString(f, what);
    else if (f.field === 2) {
      for (const tf of readMessage(f, what).fields()) {
        if (tf.field !== 1) continue; // only tensor types
        for (const tt of readMessage(tf, what).fields()) {
          if (tt.field === 1) v.elemType = tt.int;
          else if (tt.field === 2) {
            v.dims = [];
            for (const d of readMessage(tt, what).fields()) {
              if (d.field !== 1) continue;
              let dim: number | string = '?';
              for (const df of readMessage(d, what).fields()) {
                if (df.field === 1) dim = df.int;
                else if (df.field === 2) dim = readString(df, what);
              }
              v.dims.push(dim);
            }
          }
        }
      }
    }
  }
  return v;
}

function decodeNode(r: ProtoReader, what: string): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  for (const f of r.fields()) {
    if (f.field === 1) n.inputs.push(readString(f, what));
    else if (f.field === 2) n.outputs.push(readString(f, what));
    else if (f.field === 3) n.name = readString(f, what);
    else if (f.field === 4) n.opType = readString(f, what);
    else if (f.field === 5) n.attributes.push(decodeAttribute(readMessage(f, what), what));
    else if (f.field === 7) n.domain = readString(f, what);
  }
  return n;
}

function decodeGraph(r: ProtoReader): OnnxGraph {
  const what = 'ONNX graph';
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  for (const f of r.fields()) {
    if (f.field === 1) g.nodes.push(decodeNode(readMessage(f, what), 'ONNX node'));
    else if (f.field === 2) g.name = readString(f, what);
    else if (f.field === 5)
      g.initializers.push(decodeTensor(readMessage(f, what), 'ONNX initializer'));
    else if (f.field === 11) g.inputs.push(decodeValueInfo(readMessage(f, what), 'ONNX input'));
    else if (f.field === 12) g.outputs.push(decodeValueInfo(readMessage(f, what), 'ONNX output'));
    else if (f.field === 15)
      throw new Error('ONNX graph has sparse initializers, which are not supported');
  }
  return g;
}

/** Decodes an ONNX model file. Throws one-line errors for anything malformed. */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const what = 'ONNX model';
  if (bytes.length === 0) throw new Error('ONNX model is empty');
  const m: OnnxModel = {
    irVersion: 0,
    producerName: '',
    producerVersion: '',
    docString: '',
    opsetImports: [],
    metadata: [],
    graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] },
  };
  let hasGraph = false;
  for (const f of new ProtoReader(bytes, what).fields()) {
    if (f.field === 1) m.irVersion = f.int;
    else if (f.field === 2) m.producerName = readString(f, what);
    else if (f.field === 3) m.producerVersion = readString(f, what);
    else if (f.field === 6) m.docString = readString(f, what);
    else if (f.field === 7) {
      m.graph = decodeGraph(readMessage(f, what));
      hasGraph = true;
    } else if (f.field === 8) {
      const o = { domain: '', version: 0 };
      for (const of of readMessage(f, what).fields()) {
        if (of.field === 1) o.domain = readString(of, what);
        else if (of.field === 2) o.version = of.int;
      }
      m.opsetImports.push(o);
    } else if (f.field === 14) {
      const e = { key: '', value: '' };
      for (const ef of readMessage(f, what).fields()) {
        if (ef.field === 1) e.key = readString(ef, what);
        else if (ef.field === 2) e.value = readString(ef, what);
      }
      m.metadata.push(e);
    }
  }
  if (!hasGraph || m.irVersion < 1) throw new Error('not an ONNX model (no IR version or graph)');
  return m;
}
