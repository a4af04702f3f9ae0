/**
 * Reads an ONNX graph as a chain of layers: from the one image input to the logits (optionally
 * followed by `Softmax`/`LogSoftmax`), each node one that a layer mapping (src/onnx/layers/)
 * reads, or one of the structural nodes handled here: scalar `Mul`/`Add`/`Sub`/`Div` on the
 * input (its scaling), `Transpose` between NCHW and NHWC, `Identity`, a `Pad` of zeros. It keeps
 * track of the ONNX layout and, after an NCHW flatten, of the order of the flat values. Anything
 * else fails with one line naming the node, its op and what the library cannot express.
 */
import type { LayerSpec } from '../model/spec.js';
import { MAX_BUFFER_VALUES } from '../model/specSize.js';
import { type Shape, sizeOf } from '../tensor/tensor.js';
import { mappingsForOp } from './layerMappings.js';
import { type ImportContext, isDeclined, type OnnxLayout } from './mapping.js';
import { type CheckedGraph, nodeLabel } from './onnxGraph.js';
import type { OnnxNode, OnnxTensor } from './onnxProto.js';

export interface Walked {
  layers: LayerSpec[];
  weights: (Record<string, Float32Array> | undefined)[];
  /** The library's [H, W, C] input shape. */
  inputShape: [number, number, number];
  shape: Shape;
  scale: number;
  offset: number;
  scaled: boolean;
  outputActivation?: 'Softmax' | 'LogSoftmax';
}

function attribute(node: OnnxNode, name: string) {
  return node.attributes.find((a) => a.name === name);
}

/** Scalar constant of a Mul/Add/Sub/Div with the data value, or undefined. */
function scalarOperand(
  g: CheckedGraph,
  node: OnnxNode,
  data: string,
): { value: number; first: boolean } | undefined {
  if (node.inputs.length !== 2) return undefined;
  const first = node.inputs[1] === data;
  const c = g.constants.get(node.inputs[first ? 0 : 1]);
  if (c?.floats?.length !== 1 || node.inputs[first ? 1 : 0] !== data) return undefined;
  return { value: c.floats[0], first };
}

