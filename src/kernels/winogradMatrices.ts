/**
 * The matrices of Winograd convolution F(m x m, 3x3) (Lavin & Gray 2015, "Fast Algorithms for
 * Convolutional Neural Networks"), for output tiles of m = 2 or 4 pixels a side. With
 * a = m + 2, an a x a input tile d and a 3x3 filter g give the m x m output tile
 *   Y = A^T [ (G g G^T) . (B^T d B) ] A     (. multiplies element by element)
 * so a tile costs a*a multiplies per channel pair instead of m*m*9: 2.25x fewer for m = 2,
 * 4x fewer for m = 4. F(2x2) interpolates at the points 0, 1, -1 and infinity, F(4x4) at 0, 1,
 * -1, 2, -2 and infinity; the larger points of F(4x4) cost accuracy (see winograd.ts).
 * wasm/winograd.ts writes these same matrices out as adds and multiplies.
 */

/** Output tile sizes Winograd convolution runs with. */
export type WinogradTile = 2 | 4;

/** B^T [a x a], G [a x 3] and A^T [m x a] of F(m x m, 3x3), as rows. */
export interface WinogradMatrices {
  readonly BT: readonly (readonly number[])[];
  readonly G: readonly (readonly number[])[];
  readonly AT: readonly (readonly number[])[];
}

const F2: WinogradMatrices = {
  BT: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  G: [
    [1, 0, 0],
    [1 / 2, 1 / 2, 1 / 2],
    [1 / 2, -1 / 2, 1 / 2],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

const F4: WinogradMatrices = {
  BT: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  G: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 2, -2, 0],
    [0, 1, 1, 4, 4, 0],
    [0, 1, -1, 8, -8, 1],
  ],
};

/** The matrices of F(m x m, 3x3). */
export function winogradMatrices(m: WinogradTile): WinogradMatrices {
  return m === 2 ? F2 : F4;
}
