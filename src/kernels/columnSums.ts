/**
 * Column sums of a row-major matrix, accumulated: the bias gradient of conv and dense layers
 * (dOut summed over every sample and pixel). Each column adds its rows in order, on either path.
 */
import type { FloatArray } from '../tensor/tensor.js';
import { simdFor } from './wasm/simd.js';

/** sums[c] += M[r][c] over rows r of the rows x cols matrix starting at element mOff of M. */
export function addColumnSums(
  sums: FloatArray,
  M: FloatArray,
  mOff: number,
  rows: number,
  cols: number,
): void {
  const simd = simdFor(sums, M);
  if (simd !== null) {
    simd.addColumnSums(sums.byteOffset, M.byteOffset + 4 * mOff, rows, cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = mOff + r * cols;
    for (let c = 0; c < cols; c++) sums[c] += M[row + c];
  }
}
