/**
 * The WebAssembly SIMD kernels at run time, and the arena their arrays live in.
 *
 * The module (built from wasm/simdKernels.ts, embedded as base64) is compiled synchronously on
 * first import; if WebAssembly or its SIMD proposal is missing, or compilation is refused (a
 * browser main thread may refuse synchronous compiles: await `initSimdKernels()` there),
 * `simdKernels()` returns null and every kernel runs its pure-TypeScript path.
 * `CNN_TS_NO_WASM=1` in the environment or `setSimdEnabled(false)` forces the TypeScript path
 * (tests run both).
 *
 * Buffer ownership: WASM can only read its own memory, and copying the operands in and out on
 * every call would cost about as much as the arithmetic at the tutorial's sizes. So float32 arrays
 * are ALLOCATED in that memory (`allocateFloat32`, used by tensor.allocate and layer buffers), and a
 * kernel takes the WASM path only when all its arrays are there. The memory has a fixed size that
 * never grows, because growing would detach every live view (1 GiB of address space, less where
 * refused); its pages are reserved, not committed, so untouched capacity costs no RAM. When the arena is full, allocation falls back to
 * ordinary Float32Arrays (correct, just on the TypeScript path). Blocks come back for reuse when
 * their array is garbage-collected (FinalizationRegistry), so a subarray must not outlive its
 * parent array.
 */
import { simdModuleBase64 } from './simdModule.generated.js';

export interface SimdKernels {
  /** C[M x N] += A[M x K] . B[K x N]; byte addresses. */
  gemmNN(c: number, a: number, b: number, M: number, K: number, N: number): void;
  /** C[K x N] += A[M x K]^T . B[M x N] */
  gemmTN(c: number, a: number, b: number, M: number, K: number, N: number): void;
  /** C[M x P] += A[M x Q] . B[P x Q]^T */
  gemmNT(c: number, a: number, b: number, M: number, Q: number, P: number): void;
  im2col(cols: number, image: number, ...geometry: ConvArgs): void;
  convForwardValid(out: number, image: number, filters: number, ...g: DirectConvArgs): void;
  convBackwardFilterValid(
    dFilters: number,
    image: number,
    dOut: number,
    ...g: DirectConvArgs
  ): void;
  col2imAccumulate(dIn: number, dCols: number, ...geometry: ConvArgs): void;
  maxPoolForward(out: number, argmax: number, input: number, batch: number, ...g: PoolArgs): void;
  maxPoolBackwardAllTies(
    dIn: number,
    dOut: number,
    input: number,
    out: number,
    batch: number,
    ...g: PoolArgs
  ): void;
  sgdUpdate(value: number, grad: number, n: number, learningRate: number): void;
}

/** inH, inW, C, outH, outW, kernelH, kernelW, stride, padTop, padLeft */
type ConvArgs = [number, number, number, number, number, number, number, number, number, number];
/** inW, C, outH, outW, kernelH, kernelW, stride, outC */
type DirectConvArgs = [number, number, number, number, number, number, number, number];
/** inH, inW, C, outH, outW, kernelH, kernelW, stride */
type PoolArgs = [number, number, number, number, number, number, number, number];

/** Arena sizes to try, in 64 KiB pages: 1 GiB of address space, less where that is refused. */
const ARENA_PAGE_CHOICES = [16384, 4096, 1024];
/** Blocks start here; the module itself keeps no static data below. */
const ARENA_BASE = 65536;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function forcedOff(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.CNN_TS_NO_WASM === '1';
}

interface Loaded {
  kernels: SimdKernels;
  memory: WebAssembly.Memory;
}

function arenaMemory(): WebAssembly.Memory | null {
  for (const pages of ARENA_PAGE_CHOICES) {
    try {
      return new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      // address space refused: try a smaller arena
    }
  }
  return null;
}

/** The module bytes if this engine can run them (WebAssembly with SIMD, not switched off). */
function moduleBytes(): Uint8Array<ArrayBuffer> | null {
  if (typeof WebAssembly !== 'object' || forcedOff()) return null;
  const bytes = decodeBase64(simdModuleBase64);
  return WebAssembly.validate(bytes) ? bytes : null; // invalid = no SIMD here
}

function loadSync(): Loaded | null {
  try {
    const bytes = moduleBytes();
    const memory = bytes && arenaMemory();
    if (!bytes || !memory) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return { kernels: instance.exports as unknown as SimdKernels, memory };
  } catch {
    return null; // e.g. a browser main thread refusing synchronous compilation
  }
}

let loaded = loadSync();
let arenaBuffer: ArrayBufferLike | null = loaded ? loaded.memory.buffer : null;

/**
 * For browsers, whose main thread may refuse the synchronous compile done at import: compiles
 * asynchronously and resolves to whether SIMD kernels are now available. Arrays allocated before
 * it resolved stay on the TypeScript path, so call it before building a model.
 */
export async function initSimdKernels(): Promise<boolean> {
  if (loaded) return true;
  try {
    const bytes = moduleBytes();
    const memory = bytes && arenaMemory();
    if (!bytes || !memory) return false;
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    if (!loaded) {
      loaded = { kernels: instance.exports as unknown as SimdKernels, memory };
      arenaBuffer = memory.buffer;
      arenaEnd = memory.buffer.byteLength;
    }
    return true;
  } catch {
    return false;
  }
}

let enabled = true;

/** The SIMD kernels, or null when unavailable or switched off. */
export function simdKernels(): SimdKernels | null {
  return enabled && loaded ? loaded.kernels : null;
}

/** Whether this engine can run the SIMD kernels at all (regardless of setSimdEnabled). */
export function simdAvailable(): boolean {
  return loaded !== null;
}

/** Switches the SIMD path on or off (for tests and comparisons); returns the previous setting. */
export function setSimdEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** True if `a` lives in the arena, so a SIMD kernel can address it. */
export function inArena(a: ArrayBufferView): boolean {
  return a.buffer === arenaBuffer;
}

// Size classes: powers of two up to 1 MiB, whole MiB above; one free list per class.
const freeLists = new Map<number, number[]>();
let bumpTop = ARENA_BASE;
let arenaEnd = loaded ? loaded.memory.buffer.byteLength : 0;
const reclaim =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ ptr: number; size: number }>(({ ptr, size }) => {
        freeLists.get(size)?.push(ptr);
      })
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
  if (bumpTop + size > arenaEnd) return null;
  const ptr = bumpTop;
  bumpTop += size;
  return { ptr, size, reused: false };
}

function arenaArray<T extends Float32Array | Int32Array>(
  length: number,
  make: (buffer: ArrayBufferLike, ptr: number, length: number) => T,
  fallback: (length: number) => T,
): T {
  if (!loaded || length <= 0) return fallback(length);
  const block = arenaBlock(length * 4);
  if (!block) return fallback(length);
  const view = make(loaded.memory.buffer, block.ptr, length);
  if (block.reused) view.fill(0);
  reclaim?.register(view, { ptr: block.ptr, size: block.size });
  return view;
}

/** A zeroed Float32Array, in the arena when there is one with room, else on the JS heap. */
export function allocateFloat32(length: number): Float32Array {
  return arenaArray(
    length,
    (b, p, n) => new Float32Array(b, p, n),
    (n) => new Float32Array(n),
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
