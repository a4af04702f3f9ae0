/**
 * The WebAssembly SIMD kernels at run time, and the one switch between them and TypeScript.
 *
 * The kernels (built from wasm/simdKernels.ts, embedded as base64 together with their
 * `SimdKernels` signatures) come in two builds of the same source: `relaxed`, whose multiply-adds
 * are relaxed SIMD's fused `f32x4.relaxed_madd` (browsers, Node 22+, Node 20 with
 * `--experimental-wasm-relaxed-simd`), and `plain`, SIMD only, everywhere else. The relaxed build
 * is used wherever the engine validates it: one instruction per multiply-add instead of two, and
 * sums rounded once per step instead of twice, so its results differ from the plain build's in
 * the last bits. `CNN_TS_NO_RELAXED=1` in the environment or `setRelaxedSimdEnabled(false)`
 * keeps the plain build.
 *
 * The module is compiled synchronously on first import, with the arena's memory
 * (src/tensor/arena.ts) as its memory; if WebAssembly or its SIMD proposal is missing, or
 * compilation is refused (a browser main thread may refuse synchronous compiles: await
 * `initSimdKernels()` there), every kernel runs its pure-TypeScript path.
 * `CNN_TS_NO_WASM=1` in the environment or `setSimdEnabled(false)` forces the TypeScript path
 * (tests run both).
 *
 * Every kernel asks `simdFor(its arrays)` whether this call runs on the SIMD path: SIMD
 * available and switched on, and every array in the arena (where WASM can address it).
 */
import { arenaMemory, arenaShared, envFlag, inArena, wasmForcedOff } from '../../tensor/arena.js';
import { withSharedMemoryImport } from './sharedMemoryImport.js';
import { type SimdKernels, simdModuleBase64 } from './simdModule.generated.js';
import { simdRelaxedModuleBase64 } from './simdRelaxedModule.generated.js';

// Allocation lives with the tensors (tensor/arena.ts); layers and benchmarks still import it here.
export { allocateFloat32, allocateInt32 } from '../../tensor/arena.js';
export type { SimdKernels } from './simdModule.generated.js';

/** The two builds of the kernels: with relaxed SIMD's fused multiply-add, or SIMD only. */
export type SimdBuild = 'relaxed' | 'plain';

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * A build's bytes and the arena to run them on, if this engine can: SIMD (and relaxed SIMD for
 * that build) supported, not switched off. Validation is what tells a missing feature.
 */
function moduleSource(
  build: SimdBuild,
): { bytes: Uint8Array<ArrayBuffer>; memory: WebAssembly.Memory } | null {
  const memory = arenaMemory();
  if (!memory || wasmForcedOff()) return null;
  let bytes = decodeBase64(build === 'relaxed' ? simdRelaxedModuleBase64 : simdModuleBase64);
  // A shared arena (Node) is imported by the same code declared as importing shared memory.
  if (arenaShared()) bytes = withSharedMemoryImport(bytes, memory.buffer.byteLength / 65536);
  return WebAssembly.validate(bytes) ? { bytes, memory } : null;
}

/** Each build's kernels once instantiated (both share the arena; they keep no state). */
const instances: Partial<Record<SimdBuild, SimdKernels>> = {};

function instantiateSync(build: SimdBuild): SimdKernels | null {
  try {
    const source = instances[build] ? null : moduleSource(build);
    if (source) {
      const module = new WebAssembly.Module(source.bytes);
      const instance = new WebAssembly.Instance(module, { env: { memory: source.memory } });
      instances[build] = instance.exports as unknown as SimdKernels;
    }
  } catch {
    // e.g. a browser main thread refusing synchronous compilation
  }
  return instances[build] ?? null;
}

async function instantiateAsync(build: SimdBuild): Promise<SimdKernels | null> {
  try {
    const source = instances[build] ? null : moduleSource(build);
    if (source) {
      const { instance } = await WebAssembly.instantiate(source.bytes, {
        env: { memory: source.memory },
      });
      instances[build] ??= instance.exports as unknown as SimdKernels;
    }
  } catch {
    // no kernels from this build
  }
  return instances[build] ?? null;
}

let relaxedWanted = !envFlag('CNN_TS_NO_RELAXED');
let loaded: SimdKernels | null = null;
let loadedBuild: SimdBuild | null = null;

function use(kernels: SimdKernels | null, build: SimdBuild): boolean {
  if (!kernels) return false;
  loaded = kernels;
  loadedBuild = build;
  return true;
}

/** Loads the wanted build (relaxed where offered and wanted, else plain) synchronously. */
function loadSync(): void {
  if (!(relaxedWanted && use(instantiateSync('relaxed'), 'relaxed'))) {
    use(instantiateSync('plain'), 'plain');
  }
}

loadSync();

/**
 * For browsers, whose main thread may refuse the synchronous compile done at import: compiles
 * asynchronously and resolves to whether SIMD kernels are now available.
 */
export async function initSimdKernels(): Promise<boolean> {
  if (loaded) return true;
  if (relaxedWanted && use(await instantiateAsync('relaxed'), 'relaxed')) return true;
  return use(await instantiateAsync('plain'), 'plain');
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

/**
 * Which build of the SIMD kernels runs here: 'relaxed' (fused multiply-add), 'plain', or null
 * when no SIMD kernels run (regardless of setSimdEnabled).
 */
export function simdBuild(): SimdBuild | null {
  return loadedBuild;
}

/**
 * Asks for the relaxed-SIMD build (on, the default unless `CNN_TS_NO_RELAXED=1`) or the plain
 * one (off), for comparisons; the relaxed build runs only where the engine offers it. Loads the
 * build synchronously (in a browser, from a worker or after `initSimdKernels()`); returns the
 * previous setting. It switches this thread only: worker threads (the data-parallel trainer's)
 * follow `CNN_TS_NO_RELAXED`.
 */
export function setRelaxedSimdEnabled(on: boolean): boolean {
  const was = relaxedWanted;
  relaxedWanted = on;
  if (loaded && on !== was) loadSync();
  return was;
}