/** Walks the chain from `input` (its per-image dims) to the output. */
export function walk(g: CheckedGraph, input: { name: string; dims: number[] }): Walked {
  const w: Walked = {
    layers: [],
    weights: [],
    inputShape: [1, 1, 1],
    shape: [],
    scale: 1,
    offset: 0,
    scaled: false,
  };
  let cur = input.name;
  let layout: OnnxLayout | 'input' = 'input';
  let flatOrder: Int32Array | null = null;
  const [d1, d2, d3] = input.dims;
  const setDims = () => {
    const s = w.shape;
    g.dataDims.set(
      cur,
      layout === 'flat'
        ? ['N', s.reduce((a, b) => a * b, 1)]
        : layout === 'nhwc'
          ? ['N', ...s]
          : s.length === 3
            ? ['N', s[2], s[0], s[1]]
            : ['N', s[0], 1, 1],
    );
  };
  g.dataDims.set(cur, ['N', d1, d2, d3]);

  for (let steps = 0; ; steps++) {
    if (steps > g.graph.nodes.length) throw new Error('ONNX graph could not be read as a chain');
    const consumers = g.dataConsumers(cur);
    if (g.outputs.has(cur)) {
      // The end: the logits, perhaps followed by a softmax that is the other output.
      const extra = consumers.filter(
        (n) => !(['Softmax', 'LogSoftmax'].includes(n.opType) && g.outputs.has(n.outputs[0])),
      );
      if (extra.length > 0)
        throw new Error(
          `ONNX graph output ${cur} is also read by ${nodeLabel(extra[0])}: the library ends at the logits`,
        );
      if (consumers.length > 0) w.outputActivation = consumers[0].opType as 'Softmax';
      break;
    }
    if (consumers.length === 0) throw new Error(`ONNX value ${cur} leads to no graph output`);
    if (consumers.length > 1)
      throw new Error(
        `ONNX value ${cur} feeds ${consumers.length} nodes (${consumers.map((n) => n.opType).join(', ')}): the library expresses a chain of layers, not branches`,
      );
    const node = consumers[0];
    const fail: (why: string) => never = (why) => {
      throw new Error(`${nodeLabel(node)}: ${why}`);
    };
    if (node.domain !== '' && node.domain !== 'ai.onnx')
      fail(`op domain ${node.domain} is not supported (only the standard ONNX ops)`);
    if (node.inputs[0] !== cur && !['Mul', 'Add'].includes(node.opType))
      fail(`reads ${cur} as input ${node.inputs.indexOf(cur) + 1}, not as its data input`);
    const op = node.opType;

    // Scalar arithmetic before the first layer is the input scaling.
    if (['Mul', 'Add', 'Sub', 'Div'].includes(op) && w.layers.length === 0 && layout !== 'flat') {
      const s = scalarOperand(g, node, cur);
      if (!s)
        fail(
          'only scalar constants can scale the input (the library scales pixels by one scale and one offset)',
        );
      if (s.first && (op === 'Sub' || op === 'Div'))
        fail('the constant comes first (the library computes x * scale + offset)');
      const v = s.value;
      if (op === 'Mul') [w.scale, w.offset] = [w.scale * v, w.offset * v];
      else if (op === 'Div') [w.scale, w.offset] = [w.scale / v, w.offset / v];
      else w.offset += op === 'Add' ? v : -v;
      w.scaled = true;
      cur = node.outputs[0];
      g.dataDims.set(cur, g.dataDims.get(node.inputs[s.first ? 1 : 0])!);
      continue;
    }
    if (layout === 'input') {
      // The first real node says whether the input is NHWC (a Transpose to NCHW) or NCHW.
      const perm = op === 'Transpose' ? attribute(node, 'perm')?.ints : undefined;
      if (perm && perm.join() === '0,3,1,2') {
        w.inputShape = [d1, d2, d3];
        w.shape = w.inputShape;
        layout = 'nchw';
        cur = node.outputs[0];
        setDims();
        continue;
      }
      w.inputShape = [d2, d3, d1];
      w.shape = w.inputShape;
      layout = 'nchw';
      setDims();
    }
    if (op === 'Transpose') {
      const perm = attribute(node, 'perm')?.ints?.join();
      if (layout === 'nchw' && w.shape.length === 3 && perm === '0,2,3,1') layout = 'nhwc';
      else if (layout === 'nhwc' && perm === '0,3,1,2') layout = 'nchw';
      else fail(`perm [${perm}] (the library only moves between NCHW and NHWC)`);
      cur = node.outputs[0];
      setDims();
      continue;
    }
    if (op === 'Identity' || op === 'Pad') {
      if (op === 'Pad') {
        const pads = node.inputs[1]
          ? g.constants.get(node.inputs[1])?.ints
          : attribute(node, 'pads')?.ints;
        if (!pads) fail('pads that are not a constant');
        if (pads.some((p) => p !== 0))
          fail(`pads ${JSON.stringify(pads)}: the library pads only inside conv2d`);
      }
      cur = node.outputs[0];
      setDims();
      continue;
    }
    if (op === 'Softmax' || op === 'LogSoftmax') {
      const out = node.outputs[0];
      if (!g.outputs.has(out) || g.dataConsumers(out).length > 0 || g.outputs.size > 1)
        fail('a softmax that is not the last node (the library ends with the logits)');
      const axis = attribute(node, 'axis')?.i ?? -1;
      if (layout !== 'flat' || (axis !== 1 && axis !== -1))
        fail(`axis ${axis} on a value that is not [N, classes]`);
      w.outputActivation = op;
      break;
    }

    const mappings = mappingsForOp(op);
    if (mappings.length === 0) fail('the library has no layer for this op');
    // Mappings size tables by their input (a flatten's reordering): bound it first.
    if (sizeOf(w.shape) > MAX_BUFFER_VALUES)
      fail(`its input of [${w.shape.join(', ')}] is more than ${MAX_BUFFER_VALUES} values`);
    const ctx = importContext(g, node, w.shape, layout, flatOrder, fail);
    const reasons: string[] = [];
    let taken = false;
    for (const m of mappings) {
      const r = m.import(ctx);
      if (isDeclined(r)) {
        reasons.push(r.declined);
        continue;
      }
      // A window larger than its (padded) input leaves nothing: refuse it here, for every op,
      // before a later layer sizes a buffer by it.
      if (!r.outputShape.every((d) => Number.isInteger(d) && d >= 1))
        fail(
          `its output would be [${r.outputShape.join(', ')}] from an input of [${w.shape.join(', ')}] (the window does not fit)`,
        );
      if (r.spec) {
        w.layers.push(r.spec);
        w.weights.push(r.weights);
      }
      const newLayout: OnnxLayout = r.layout ?? (layout as OnnxLayout);
      flatOrder = r.flatOrder !== undefined ? r.flatOrder : newLayout === layout ? flatOrder : null;
      layout = newLayout;
      w.shape = r.outputShape;
      const last = r.consumed?.length ? r.consumed[r.consumed.length - 1] : node;
      cur = last.outputs[0];
      setDims();
      taken = true;
      break;
    }
    if (!taken) fail(`the library cannot express ${reasons.join('; ')}`);
  }
  if (w.layers.length === 0) throw new Error('ONNX graph has no layers the library reads');
  if (w.shape.length !== 1 || layout !== 'flat')
    throw new Error('ONNX graph output is not a vector of logits per image');
  if (flatOrder)
    throw new Error('ONNX graph output is flattened in NCHW order with no dense layer after it');
  return w;
}

