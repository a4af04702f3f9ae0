/**
 * A small seeded mutator for binary files: from real seed files it makes damaged variants
 * (truncations, bit flips, inserted and deleted bytes, size fields set to extremes, random
 * bytes, splices of two seeds). Every choice draws from one seeded generator, so an input is
 * reproduced from its seed alone; each step is also written down in words for the report.
 */
import type { Random } from '../src/random/prng.js';

/** A length or count field inside a seed: where it is and how it is stored. */
export interface SizeField {
  offset: number;
  /** 2 or 4 bytes. */
  width: 2 | 4;
  littleEndian: boolean;
}

export interface ByteSeed {
  bytes: Uint8Array;
  /** The seed's size fields (IDX dimensions, PNG widths and chunk lengths, ...). */
  sizeFields: SizeField[];
}

export interface Mutant<T> {
  input: T;
  /** The steps that made it, e.g. `seed 2, truncate to 40 bytes, flip bit 3 of byte 17`. */
  steps: string[];
}

/** The extremes a size field is set to; 65535 and 32767 are the 16-bit versions. */
const EXTREMES = [0, 1, 2 ** 31 - 1, 2 ** 32 - 1, 0xffff, 0x7fff, 2 ** 31, 2];

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

function randomBytes(rng: Random, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function writeField(bytes: Uint8Array, f: SizeField, value: number): void {
  if (f.offset + f.width > bytes.length) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (f.width === 2) view.setUint16(f.offset, value & 0xffff, f.littleEndian);
  else view.setUint32(f.offset, value >>> 0, f.littleEndian);
}

type Step = (rng: Random, b: Uint8Array, seeds: ByteSeed[], seed: ByteSeed) => [Uint8Array, string];

/** One damage each, weighted by how often it appears in the list. */
const STEPS: Step[] = [
  (rng, b) => {
    const n = rng.int(b.length + 1);
    return [b.slice(0, n), `truncate to ${n} bytes`];
  },
  (rng, b) => {
    if (b.length === 0) return [b, 'flip nothing (empty)'];
    const out = b.slice();
    const at = rng.int(out.length);
    const bit = rng.int(8);
    out[at] ^= 1 << bit;
    return [out, `flip bit ${bit} of byte ${at}`];
  },
  (rng, b) => {
    const out = b.slice();
    const flips = 1 + rng.int(16);
    for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return [out, `flip ${flips} random bits`];
  },
  (rng, b) => {
    const at = rng.int(b.length + 1);
    const n = 1 + rng.int(rng.int(2) === 0 ? 4 : 64);
    return [
      concat(b.subarray(0, at), randomBytes(rng, n), b.subarray(at)),
      `insert ${n} random bytes at ${at}`,
    ];
  },
  (rng, b) => {
    const at = rng.int(b.length + 1);
    const n = 1 + rng.int(rng.int(2) === 0 ? 4 : 64);
    return [concat(b.subarray(0, at), b.subarray(at + n)), `delete ${n} bytes at ${at}`];
  },
  (rng, b, _seeds, seed) => {
    const out = b.slice();
    const fields = seed.sizeFields.filter((f) => f.offset + f.width <= out.length);
    const f =
      fields.length > 0 && rng.int(4) !== 0
        ? fields[rng.int(fields.length)]
        : {
            offset: rng.int(Math.max(out.length - 3, 1)),
            width: 4 as const,
            littleEndian: rng.int(2) === 0,
          };
    const value = rng.int(4) === 0 ? rng.nextUint32() : EXTREMES[rng.int(EXTREMES.length)];
    writeField(out, f, value);
    return [
      out,
      `set the ${f.width * 8}-bit ${f.littleEndian ? 'LE' : 'BE'} field at ${f.offset} to ${value >>> 0}`,
    ];
  },
  (rng, b) => {
    const out = b.slice();
    if (out.length === 0) return [out, 'overwrite nothing (empty)'];
    const at = rng.int(out.length);
    out[at] = INTERESTING_BYTES[rng.int(INTERESTING_BYTES.length)];
    return [out, `set byte ${at} to ${out[at]}`];
  },
  (rng, b) => {
    if (b.length === 0) return [b, 'repeat nothing (empty)'];
    const from = rng.int(b.length);
    const n = 1 + rng.int(Math.min(b.length - from, 256));
    const at = rng.int(b.length + 1);
    return [
      concat(b.subarray(0, at), b.subarray(from, from + n), b.subarray(at)),
      `copy ${n} bytes from ${from} to ${at}`,
    ];
  },
  (rng, b, seeds) => {
    const other = rng.int(seeds.length);
    const tail = seeds[other].bytes;
    const cutA = rng.int(b.length + 1);
    const cutB = rng.int(tail.length + 1);
    return [
      concat(b.subarray(0, cutA), tail.subarray(cutB)),
      `splice at ${cutA} with seed ${other} from ${cutB}`,
    ];
  },
];

/** Mutates one of `seeds` by 1 to 4 stacked steps; rarely, the input is random bytes instead. */
export function mutateBytes(rng: Random, seeds: ByteSeed[]): Mutant<Uint8Array> {
  if (rng.int(50) === 0) {
    const n = rng.int(512);
    return { input: randomBytes(rng, n), steps: [`${n} random bytes`] };
  }
  const which = rng.int(seeds.length);
  const seed = seeds[which];
  // A plain copy: seeds may be Buffers, whose slice() is a view that would damage the seed itself.
  let bytes: Uint8Array = new Uint8Array(seed.bytes);
  const steps = [`seed ${which}`];
  const count = 1 + rng.int(rng.int(2) === 0 ? 1 : 4);
  for (let i = 0; i < count; i++) {
    const [out, what] = STEPS[rng.int(STEPS.length)](rng, bytes, seeds, seed);
    bytes = out;
    steps.push(what);
  }
  return { input: bytes, steps };
}
