/**
 * Reads an ONNX model into a library model: decodes the file, checks the graph (onnxGraph.ts),
 * reads it as a chain of layers (onnxChain.ts), builds the model and fills in its weights.
 *
 * Input scaling: the library's model records how stored pixel bytes b become inputs
 * (b * scale + offset). A graph that starts with scalar Mul/Add nodes (as exported here) carries
 * its scaling; for a graph that takes already-scaled values (as PyTorch models usually do) the
 * caller must say which scaling its training used, so that no model is used with the wrong one.
 */
import type { ModelMetadata } from '../model/modelFile.js';
import { Sequential } from '../model/sequential.js';
import { type ModelSpec, validateModelSpec } from '../model/spec.js';
import { MAX_BUFFER_VALUES, specSize } from '../model/specSize.js';
import { META, ONNX_OPSET } from './exportOnnx.js';
import { graphInput, walk } from './onnxChain.js';
import { CheckedGraph } from './onnxGraph.js';
import { decodeOnnxModel } from './onnxProto.js';

/** How to read an ONNX model whose graph does not carry its input scaling. */
export interface ImportOnnxOptions {
  /** The input scaling, for a graph that does not start with one: stored byte b -> b * scale + offset. */
  scale?: number;
  /** Added after scaling (see `scale`). */
  offset?: number;
}

/** An ONNX model read into a library model, with what the file said about it. */
export interface ImportedOnnx {
  /** The model, with the graph's weights. */
  model: Sequential;
  /** Facts for the model file: source, producer, ONNX metadata, the output activation dropped. */
  metadata: ModelMetadata;
  /** Class names from the ONNX metadata, if it has them. */
  classNames?: string[];
  /** `Softmax` or `LogSoftmax` if the graph ended with one (the library's model outputs logits). */
  outputActivation?: 'Softmax' | 'LogSoftmax';
}

const OLDEST_OPSET = 9;
const NEWEST_OPSET = 21;

function metadataMap(entries: { key: string; value: string }[]): Map<string, string> {
  return new Map(entries.map((e) => [e.key, e.value]));
}

/** Exact decimal scaling from this library's metadata, when it agrees with the graph's float32 constants. */
function exactScaling(meta: Map<string, string>, scale: number, offset: number): [number, number] {
  const s = Number(meta.get(META.scale));
  const o = Number(meta.get(META.offset));
  if (
    Number.isFinite(s) &&
    Number.isFinite(o) &&
    Math.fround(s) === Math.fround(scale) &&
    Math.abs(Math.fround(o) - offset) <= 1e-6 * Math.max(1, Math.abs(o))
  )
    return [s, o];
  return [scale, offset];
}

/**
 * The library's own spec, recorded by its exporter, when it describes the same weights: it keeps
 * what ONNX has no place for (dropout, pooling tie rule, initialisers, batch norm momentum).
 */
