/**
 * A seeded structural mutator for JSON-like values (model specs, model file headers): it picks a
 * node of a real seed value and gives it a wrong type, an extreme or non-finite number, deletes
 * it, adds an unknown key, duplicates or drops list entries, or buries it in deep nesting.
 */
import type { Random } from '../src/random/prng.js';
import type { Mutant } from './mutateBytes.js';

type Json = unknown;
type Container = Record<string, unknown> | unknown[];

/** Numbers at and just past the limits a reader might check, and values that are not numbers. */
const STRANGE: unknown[] = [
  null,
  true,
  false,
  '',
  'x',
  '3',
  [],
  {},
  0,
  -0,
  -1,
  1,
  2,
  0.5,
  1.5,
  -0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  5e-324,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53,
  -(2 ** 31),
  64,
  65,
  4096,
  4097,
  16384,
  16385,
  2 ** 20,
  2 ** 20 + 1,
  1e9,
  undefined,
];

/** A deep copy, without recursion (mutants can be thousands deep). */
function clone(v: Json): Json {
  const out: Record<string, unknown> = {};
  const stack: [Json, Record<string | number, unknown>, string | number][] = [[v, out, 'v']];
  while (stack.length > 0) {
    const [x, into, key] = stack.pop()!;
    if (Array.isArray(x)) {
      const copy: unknown[] = new Array(x.length);
      into[key] = copy;
      x.forEach((y, i) => {
        stack.push([y, copy as unknown as Record<number, unknown>, i]);
      });
    } else if (typeof x === 'object' && x !== null) {
      const copy: Record<string, unknown> = {};
      into[key] = copy;
      for (const [k, y] of Object.entries(x)) {
        copy[k] = undefined; // keeps the key order
        stack.push([y, copy, k]);
      }
    } else into[key] = x;
  }
  return out.v;
}

/** Every (container, key) slot in the value, so a node can be replaced in place. */
function slots(v: Json): [Container, string | number][] {
  const out: [Container, string | number][] = [];
  const stack: Json[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      x.forEach((y, i) => {
        out.push([x, i]);
        stack.push(y);
      });
    } else if (typeof x === 'object' && x !== null) {
      const o = x as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        out.push([o, k]);
        stack.push(o[k]);
      }
    }
  }
  return out;
}

/** Nodes in a value and its depth, counted without recursion (mutants can be thousands deep). */
function measure(v: Json): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [Json, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, d);
    if (typeof x === 'object' && x !== null)
      for (const y of Object.values(x)) stack.push([y, d + 1]);
  }
  return { nodes, depth };
}

/** Mutants stay below this depth so the mutator's own recursion and JSON.stringify cope. */
const MAX_DEPTH = 3000;

function nest(v: unknown, depth: number, asObject: boolean): unknown {
  let out = v;
  for (let i = 0; i < depth; i++) out = asObject ? { type: out } : [out];
  return out;
}

function strange(rng: Random): unknown {
  const v = STRANGE[rng.int(STRANGE.length)];
  return typeof v === 'object' && v !== null ? clone(v) : v;
}

function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** One structural change to `root` (mutated in place); returns its description. */
function mutateOnce(rng: Random, root: { v: Json }, donors: Json[]): string {
  const all = slots(root.v);
  if (all.length === 0 || rng.int(40) === 0) {
    root.v = strange(rng);
    return `replace the whole value by ${show(root.v)}`;
  }
  const [parent, key] = all[rng.int(all.length)];
  const at = `at ${JSON.stringify(key)}`;
  const p = parent as Record<string | number, unknown>;
  switch (rng.int(9)) {
    case 0:
    case 1:
    case 2:
      p[key] = strange(rng);
      return `set ${at} to ${show(p[key])}`;
    case 3: {
      const old = p[key];
      if (typeof old === 'number') {
        const factor = [1e3, 1e6, -1, 0.5, 1 + 2 ** -20][rng.int(5)];
        p[key] = old * factor;
        return `multiply ${at} by ${factor}`;
      }
      p[key] = strange(rng);
      return `set ${at} to ${show(p[key])}`;
    }
    case 4:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
      return `delete ${at}`;
    case 5: {
      if (Array.isArray(parent)) {
        // At most about 20,000 new nodes: bigger mutants only time JSON.parse, not the reader.
        const nodes = measure(parent[key as number]).nodes;
        const n = Math.max(
          1,
          Math.min([1, 2, 100, 10_000][rng.int(4)], Math.floor(20_000 / nodes)),
        );
        const copies = Array.from({ length: n }, () => clone(parent[key as number]));
        parent.splice(key as number, 0, ...copies);
        return `repeat the entry ${at} ${n} more times`;
      }
      p[`unknown${rng.int(10)}`] = strange(rng);
      return `add an unknown key beside ${at}`;
    }
    case 6: {
      const depth = Math.min([3, 100, 2000][rng.int(3)], MAX_DEPTH - measure(root.v).depth);
      const asObject = rng.int(2) === 0;
      p[key] = nest(p[key], depth, asObject);
      return `nest ${at} ${depth} levels deep in ${asObject ? 'objects' : 'arrays'}`;
    }
    case 7: {
      const other = all[rng.int(all.length)];
      p[key] = clone((other[0] as Record<string | number, unknown>)[other[1]]);
      return `copy the value at ${JSON.stringify(other[1])} to ${at}`;
    }
    default: {
      const d = rng.int(donors.length);
      const donorSlots = slots(donors[d]);
      if (donorSlots.length === 0) return 'no donor change';
      const [dp, dk] = donorSlots[rng.int(donorSlots.length)];
      p[key] = clone((dp as Record<string | number, unknown>)[dk]);
      return `splice ${at} with seed ${d}'s ${JSON.stringify(dk)}`;
    }
  }
}

/** Mutates a copy of one of `seeds` (`which`, or one picked at random) by 1 to 4 changes. */
export function mutateJson(
  rng: Random,
  seeds: Json[],
  which = rng.int(seeds.length),
): Mutant<Json> {
  const root = { v: clone(seeds[which]) };
  const steps = [`seed ${which}`];
  const count = 1 + rng.int(rng.int(2) === 0 ? 1 : 4);
  for (let i = 0; i < count; i++) steps.push(mutateOnce(rng, root, seeds));
  return { input: root.v, steps };
}
