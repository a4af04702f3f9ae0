/**
 * Whether this JavaScript engine offers WebAssembly relaxed SIMD, asked independently of the
 * engine's own check: a hand-assembled module whose one function returns
 * f32x4.relaxed_madd(0, 0, 0) validates only where the feature is on (Node 20: behind
 * `--experimental-wasm-relaxed-simd`; browsers and Node 22+: always).
 */

const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
const BODY = [0x00, ...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02, 0x0b]; // madd; end

/** The probe module's bytes (for asking a browser page too). */
export const RELAXED_SIMD_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // magic, version
  ...[1, 5, 1, 0x60, 0, 1, 0x7b], // types: () -> v128
  ...[3, 2, 1, 0], // one function of type 0
  ...[10, BODY.length + 2, 1, BODY.length, ...BODY], // its code
]);

/** True where relaxed SIMD validates here. */
export function engineOffersRelaxedSimd(): boolean {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/** The Node flag that turns relaxed SIMD on in Node 20 (the engine these tests target). */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';
