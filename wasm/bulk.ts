/**
 * Zeroing and copying byte ranges of the arena (src/kernels/bulk.ts): `memory.fill` and
 * `memory.copy`, which run at memset/memmove speed whether or not the memory is shared between
 * threads, where the TypeScript side's TypedArray fill/copyWithin/set copy a word at a time.
 */

// @ts-nocheck: AssemblyScript types (usize) are not TypeScript's.

/** Zeroes `bytes` bytes from `address`. */
export function zeroBytes(address: usize, bytes: usize): void {
  memory.fill(address, 0, bytes);
}

/** Copies `bytes` bytes from `source` to `target` (the ranges may overlap). */
export function copyBytes(target: usize, source: usize, bytes: usize): void {
  memory.copy(target, source, bytes);
}
