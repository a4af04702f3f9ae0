/**
 * Writes a model as ONNX (opset 13, IR version 7): bytes that ONNX Runtime, Netron, the `onnx`
 * checker and PyTorch tools read.
 *
 * The graph takes `pixels`, float32 [N, H, W, C] holding the stored pixel values (0-255 for
 * MNIST) in the library's NHWC layout. The model's input scaling is baked in as `Mul` and `Add`
 * nodes, so a user feeds raw pixels and cannot forget or repeat the scaling; a `Transpose` then
 * gives ONNX's NCHW. Each layer writes its own nodes (src/onnx/layers/). Outputs: `logits`
 * [N, classes], and `probabilities` (a `Softmax`) on request. `metadata_props` holds the model's
 * name, the library version, the scaling, the class names, the training figures and the
 * library's own model spec (which lets an import restore settings ONNX has no place for, such as
 * dropout).
 */
import type { ModelMetadata } from '../model/modelFile.js';
import type { Sequential } from '../model/sequential.js';
import type { Shape } from '../tensor/tensor.js';
import { onnxMappingFor } from './layerMappings.js';
import { type ExportContext, intAttr, intsAttr } from './mapping.js';
import {
  DTYPE_FLOAT,
  DTYPE_INT64,
  encodeOnnxModel,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './onnxProto.js';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

/** metadata_props keys written on export and read back on import. */
export const META = {
  name: 'name',
  library: 'library',
  input: 'input',
  scale: 'input_scale',
  offset: 'input_offset',
  classes: 'classes',
  training: 'training',
  spec: 'cnn_ts_spec',
} as const;

export interface ExportOnnxOptions {
  /** Add a `probabilities` output (softmax of the logits). */
  softmax?: boolean;
  /** The model's name (graph name and `name` metadata). */
  name?: string;
  /** The library version, e.g. "0.1.0" (producer_version). */
  libraryVersion?: string;
  /** One name per class, e.g. the digits or Fashion-MNIST's labels. */
  classNames?: string[];
  /** Training facts (preset, epochs, test accuracy, ...), as stored in the model file. */
  training?: ModelMetadata;
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();

  unique(name: string): string {
    let n = name;
    for (let i = 2; this.used.has(n); i++) n = `${name}_${i}`;
    this.used.add(n);
    return n;
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    const unique = this.unique(name);
    this.initializers.push({
      name: unique,
      dims,
      dataType: DTYPE_FLOAT,
      floats: Float32Array.from(values),
    });
    return unique;
  }

  ints(name: string, values: number[]): string {
    const unique = this.unique(name);
    this.initializers.push({
      name: unique,
      dims: [values.length],
      dataType: DTYPE_INT64,
      ints: values,
    });
    return unique;
  }

  node(name: string, opType: string, inputs: string[], attributes: OnnxAttribute[] = []): string {
    const unique = this.unique(name);
    this.nodes.push({ name: unique, opType, domain: '', inputs, outputs: [unique], attributes });
    return unique;
  }

  context(prefix: string, input: string, inputShape: Shape): ExportContext {
    return {
      input,
      inputShape,
      floats: (name, dims, values) => this.floats(`${prefix}.${name}`, dims, values),
      ints: (name, values) => this.ints(`${prefix}.${name}`, values),
      node: (opType, inputs, attributes) =>
        this.node(`${prefix}.${opType}`, opType, inputs, attributes),
      flattenNhwc: (x) => {
        const nhwc = this.node(
          `${prefix}.Transpose`,
          'Transpose',
          [x],
          [intsAttr('perm', [0, 2, 3, 1])],
        );
        return this.node(`${prefix}.Flatten`, 'Flatten', [nhwc], [intAttr('axis', 1)]);
      },
    };
  }
}

/** The ONNX model of `model` as bytes. Browser-safe: write them with whatever the host offers. */
export function exportOnnx(model: Sequential, options: ExportOnnxOptions = {}): Uint8Array {
  const g = new GraphBuilder();
  const { shape, scale, offset } = model.spec.input;
  const [H, W, C] = shape;
  const pixels = g.unique('pixels');
  const scaled = g.node('input.Mul', 'Mul', [pixels, g.floats('input.scale', [], [scale])]);
  const shifted = g.node('input.Add', 'Add', [scaled, g.floats('input.offset', [], [offset])]);
  let x = g.node('input.Transpose', 'Transpose', [shifted], [intsAttr('perm', [0, 3, 1, 2])]);
  model.layers.forEach((layer, i) => {
    const spec = model.spec.layers[i];
    const ctx = g.context(`${i}.${spec.type}`, x, layer.inputShape);
    x = onnxMappingFor(spec).export(ctx, layer, spec);
  });
  // The last layer's output is the graph's `logits`.
  const last = g.nodes.find((n) => n.outputs[0] === x);
  if (!last) throw new Error('the model has no layer that writes its output');
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === x ? 'logits' : i));
  last.outputs = ['logits'];
  const classes = model.numClasses;
  const outputs = [{ name: 'logits', elemType: DTYPE_FLOAT, dims: ['N', classes] }];
  if (options.softmax) {
    g.nodes.push({
      name: 'probabilities.Softmax',
      opType: 'Softmax',
      domain: '',
      inputs: ['logits'],
      outputs: ['probabilities'],
      attributes: [intAttr('axis', 1)],
    });
    outputs.push({ name: 'probabilities', elemType: DTYPE_FLOAT, dims: ['N', classes] });
  }
  const name = options.name ?? 'cnn-ts model';
  const metadata: { key: string; value: string }[] = [
    { key: META.name, value: name },
    { key: META.library, value: `cnn-ts ${options.libraryVersion ?? ''}`.trim() },
    {
      key: META.input,
      value: `pixels: float32 [N, ${H}, ${W}, ${C}] (NHWC) holding stored pixel values; the graph computes pixels * ${scale} + ${offset}`,
    },
    { key: META.scale, value: String(scale) },
    { key: META.offset, value: String(offset) },
  ];
  if (options.classNames)
    metadata.push({ key: META.classes, value: JSON.stringify(options.classNames) });
  if (options.training)
    metadata.push({ key: META.training, value: JSON.stringify(options.training) });
  metadata.push({ key: META.spec, value: JSON.stringify(model.spec) });
  return encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    producerName: 'cnn-ts',
    producerVersion: options.libraryVersion ?? '',
    docString: `${name}: ${model.layers.map((l) => l.kind).join(' -> ')}`,
    opsetImports: [{ domain: '', version: ONNX_OPSET }],
    metadata,
    graph: {
      name,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: pixels, elemType: DTYPE_FLOAT, dims: ['N', H, W, C] }],
      outputs,
    },
  });
}
