/**
 * Zeroing and copying ranges of arrays: in WebAssembly (`memory.fill`, `memory.copy`, wasm/bulk.ts)
 * when the arrays are in the arena, else TypedArray fill/set. On a shared arena (the parallel
 * trainer's, src/tensor/arena.ts) V8 fills and copies typed arrays a word at a time, several
 * times slower than the WebAssembly instructions; elsewhere the two are alike.
 */
import { simdFor } from './wasm/simd.js';

type NumberArray = Float32Array | Float64Array | Int32Array;

/** a[start .. end) = 0. */
export function zeroRange(a: NumberArray, start = 0, end = a.length): void {
  if (end <= start) return;
  // WebAssembly would write past the array into its neighbours: check as TypedArrays do.
  if (start < 0 || end > a.length)
    throw new RangeError(`zeroRange ${start}..${end} of ${a.length}`);
  const simd = simdFor(a);
  if (simd === null) {
    a.fill(0, start, end);
    return;
  }
  const bytes = a.BYTES_PER_ELEMENT;
  simd.zeroBytes(a.byteOffset + bytes * start, bytes * (end - start));
}

/** target[targetStart ..] = source[sourceStart .. sourceStart + count), as TypedArray set. */
export function copyRange(
  target: NumberArray,
  targetStart: number,
  source: NumberArray,
  sourceStart: number,
  count: number,
): void {
  if (count <= 0) return;
  if (
    targetStart < 0 ||
    sourceStart < 0 ||
    targetStart + count > target.length ||
    sourceStart + count > source.length
  )
    throw new RangeError(
      `copyRange of ${count} from ${sourceStart} of ${source.length} to ${targetStart} of ${target.length}`,
    );
  // Different element types convert value by value: only TypedArray set does that.
  const simd = target.constructor === source.constructor ? simdFor(target, source) : null;
  if (simd === null) {
    target.set(source.subarray(sourceStart, sourceStart + count), targetStart);
    return;
  }
  const bytes = target.BYTES_PER_ELEMENT;
  simd.copyBytes(
    target.byteOffset + bytes * targetStart,
    source.byteOffset + bytes * sourceStart,
    bytes * count,
  );
}