function recordedSpec(meta: Map<string, string>, imported: ModelSpec): ModelSpec | undefined {
  const text = meta.get(META.spec);
  if (!text) return undefined;
  let spec: ModelSpec;
  try {
    spec = validateModelSpec(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (spec.input.shape.join() !== imported.input.shape.join()) return undefined;
  // Layer types apart from the ones export omits or adds must agree; tensor shapes are checked
  // when the weights move over.
  const core = (s: ModelSpec) =>
    s.layers
      .filter((l) => l.type !== 'dropout' && l.type !== 'flatten')
      .map((l) => l.type)
      .join();
  return core(spec) === core(imported) ? spec : undefined;
}

function tensorsOf(model: Sequential) {
  return model.layers.flatMap((l) => [...l.params(), ...(l.stateTensors?.() ?? [])]);
}

/** Names in a file may hold any characters: show control characters escaped so errors stay one line. */
function oneLine(message: string): string {
  let out = '';
  for (const c of message) {
    const code = c.codePointAt(0)!;
    const control =
      code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    out += control ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}

/** Reads ONNX model bytes into a library model. Throws one-line errors. Browser-safe. */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): ImportedOnnx {
  try {
    return importChecked(bytes, options);
  } catch (e) {
    // The cause keeps the original (a TypeError would be a bug here; fuzz/readers.ts looks).
    throw new Error(oneLine((e as Error).message), { cause: e });
  }
}

function importChecked(bytes: Uint8Array, options: ImportOnnxOptions): ImportedOnnx {
  const m = decodeOnnxModel(bytes);
  const opset = m.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined) throw new Error('ONNX model imports no standard opset');
  if (opset < OLDEST_OPSET || opset > NEWEST_OPSET)
    throw new Error(
      `ONNX opset ${opset} is not supported (opsets ${OLDEST_OPSET} to ${NEWEST_OPSET}; exports use ${ONNX_OPSET})`,
    );
  const g = new CheckedGraph(m.graph);
  const input = graphInput(g);
  const walked = walk(g, input);
  const meta = metadataMap(m.metadata);
  let scale: number;
  let offset: number;
  if (walked.scaled) {
    if (options.scale !== undefined || options.offset !== undefined)
      throw new Error(
        'the ONNX graph scales its input itself; do not give a scale or offset as well',
      );
    [scale, offset] = exactScaling(meta, walked.scale, walked.offset);
  } else {
    if (options.scale === undefined || options.offset === undefined)
      throw new Error(
        'the ONNX graph takes its input as given: say how stored pixel bytes b become its input, b * scale + offset (e.g. scale 1/255, offset 0)',
      );
    scale = options.scale;
    offset = options.offset;
  }
  const spec: ModelSpec = {
    input: { shape: walked.inputShape, scale, offset },
    layers: walked.layers,
  };
  // Weights come from the file, but buffers are sized by the graph's shapes alone.
  const size = specSize(spec);
  if (size && size.largestBuffer > MAX_BUFFER_VALUES)
    throw new Error(
      `ONNX graph does not build a model: one image needs a buffer of ${size.largestBuffer} values, more than the limit of ${MAX_BUFFER_VALUES}`,
    );
  let model: Sequential;
  try {
    model = new Sequential(spec);
  } catch (e) {
    throw new Error(`ONNX graph does not build a model: ${(e as Error).message}`);
  }
  // Fill in the weights, layer by layer, by name.
  walked.weights.forEach((weights, i) => {
    const layer = model.layers[i];
    const tensors = [...layer.params(), ...(layer.stateTensors?.() ?? [])];
    for (const t of tensors) {
      const v = weights?.[t.name];
      if (!v || v.length !== t.value.length)
        throw new Error(
          `ONNX layer ${i + 1} (${layer.kind}) has no ${t.name} of ${t.value.length} values`,
        );
      for (let j = 0; j < v.length; j++)
        if (!Number.isFinite(v[j]))
          throw new Error(`ONNX layer ${i + 1} (${layer.kind}) ${t.name} holds a non-finite value`);
      t.value.set(v);
    }
  });
  const recorded = recordedSpec(meta, spec);
  if (recorded) {
    const restored = new Sequential({ ...recorded, input: spec.input });
    const from = tensorsOf(model);
    const to = tensorsOf(restored);
    if (
      from.length === to.length &&
      from.every((t, i) => t.name === to[i].name && t.value.length === to[i].value.length)
    ) {
      to.forEach((t, i) => {
        t.value.set(from[i].value);
      });
      model = restored;
    }
  }
  let classNames: string[] | undefined;
  try {
    const c = JSON.parse(meta.get(META.classes) ?? 'null');
    if (Array.isArray(c) && c.length === model.numClasses && c.every((x) => typeof x === 'string'))
      classNames = c;
  } catch {
    classNames = undefined;
  }
  const metadata: ModelMetadata = {
    importedFrom: 'onnx',
    onnxProducer: `${m.producerName} ${m.producerVersion}`.trim(),
    onnxOpset: opset,
  };
  if (meta.size > 0) metadata.onnxMetadata = Object.fromEntries(meta);
  if (classNames) metadata.classNames = classNames;
  if (walked.outputActivation) metadata.onnxOutputActivation = walked.outputActivation;
  return { model, metadata, classNames, outputActivation: walked.outputActivation };
}
