/**
 * Reference Winograd convolution F(m x m, 3x3), stride 1: the tile formulas of
 * winogradMatrices.ts written with explicit matrix products, in float64, one tile and one
 * channel pair at a time, for tests to compare the fast kernels of winograd.ts with (and to
 * compare with the direct reference convolution, conv2d.reference.ts). Layouts as in conv2d.ts.
 */
import type { FloatArray } from '../tensor/tensor.js';
import type { ConvGeometry } from './convGeometry.js';
import { type WinogradTile, winogradMatrices } from './winogradMatrices.js';

type Matrix = number[][];

function product(x: readonly (readonly number[])[], y: readonly (readonly number[])[]): Matrix {
  return x.map((row) => y[0].map((_, j) => row.reduce((s, v, k) => s + v * y[k][j], 0)));
}
function transpose(x: readonly (readonly number[])[]): Matrix {
  return x[0].map((_, j) => x.map((row) => row[j]));
}
/** L . X . R, the two-sided transform every step of Winograd convolution is. */
function sandwich(L: readonly (readonly number[])[], X: Matrix, R: readonly (readonly number[])[]) {
  return product(product(L, X), R);
}
function hadamard(x: Matrix, y: Matrix): Matrix {
  return x.map((row, i) => row.map((v, j) => v * y[i][j]));
}
function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** The tiles of image n: top-left output pixel (oy, ox) of each m x m tile. */
function tilesOf(g: ConvGeometry, m: number): [number, number][] {
  const tiles: [number, number][] = [];
  for (let oy = 0; oy < g.outH; oy += m)
    for (let ox = 0; ox < g.outW; ox += m) tiles.push([oy, ox]);
  return tiles;
}

function check(g: ConvGeometry): void {
  if (g.kernelH !== 3 || g.kernelW !== 3 || g.stride !== 1) {
    throw new Error('Winograd convolution F(m x m, 3x3) takes 3x3 kernels at stride 1');
  }
}

/** The 3x3 filter from input channel c to output channel k. */
function filterOf(filters: ArrayLike<number>, g: ConvGeometry, c: number, k: number): Matrix {
  return [0, 1, 2].map((r) =>
    [0, 1, 2].map((s) => filters[((r * 3 + s) * g.inC + c) * g.outC + k]),
  );
}

/** One side of the convolution's images: input or output height, width and channels. */
interface Side {
  h: number;
  w: number;
  c: number;
}
const inputSide = (g: ConvGeometry): Side => ({ h: g.inH, w: g.inW, c: g.inC });
const outputSide = (g: ConvGeometry): Side => ({ h: g.outH, w: g.outW, c: g.outC });

/**
 * Calls visit(i, j, index) for the pixels (i, j) of the size x size tile from pixel (y0, x0) of
 * image n that lie inside the image; index is that pixel's channel ch in the NHWC batch.
 */
function tilePixels(
  s: Side,
  n: number,
  y0: number,
  x0: number,
  size: number,
  ch: number,
  visit: (i: number, j: number, index: number) => void,
): void {
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) {
      const y = y0 + i;
      const x = x0 + j;
      if (y >= 0 && y < s.h && x >= 0 && x < s.w) visit(i, j, ((n * s.h + y) * s.w + x) * s.c + ch);
    }
}

/** The size x size tile of channel ch from (y0, x0) of image n; zeros outside the image. */
function tileOf(
  values: ArrayLike<number>,
  s: Side,
  n: number,
  y0: number,
  x0: number,
  size: number,
  ch: number,
): Matrix {
  const d = zeros(size, size);
  tilePixels(s, n, y0, x0, size, ch, (i, j, index) => {
    d[i][j] = values[index];
  });
  return d;
}

