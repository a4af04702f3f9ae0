/**
 * Register-tiled matrix products on flat row-major arrays: the hot loops under dense layers and
 * (through im2col) convolutions. Each accumulates into C (C += ...), as gradients accumulate;
 * callers zero or pre-fill C. Tiles of 2 rows x 4 columns keep eight sums in registers so each
 * loaded value is used more than once. `*Off` arguments are element offsets into the arrays, so
 * callers can work on one image of a batch without allocating views.
 *
 * When the WebAssembly SIMD kernels are available and all three arrays are float32 arrays in
 * the arena (see tensor/arena.ts), the product runs there (4-wide vectors, 4x8 tiles) instead;
 * anything else, float64 included, takes the TypeScript loops below.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { allocateFloat32, simdFor } from './wasm/simd.js';

/**
 * The one TypeScript loop under all three products: C[r][c] += sum over d of A(r, d) * B(d, c),
 * where A(r, d) = A[aOff + r * aRow + d * aDepth] and B(d, c) = B[bOff + d * bDepth + c * bCol],
 * for `rows` x `cols` outputs and `depth` terms each. The strides give each product its layout;
 * every output still adds its terms in order of d, so results do not depend on the tiling.
 */
function stridedProduct(
  C: FloatArray,
  cOff: number,
  A: FloatArray,
  aOff: number,
  aRow: number,
  aDepth: number,
  B: FloatArray,
  bOff: number,
  bDepth: number,
  bCol: number,
  rows: number,
  depth: number,
  cols: number,
): void {
  const cols4 = cols - (cols % 4);
  const b1 = bCol;
  const b2 = 2 * bCol;
  const b3 = 3 * bCol;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const a0 = aOff + r * aRow;
    const a1 = a0 + aRow;
    const c0 = cOff + r * cols;
    const c1 = c0 + cols;
    let j = 0;
    for (; j < cols4; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0; // prettier-ignore
      for (let d = 0, a = 0, b = bOff + j * bCol; d < depth; d++, a += aDepth, b += bDepth) {
        const x0 = A[a0 + a];
        const x1 = A[a1 + a];
        const w0 = B[b];
        const w1 = B[b + b1];
        const w2 = B[b + b2];
        const w3 = B[b + b3];
        s00 += x0 * w0;
        s01 += x0 * w1;
        s02 += x0 * w2;
        s03 += x0 * w3;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s12 += x1 * w2;
        s13 += x1 * w3;
      }
      C[c0 + j] += s00;
      C[c0 + j + 1] += s01;
      C[c0 + j + 2] += s02;
      C[c0 + j + 3] += s03;
      C[c1 + j] += s10;
      C[c1 + j + 1] += s11;
      C[c1 + j + 2] += s12;
      C[c1 + j + 3] += s13;
    }
    for (; j < cols; j++) {
      let s0 = 0;
      let s1 = 0;
      for (let d = 0, a = 0, b = bOff + j * bCol; d < depth; d++, a += aDepth, b += bDepth) {
        s0 += A[a0 + a] * B[b];
        s1 += A[a1 + a] * B[b];
      }
      C[c0 + j] += s0;
      C[c1 + j] += s1;
    }
  }
  if (r < rows) {
    const a0 = aOff + r * aRow;
    const c0 = cOff + r * cols;
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let d = 0, a = a0, b = bOff + j * bCol; d < depth; d++, a += aDepth, b += bDepth) {
        s += A[a] * B[b];
      }
      C[c0 + j] += s;
    }
  }
}

/**
 * A matrix product of this module: C += op(A) . op(B) on the matrices starting at elements cOff,
 * aOff and bOff of C, A and B. Each product's comment says which sizes M, K and N are.
 */
export type MatrixProduct = (
  C: FloatArray,
  cOff: number,
  A: FloatArray,
  aOff: number,
  B: FloatArray,
  bOff: number,
  M: number,
  K: number,
  N: number,
) => void;

/** A product that runs the SIMD kernel `gemm` when all three arrays are in the arena, else `loop`. */
function product(gemm: 'gemmNN' | 'gemmTN' | 'gemmNT', loop: MatrixProduct): MatrixProduct {
  return (C, cOff, A, aOff, B, bOff, M, K, N) => {
    const simd = simdFor(C, A, B);
    if (simd === null) {
      loop(C, cOff, A, aOff, B, bOff, M, K, N);
      return;
    }
    simd[gemm](C.byteOffset + 4 * cOff, A.byteOffset + 4 * aOff, B.byteOffset + 4 * bOff, M, K, N);
  };
}

/** C[M x N] += A[M x K] . B[K x N] */
export const matmulAccumulate = product('gemmNN', (C, cOff, A, aOff, B, bOff, M, K, N) =>
  stridedProduct(C, cOff, A, aOff, K, 1, B, bOff, N, 1, M, K, N),
);

/** Arena room for gemmTNPacked's copy of 16 columns of A (16 floats per row), grown as needed. */
let panel: Float32Array | null = null;

/**
 * A's rows are this many floats or more apart (4 KiB, a page) where the SIMD weight gradient
 * copies strips of A before use (gemmTNPacked: 1.4x faster for a 9216-input dense layer, no
 * gain at 1152 inputs).
 */
const PACKED_ROW = 1024;

const transAPlain = product('gemmTN', (C, cOff, A, aOff, B, bOff, M, K, N) =>
  stridedProduct(C, cOff, A, aOff, 1, K, B, bOff, N, 1, K, M, N),
);

/** C[K x N] += A[M x K]^T . B[M x N]  (weight gradients: inputs^T . dOut) */
export const matmulTransAAccumulate: MatrixProduct = (C, cOff, A, aOff, B, bOff, M, K, N) => {
  const simd = K >= PACKED_ROW && M >= 4 ? simdFor(C, A, B) : null;
  if (simd !== null) {
    if (panel === null || panel.length < 16 * M) panel = allocateFloat32(16 * M);
    if (simdFor(panel) !== null) {
      const [c, a, b] = [C.byteOffset + 4 * cOff, A.byteOffset + 4 * aOff, B.byteOffset + 4 * bOff];
      simd.gemmTNPacked(c, a, b, M, K, N, panel.byteOffset);
      return;
    }
  }
  transAPlain(C, cOff, A, aOff, B, bOff, M, K, N);
};

/** C[M x P] += A[M x Q] . B[P x Q]^T  (input gradients: dOut . weights^T) */
export const matmulTransBAccumulate = product('gemmNT', (C, cOff, A, aOff, B, bOff, M, Q, P) =>
  stridedProduct(C, cOff, A, aOff, Q, 1, B, bOff, 1, Q, M, Q, P),
);
