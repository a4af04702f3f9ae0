/**
 * The kernels module declares an ordinary imported memory; a shared memory (the parallel
 * trainer's arena, src/tensor/arena.ts) can only be imported by a module that declares its
 * import shared, with a maximum. Rather than embed a third and fourth build, this rewrites the
 * one memory import of a module's bytes: limits flag 0x03 (shared, with a maximum), its minimum,
 * and `maximumPages`. Only the import section changes; the code is the same.
 * (Binary format: https://webassembly.github.io/spec/core/binary/modules.html#import-section)
 */

const IMPORT_SECTION = 2;
const KIND_FUNCTION = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;
const LIMITS_SHARED_WITH_MAX = 3;

function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('truncated module');
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/** Skips a limits record (flag, min, [max]) at `at`. */
function skipLimits(bytes: Uint8Array, at: number): number {
  const flag = bytes[at++];
  let next = readU32(bytes, at)[1];
  if (flag & 1) next = readU32(bytes, next)[1];
  return next;
}

/** The module `bytes` with its memory import declared shared, of at most `maximumPages` pages. */
export function withSharedMemoryImport(
  bytes: Uint8Array<ArrayBuffer>,
  maximumPages: number,
): Uint8Array<ArrayBuffer> {
  const out: number[] = Array.from(bytes.subarray(0, 8)); // magic and version
  let at = 8;
  let found = false;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, bodyStart] = readU32(bytes, at + 1);
    const end = bodyStart + size;
    if (id !== IMPORT_SECTION) {
      for (let i = at; i < end; i++) out.push(bytes[i]);
      at = end;
      continue;
    }
    const body: number[] = [];
    let [count, p] = readU32(bytes, bodyStart);
    body.push(...writeU32(count));
    for (; count > 0; count--) {
      const entryStart = p;
      const [moduleLength, afterModule] = readU32(bytes, p);
      const [nameLength, afterName] = readU32(bytes, afterModule + moduleLength);
      p = afterName + nameLength;
      const kind = bytes[p++];
      for (let i = entryStart; i < p; i++) body.push(bytes[i]);
      const descriptorStart = p;
      if (kind === KIND_MEMORY) {
        const minimum = readU32(bytes, p + 1)[0];
        p = skipLimits(bytes, p);
        body.push(LIMITS_SHARED_WITH_MAX, ...writeU32(minimum), ...writeU32(maximumPages));
        found = true;
        continue;
      }
      if (kind === KIND_FUNCTION) p = readU32(bytes, p)[1];
      else if (kind === KIND_TABLE) p = skipLimits(bytes, p + 1);
      else if (kind === KIND_GLOBAL) p += 2;
      else throw new Error(`unknown import kind ${kind}`);
      for (let i = descriptorStart; i < p; i++) body.push(bytes[i]);
    }
    out.push(IMPORT_SECTION, ...writeU32(body.length), ...body);
    at = end;
  }
  if (!found) throw new Error('the module imports no memory');
  return new Uint8Array(out);
}
