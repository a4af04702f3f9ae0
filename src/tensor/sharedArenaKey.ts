/**
 * Where a parallel trainer's worker leaves the calling thread's arena memory for its own arena to
 * use (src/tensor/arena.ts reads it when first evaluated). A module of its own, with no imports,
 * so the worker's entry can set it before anything evaluates the arena.
 */
export const SHARED_ARENA_KEY = Symbol.for('cnn-ts.sharedArena');

/** Makes the arena, when it is first evaluated in this thread, use `memory`. */
export function shareArenaMemory(memory: WebAssembly.Memory): void {
  (globalThis as Record<symbol, unknown>)[SHARED_ARENA_KEY] = memory;
}
