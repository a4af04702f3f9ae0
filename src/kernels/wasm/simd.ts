/**
 * The WebAssembly SIMD kernels at run time, and the one switch between them and TypeScript.
 *
 * The module (built from wasm/simdKernels.ts, embedded as base64 together with its `SimdKernels`
 * signatures) is compiled synchronously on first import, with the arena's memory
 * (src/tensor/arena.ts) as its memory; if WebAssembly or its SIMD proposal is missing, or
 * compilation is refused (a browser main thread may refuse synchronous compiles: await
 * `initSimdKernels()` there), every kernel runs its pure-TypeScript path.
 * `CNN_TS_NO_WASM=1` in the environment or `setSimdEnabled(false)` forces the TypeScript path
 * (tests run both).
 *
 * Every kernel asks `simdFor(its arrays)` whether this call runs on the SIMD path: SIMD
 * available and switched on, and every array in the arena (where WASM can address it).
 */
import { arenaMemory, inArena, wasmForcedOff } from '../../tensor/arena.js';
import { type SimdKernels, simdModuleBase64 } from './simdModule.generated.js';

// Allocation lives with the tensors (tensor/arena.ts); layers and benchmarks still import it here.
export { allocateFloat32, allocateInt32 } from '../../tensor/arena.js';
export type { SimdKernels } from './simdModule.generated.js';

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The module bytes and the arena to run them on, if this engine can (SIMD, not switched off). */
function moduleSource(): { bytes: Uint8Array<ArrayBuffer>; memory: WebAssembly.Memory } | null {
  const memory = arenaMemory();
  if (!memory || wasmForcedOff()) return null;
  const bytes = decodeBase64(simdModuleBase64);
  return WebAssembly.validate(bytes) ? { bytes, memory } : null; // invalid = no SIMD here
}

function loadSync(): SimdKernels | null {
  try {
    const source = moduleSource();
    if (!source) return null;
    const module = new WebAssembly.Module(source.bytes);
    const instance = new WebAssembly.Instance(module, { env: { memory: source.memory } });
    return instance.exports as unknown as SimdKernels;
  } catch {
    return null; // e.g. a browser main thread refusing synchronous compilation
  }
}

let loaded = loadSync();

/**
 * For browsers, whose main thread may refuse the synchronous compile done at import: compiles
 * asynchronously and resolves to whether SIMD kernels are now available.
 */
export async function initSimdKernels(): Promise<boolean> {
  if (loaded) return true;
  try {
    const source = moduleSource();
    if (!source) return false;
    const { instance } = await WebAssembly.instantiate(source.bytes, {
      env: { memory: source.memory },
    });
    loaded ??= instance.exports as unknown as SimdKernels;
    return true;
  } catch {
    return false;
  }
}

let enabled = true;

/**
 * The SIMD kernels if a call on these arrays can run there (SIMD on, every array in the arena),
 * else null: run the TypeScript loop. Unused slots repeat the first array.
 */
export function simdFor(
  a: ArrayBufferView,
  b: ArrayBufferView = a,
  c: ArrayBufferView = a,
  d: ArrayBufferView = a,
): SimdKernels | null {
  if (!enabled || loaded === null) return null;
  return inArena(a) && inArena(b) && inArena(c) && inArena(d) ? loaded : null;
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
