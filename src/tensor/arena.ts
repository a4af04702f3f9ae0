/**
 * The arena: one WebAssembly memory that float32 (and argmax index) arrays are allocated in, so
 * the WebAssembly SIMD kernels (src/kernels/wasm/simd.ts, which import this memory) can read
 * and write them in place. WASM can only address its own memory, and copying the operands in
 * and out on every call would cost about as much as the arithmetic at the tutorial's sizes.
 *
 * The memory has a fixed size that never grows, because growing would detach every live view
 * (1 GiB of address space, less where refused); its pages are reserved, not committed, so
 * untouched capacity costs no RAM. When the arena is full, or WebAssembly SIMD is missing, or
 * `CNN_TS_NO_WASM=1` is set, allocation falls back to ordinary arrays (correct, just on the
 * TypeScript path). Blocks come back for reuse when their array is released (`releaseArray`) or
 * garbage-collected (FinalizationRegistry), so a subarray, or a view of another element type over
 * the same block, must not outlive the array handed out (allocateFloat64 gives float64 arrays).
 * Release matters: WebAssembly memory is invisible to the garbage collector's heuristics, so code
 * that allocates per call and waits for a collection can touch hundreds of MB of the arena.
 *
 * In Node the memory is shared (a SharedArrayBuffer underneath), so that the parallel trainer's
 * workers can take the calling thread's arena as theirs (shareArenaMemory, before the arena is
 * first evaluated in the worker): their kernels then read the calling thread's weights, and its
 * kernels add their gradients, where they are. Each thread keeps its own free lists; new blocks
 * come from one bump pointer kept in the memory itself and moved atomically. Blocks of a worker
 * that exits are not reused. `CNN_TS_NO_SHARED_ARENA=1` keeps the memory unshared. Browsers get
 * an unshared memory (a shared one needs a cross-origin-isolated page, and a typed array of it
 * posted to another thread would share the whole arena rather than copy the array).
 */

import { SHARED_ARENA_KEY } from './sharedArenaKey.js';

/** Arena sizes to try, in 64 KiB pages: 1 GiB of address space, less where that is refused. */
const ARENA_PAGE_CHOICES = [16384, 4096, 1024];
/** Blocks start here; the first page is left to the kernels module (it keeps no static data). */
const ARENA_BASE = 65536;
/** The bump pointer's address (int32, the first page's last bytes): the next new block's start. */
const TOP_ADDRESS = ARENA_BASE - 8;

/** A module whose one function returns a v128 constant: valid only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** Whether the environment variable `name` is '1' (always false where there is no process.env). */
export function envFlag(name: string): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.[name] === '1';
}

/** CNN_TS_NO_WASM=1 in the environment keeps everything on the TypeScript path. */
export function wasmForcedOff(): boolean {
  return envFlag('CNN_TS_NO_WASM');
}

/** Node, where a shared memory costs nothing and is wanted by the parallel trainer. */
function wantShared(): boolean {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  return typeof node === 'string' && !envFlag('CNN_TS_NO_SHARED_ARENA');
}

/** The memory left for this thread by shareArenaMemory, if any. */
function memoryToAdopt(): WebAssembly.Memory | null {
  const left = (globalThis as Record<symbol, unknown>)[SHARED_ARENA_KEY];
  return typeof WebAssembly === 'object' && left instanceof WebAssembly.Memory ? left : null;
}

function createMemory(): WebAssembly.Memory | null {
  if (typeof WebAssembly !== 'object' || wasmForcedOff()) return null;
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) return null;
  } catch {
    return null;
  }
  for (const shared of wantShared() ? [true, false] : [false]) {
    for (const pages of ARENA_PAGE_CHOICES) {
      try {
        const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
        new Int32Array(memory.buffer, TOP_ADDRESS, 1)[0] = ARENA_BASE;
        return memory;
      } catch {
        // address space (or shared memory) refused: try a smaller or unshared arena
      }
    }
  }
  return null;
}

const adopted = wasmForcedOff() ? null : memoryToAdopt();
const memory = adopted ?? createMemory();
/** Fixed for the life of the process: the memory never grows. */
const arenaBuffer: ArrayBufferLike | null = memory ? memory.buffer : null;
const arenaEnd = memory ? memory.buffer.byteLength : 0;
const top = memory ? new Int32Array(memory.buffer, TOP_ADDRESS, 1) : new Int32Array(1);

/** Whether the arena is shared between threads (its buffer a SharedArrayBuffer). */
export function arenaShared(): boolean {
  return typeof SharedArrayBuffer === 'function' && arenaBuffer instanceof SharedArrayBuffer;
}

/** Whether this thread's arena is another thread's, left by shareArenaMemory. */
export function arenaAdopted(): boolean {
  return adopted !== null;
}