function importContext(
  g: CheckedGraph,
  node: OnnxNode,
  shape: Shape,
  layout: OnnxLayout,
  flatOrder: Int32Array | null,
  fail: (why: string) => never,
): ImportContext {
  const attr = (name: string) => attribute(node, name);
  const constant = (i: number): OnnxTensor | undefined =>
    node.inputs[i] ? g.constants.get(node.inputs[i]) : undefined;
  return {
    node,
    shape,
    layout,
    flatOrder,
    constant,
    constantNamed: (name) => g.constants.get(name),
    shapeInput: (i) => (node.inputs[i] ? g.shapeOf(node.inputs[i]) : undefined),
    floats(i, what, count) {
      const t = constant(i);
      if (!t) fail(`${what} is not a constant`);
      if (!t.floats) fail(`${what} is not a float tensor`);
      if (count !== undefined && t.floats.length !== count)
        fail(`${what} has ${t.floats.length} values, expected ${count}`);
      return t.floats;
    },
    attrInt: (name, fallback) => attr(name)?.i ?? fallback,
    attrInts: (name, fallback) => attr(name)?.ints ?? fallback,
    attrFloat: (name, fallback) => attr(name)?.f ?? fallback,
    attrString: (name, fallback) => attr(name)?.s ?? fallback,
    soleConsumer(value) {
      if (g.outputs.has(value)) return undefined;
      const readers = g.consumers.get(value) ?? [];
      return readers.length === 1 ? readers[0] : undefined;
    },
    fail,
  };
}

/** The one real graph input (old exporters also list initializers as inputs). */
export function graphInput(g: CheckedGraph): { name: string; dims: number[] } {
  const real = g.graph.inputs.filter((v) => !g.constants.has(v.name));
  if (real.length !== 1)
    throw new Error(
      `ONNX graph has ${real.length} inputs; the library reads models with one image input`,
    );
  const v = real[0];
  if (v.elemType !== 0 && v.elemType !== 1)
    throw new Error(`ONNX input ${v.name} is not float32 (element type ${v.elemType})`);
  const dims = v.dims;
  if (dims?.length !== 4)
    throw new Error(`ONNX input ${v.name} is not 4-D [N, C, H, W] or [N, H, W, C]`);
  const rest = dims.slice(1);
  if (
    !rest.every(
      (d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 1 << 14,
    )
  )
    throw new Error(
      `ONNX input ${v.name} needs fixed image dimensions, got ${JSON.stringify(dims)}`,
    );
  return { name: v.name, dims: rest };
}
