/**
 * Checks and lookups on a decoded ONNX graph before it is read as layers: every value is
 * produced once, every node input exists (no dangling inputs), the nodes have an order (no
 * cycles); constants come from initializers and `Constant` nodes; shape vectors are computed
 * through the `Shape`/`Gather`/`Unsqueeze`/`Concat` chain PyTorch writes for `x.size(0)`.
 */
import {
  DTYPE_FLOAT,
  DTYPE_INT64,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from './onnxProto.js';

export const nodeLabel = (n: OnnxNode) =>
  `ONNX node '${n.name || n.outputs[0] || '?'}' (${n.opType})`;

export class CheckedGraph {
  /** The node producing each value. */
  readonly producer = new Map<string, OnnxNode>();
  /** The nodes reading each value, in graph order. */
  readonly consumers = new Map<string, OnnxNode[]>();
  readonly constants = new Map<string, OnnxTensor>();
  readonly outputs: Set<string>;
  /** Per-sample dims of values on the data path, set by the importer as it walks. */
  readonly dataDims = new Map<string, (number | 'N')[]>();
  private readonly shapes = new Map<string, (number | 'N')[] | undefined>();

  constructor(readonly graph: OnnxGraph) {
    const known = new Set<string>();
    for (const t of graph.initializers) {
      known.add(t.name);
      this.constants.set(t.name, t);
    }
    for (const v of graph.inputs) known.add(v.name);
    for (const n of graph.nodes) {
      for (const o of n.outputs) {
        if (o === '') continue;
        if (this.producer.has(o) || (known.has(o) && !this.constants.has(o)))
          throw new Error(`${nodeLabel(n)} writes ${o}, which another node or input also writes`);
        this.producer.set(o, n);
      }
    }
    for (const n of graph.nodes) {
      for (const i of n.inputs) {
        if (i === '') continue;
        if (!known.has(i) && !this.producer.has(i))
          throw new Error(
            `${nodeLabel(n)} reads ${i}, which no node, input or initializer provides`,
          );
        const list = this.consumers.get(i) ?? [];
        list.push(n);
        this.consumers.set(i, list);
      }
    }
    this.checkAcyclic();
    for (const n of graph.nodes)
      if (n.opType === 'Constant' && n.domain === '') this.addConstant(n);
    this.outputs = new Set(graph.outputs.map((o) => o.name));
    for (const o of this.outputs)
      if (!known.has(o) && !this.producer.has(o))
        throw new Error(`ONNX graph output ${o} is not produced by any node`);
  }

  /** Kahn's algorithm: a node runs once all its inputs exist; nodes left over form a cycle. */
  private checkAcyclic(): void {
    const waiting = new Map<OnnxNode, number>();
    const ready: OnnxNode[] = [];
    for (const n of this.graph.nodes) {
      const pending = n.inputs.filter((i) => i !== '' && this.producer.has(i)).length;
      waiting.set(n, pending);
      if (pending === 0) ready.push(n);
    }
    let done = 0;
    while (ready.length > 0) {
      const n = ready.pop()!;
      done++;
      for (const o of n.outputs)
        for (const c of this.consumers.get(o) ?? []) {
          // A node reading the same value twice waits for it twice.
          const left = waiting.get(c)! - 1;
          waiting.set(c, left);
          if (left === 0) ready.push(c);
        }
    }
    if (done < this.graph.nodes.length) {
      const stuck = this.graph.nodes.find((n) => waiting.get(n)! > 0)!;
      throw new Error(`ONNX graph has a cycle through ${nodeLabel(stuck)}`);
    }
  }

  private addConstant(n: OnnxNode): void {
    const a = n.attributes[0] as OnnxAttribute | undefined;
    const name = n.outputs[0];
    let t: OnnxTensor | undefined;
    if (a?.name === 'value' && a.t) t = { ...a.t, name };
    else if (a?.name === 'value_float' && a.f !== undefined)
      t = { name, dims: [], dataType: DTYPE_FLOAT, floats: Float32Array.of(a.f) };
    else if (a?.name === 'value_floats' && a.floats)
      t = {
        name,
        dims: [a.floats.length],
        dataType: DTYPE_FLOAT,
        floats: Float32Array.from(a.floats),
      };
    else if (a?.name === 'value_int' && a.i !== undefined)
      t = { name, dims: [], dataType: DTYPE_INT64, ints: [a.i] };
    else if (a?.name === 'value_ints' && a.ints)
      t = { name, dims: [a.ints.length], dataType: DTYPE_INT64, ints: a.ints };
    if (!t) throw new Error(`${nodeLabel(n)} has no value this library reads`);
    this.constants.set(name, t);
  }

  /** The nodes reading `value`, leaving out `Shape` nodes (they only look at its dims). */
  dataConsumers(value: string): OnnxNode[] {
    return (this.consumers.get(value) ?? []).filter((n) => n.opType !== 'Shape');
  }

  /** A shape vector: a constant, or computed from `Shape` of a data value; undefined if neither. */
  shapeOf(value: string): (number | 'N')[] | undefined {
    if (this.shapes.has(value)) return this.shapes.get(value);
    this.shapes.set(value, undefined); // guards against revisiting
    const result = this.computeShape(value);
    this.shapes.set(value, result);
    return result;
  }

  private computeShape(value: string): (number | 'N')[] | undefined {
    const c = this.constants.get(value);
    if (c) return c.ints ?? (c.floats ? undefined : undefined);
    const n = this.producer.get(value);
    if (!n) return undefined;
    const input = (i: number) => (n.inputs[i] ? this.shapeOf(n.inputs[i]) : undefined);
    const attr = (name: string) => n.attributes.find((a) => a.name === name);
    switch (n.opType) {
      case 'Shape': {
        const dims = this.dataDims.get(n.inputs[0]);
        if (!dims) return undefined;
        const rank = dims.length;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
        return dims.slice(clamp(attr('start')?.i ?? 0), clamp(attr('end')?.i ?? rank));
      }
      case 'Gather': {
        const data = input(0);
        const indices = this.constants.get(n.inputs[1]);
        if (!data || !indices?.ints || (attr('axis')?.i ?? 0) !== 0) return undefined;
        const picked = indices.ints.map((i) => data[i < 0 ? i + data.length : i]);
        return picked.some((v) => v === undefined) ? undefined : picked;
      }
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Cast':
      case 'Identity':
        // On the 0-D or 1-D vectors of a shape computation these keep the values.
        return input(0);
      case 'Concat': {
        if ((attr('axis')?.i ?? 0) !== 0) return undefined;
        const parts = n.inputs.map((i) => this.shapeOf(i));
        return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
      }
      default:
        return undefined;
    }
  }
}