/** out = conv(input, filters) + bias tile by tile: Y = A^T [sum over c of U(c,k) . V(c)] A. */
export function conv2dForwardWinogradReference(
  out: FloatArray,
  input: ArrayLike<number>,
  filters: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  check(g);
  const { BT, G, AT } = winogradMatrices(m);
  const a = m + 2;
  const U: Matrix[] = [];
  for (let c = 0; c < g.inC; c++)
    for (let k = 0; k < g.outC; k++) U.push(sandwich(G, filterOf(filters, g, c, k), transpose(G)));
  for (let n = 0; n < g.batch; n++)
    for (const [oy, ox] of tilesOf(g, m)) {
      const V: Matrix[] = [];
      for (let c = 0; c < g.inC; c++)
        V.push(
          sandwich(
            BT,
            tileOf(input, inputSide(g), n, oy - g.padTop, ox - g.padLeft, a, c),
            transpose(BT),
          ),
        );
      for (let k = 0; k < g.outC; k++) {
        let M = zeros(a, a);
        for (let c = 0; c < g.inC; c++) {
          const H = hadamard(U[c * g.outC + k], V[c]);
          M = M.map((row, i) => row.map((v, j) => v + H[i][j]));
        }
        const Y = sandwich(AT, M, transpose(AT));
        tilePixels(outputSide(g), n, oy, ox, m, k, (i, j, index) => {
          out[index] = Y[i][j] + (bias ? bias[k] : 0);
        });
      }
    }
}

/**
 * dIn = the adjoint of the forward pass, tile by tile: dM = A dY A^T, then
 * dd(c) = B [sum over k of U(c,k) . dM(k)] B^T added onto the input tile. Overwrites dIn.
 */
export function conv2dBackwardInputWinogradReference(
  dIn: FloatArray,
  dOut: ArrayLike<number>,
  filters: ArrayLike<number>,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  check(g);
  const { BT, G, AT } = winogradMatrices(m);
  const a = m + 2;
  dIn.fill(0);
  for (let n = 0; n < g.batch; n++)
    for (const [oy, ox] of tilesOf(g, m)) {
      const dM: Matrix[] = [];
      for (let k = 0; k < g.outC; k++)
        dM.push(sandwich(transpose(AT), tileOf(dOut, outputSide(g), n, oy, ox, m, k), AT));
      for (let c = 0; c < g.inC; c++) {
        let dV = zeros(a, a);
        for (let k = 0; k < g.outC; k++) {
          const U = sandwich(G, filterOf(filters, g, c, k), transpose(G));
          dV = dV.map((row, i) => row.map((v, j) => v + U[i][j] * dM[k][i][j]));
        }
        const dd = sandwich(transpose(BT), dV, BT);
        tilePixels(inputSide(g), n, oy - g.padTop, ox - g.padLeft, a, c, (i, j, index) => {
          dIn[index] += dd[i][j];
        });
      }
    }
}

/**
 * dFilters += the filter gradient, tile by tile: dg(c,k) = G^T [sum over tiles of V(c) . dM(k)] G;
 * dBias += column sums of dOut. Accumulates.
 */
export function conv2dBackwardFilterWinogradReference(
  dFilters: FloatArray,
  dBias: FloatArray | null,
  dOut: ArrayLike<number>,
  input: ArrayLike<number>,
  g: ConvGeometry,
  m: WinogradTile,
): void {
  check(g);
  const { BT, G, AT } = winogradMatrices(m);
  const a = m + 2;
  const dU = Array.from({ length: g.inC * g.outC }, () => zeros(a, a));
  for (let n = 0; n < g.batch; n++)
    for (const [oy, ox] of tilesOf(g, m)) {
      const dM: Matrix[] = [];
      for (let k = 0; k < g.outC; k++)
        dM.push(sandwich(transpose(AT), tileOf(dOut, outputSide(g), n, oy, ox, m, k), AT));
      for (let c = 0; c < g.inC; c++) {
        const V = sandwich(
          BT,
          tileOf(input, inputSide(g), n, oy - g.padTop, ox - g.padLeft, a, c),
          transpose(BT),
        );
        for (let k = 0; k < g.outC; k++) {
          const u = dU[c * g.outC + k];
          for (let i = 0; i < a; i++) for (let j = 0; j < a; j++) u[i][j] += V[i][j] * dM[k][i][j];
        }
      }
    }
  for (let c = 0; c < g.inC; c++)
    for (let k = 0; k < g.outC; k++) {
      const dg = sandwich(transpose(G), dU[c * g.outC + k], G);
      for (let r = 0; r < 3; r++)
        for (let s = 0; s < 3; s++) dFilters[((r * 3 + s) * g.inC + c) * g.outC + k] += dg[r][s];
    }
  if (dBias) for (let o = 0; o < dOut.length; o++) dBias[o % g.outC] += dOut[o];
}