/**
 * A Float32Array over `length` floats of the arena at byte `address` (another thread's array, in
 * a shared arena): not allocated, so never released or reclaimed. Null when there is no arena.
 */
export function arenaFloat32View(address: number, length: number): Float32Array | null {
  if (!arenaBuffer || address < ARENA_BASE || address + 4 * length > arenaEnd) return null;
  return new Float32Array(arenaBuffer, address, length);
}

/** The arena's memory, for the kernels module to import; null when there is no arena. */
export function arenaMemory(): WebAssembly.Memory | null {
  return memory;
}

/** True if `a` lives in the arena, so a WASM kernel can address it. */
export function inArena(a: ArrayBufferView): boolean {
  return a.buffer === arenaBuffer;
}

// Size classes: powers of two up to 1 MiB, whole MiB above; one free list per class.
const freeLists = new Map<number, number[]>();
/** Bytes of the arena ever handed out, to every thread: the most of it that can be resident. */
export function arenaBytesTouched(): number {
  return memory ? Atomics.load(top, 0) - ARENA_BASE : 0;
}

/** A new block of `size` bytes from the bump pointer (shared by every thread), or -1 if full. */
function bump(size: number): number {
  for (;;) {
    const ptr = Atomics.load(top, 0);
    if (ptr + size > arenaEnd) return -1;
    if (Atomics.compareExchange(top, 0, ptr, ptr + size) === ptr) return ptr;
  }
}

/** The block behind each array handed out and not yet released. */
const blockOf = new WeakMap<object, { ptr: number; size: number }>();

function freeBlock({ ptr, size }: { ptr: number; size: number }): void {
  freeLists.get(size)?.push(ptr);
}

const reclaim =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ ptr: number; size: number }>(freeBlock)
    : null;

function sizeClass(bytes: number): number {
  const MiB = 1 << 20;
  if (bytes > MiB) return Math.ceil(bytes / MiB) * MiB;
  let size = 64;
  while (size < bytes) size *= 2;
  return size;
}

/** A free arena block of at least `bytes` (64-byte aligned), or null when the arena is full. */
function arenaBlock(bytes: number): { ptr: number; size: number; reused: boolean } | null {
  const size = sizeClass(bytes);
  let list = freeLists.get(size);
  if (!list) {
    list = [];
    freeLists.set(size, list);
  }
  const reused = list.pop();
  if (reused !== undefined) return { ptr: reused, size, reused: true };
  const ptr = bump(size);
  return ptr < 0 ? null : { ptr, size, reused: false };
}

function arenaArray<T extends Float32Array | Float64Array | Int32Array>(
  length: number,
  make: (buffer: ArrayBufferLike, ptr: number, length: number) => T,
  fallback: (length: number) => T,
  bytesPerValue = 4,
): T {
  if (!arenaBuffer || length <= 0) return fallback(length);
  const block = arenaBlock(length * bytesPerValue);
  if (!block) return fallback(length);
  const view = make(arenaBuffer, block.ptr, length);
  if (block.reused) view.fill(0);
  const held = { ptr: block.ptr, size: block.size };
  blockOf.set(view, held);
  reclaim?.register(view, held, view);
  return view;
}

/**
 * Gives an array from allocateFloat32/allocateInt32 (not a subarray of one) back to the arena at
 * once. Nothing may use it, or any subarray of it, afterwards: its memory is handed out again.
 * Arrays outside the arena, and arrays released before, are ignored.
 */
export function releaseArray(array: Float32Array | Float64Array | Int32Array): void {
  const block = blockOf.get(array);
  if (!block) return;
  blockOf.delete(array);
  reclaim?.unregister(array);
  freeBlock(block);
}

/** A zeroed Float32Array, in the arena when there is one with room, else on the JS heap. */
export function allocateFloat32(length: number): Float32Array {
  return arenaArray(
    length,
    (b, p, n) => new Float32Array(b, p, n),
    (n) => new Float32Array(n),
  );
}

/**
 * A zeroed Float64Array, in the arena when possible: float64 scratch of the SIMD kernels that
 * compute in float64 (batch norm's per-channel operands, Adam's constants). Allocate it here
 * rather than as a view of a Float32Array's block, whose collection would free the block.
 */
export function allocateFloat64(length: number): Float64Array {
  return arenaArray(
    length,
    (b, p, n) => new Float64Array(b, p, n),
    (n) => new Float64Array(n),
    8,
  );
}

/** A zeroed Int32Array, in the arena when possible (max-pool argmax indices). */
export function allocateInt32(length: number): Int32Array {
  return arenaArray(
    length,
    (b, p, n) => new Int32Array(b, p, n),
    (n) => new Int32Array(n),
  );
}
