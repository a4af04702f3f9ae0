/**
 * The tile transforms of Winograd convolution F(m x m, 3x3) (Lavin & Gray 2015), m = 2 or 4, for
 * src/kernels/winograd.ts, which runs the products between them on gemm.ts. With a = m + 2, tile
 * t of a batch covers output pixels [m*ty, m*ty + m) x [m*tx, m*tx + m) of image n and reads the
 * a x a input pixels from (m*ty - padTop, m*tx - padLeft), zeros outside the image. Tiles are
 * numbered n, ty, tx in order, across the batch; each kernel handles tiles [first, first + tiles).
 *
 * The transformed arrays hold a x a positions xi = i*a + j, each a [tiles x channels] matrix:
 * element (xi, t, c) at (xi * stride + t * channels + c) floats, so each position's product is
 * one GEMM (stride >= tiles * channels, chosen by the caller to keep the matrices' starts from
 * sharing cache sets). Every 2-D transform X = L D R^T is two 1-D passes, columns into a `wide`
 * tile of every channel, then rows, 4 channels per v128 with single-channel tails. Matrices
 * (winogradMatrices.ts):
 *   input        V = B^T d B            output         Y = A^T M A (+ bias)
 *   its adjoint  dd += B dV B^T         its adjoint    dM = A dY A^T
 *   filters      U = G g G^T            its adjoint    dg += G^T dU G
 * `scratch` holds a*a vectors (the filter transforms' own), then a patch of a*a*max(inC, outC)
 * floats where tiles at the image's edges are gathered or assembled, then the `wide` tile.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { Geometry } from './geometry';

/** w channels (4, or 1 in lane 0) at p. */
// @ts-ignore: decorator
@inline
function ld(w: i32, p: usize): v128 {
  return w == 4 ? v128.load(p) : v128.load32_zero(p);
}

/** Stores w channels of v at p, or adds them there when `acc`. */
// @ts-ignore: decorator
@inline
function st(w: i32, p: usize, v: v128, acc: bool): void {
  if (w == 4) v128.store(p, acc ? f32x4.add(v128.load(p), v) : v);
  else store<f32>(p, acc ? load<f32>(p) + f32x4.extract_lane(v, 0) : f32x4.extract_lane(v, 0));
}

// @ts-ignore: decorator
@inline
function k(x: f32): v128 {
  return f32x4.splat(x);
}

// @ts-ignore: decorator
@inline
function add(x: v128, y: v128): v128 {
  return f32x4.add(x, y);
}

// @ts-ignore: decorator
@inline
function sub(x: v128, y: v128): v128 {
  return f32x4.sub(x, y);
}

// @ts-ignore: decorator
@inline
function mul(s: f32, x: v128): v128 {
  return f32x4.mul(k(s), x);
}

/** Out (a values, ds apart) = B^T . in (a values, ss apart), w channels (4, or 1 in lane 0). */
// @ts-ignore: decorator
@inline
function btPass(m: i32, w: i32, s: usize, ss: usize, d: usize, ds: usize): void {
  if (m == 2) {
    const d0 = ld(w, s), d1 = ld(w, s + ss), d2 = ld(w, s + 2 * ss), d3 = ld(w, s + 3 * ss);
    st(w, d, sub(d0, d2), false);
    st(w, d + ds, add(d1, d2), false);
    st(w, d + 2 * ds, sub(d2, d1), false);
    st(w, d + 3 * ds, sub(d1, d3), false);
  } else {
    const d0 = ld(w, s), d1 = ld(w, s + ss), d2 = ld(w, s + 2 * ss);
    const d3 = ld(w, s + 3 * ss), d4 = ld(w, s + 4 * ss), d5 = ld(w, s + 5 * ss);
    const d13 = sub(d1, d3);
    const d42 = sub(d4, d2);
    st(w, d, add(sub(mul(4, d0), mul(5, d2)), d4), false);
    st(w, d + ds, sub(add(d3, d4), mul(4, add(d1, d2))), false);
    st(w, d + 2 * ds, add(mul(4, sub(d1, d2)), sub(d4, d3)), false);
    st(w, d + 3 * ds, sub(d42, mul(2, d13)), false);
    st(w, d + 4 * ds, add(d42, mul(2, d13)), false);
    st(w, d + 5 * ds, add(sub(mul(4, d1), mul(5, d3)), d5), false);
  }
}

/** Out (a values) (+)= B . in (a values): the adjoint of btPass. */
// @ts-ignore: decorator
@inline
function bPass(m: i32, w: i32, s: usize, ss: usize, d: usize, ds: usize, acc: bool): void {
  if (m == 2) {
    const y0 = ld(w, s), y1 = ld(w, s + ss), y2 = ld(w, s + 2 * ss), y3 = ld(w, s + 3 * ss);
    st(w, d, y0, acc);
    st(w, d + ds, add(sub(y1, y2), y3), acc);
    st(w, d + 2 * ds, sub(add(y1, y2), y0), acc);
    st(w, d + 3 * ds, sub(k(0), y3), acc);
  } else {
    const y0 = ld(w, s), y1 = ld(w, s + ss), y2 = ld(w, s + 2 * ss);
    const y3 = ld(w, s + 3 * ss), y4 = ld(w, s + 4 * ss), y5 = ld(w, s + 5 * ss);
    const p12 = add(y1, y2), m12 = sub(y1, y2), p34 = add(y3, y4), m34 = sub(y3, y4);
    st(w, d, mul(4, y0), acc);
    st(w, d + ds, add(mul(4, sub(y5, m12)), mul(-2, m34)), acc);
    st(w, d + 2 * ds, sub(k(0), add(add(mul(5, y0), mul(4, p12)), p34)), acc);
    st(w, d + 3 * ds, sub(add(m12, mul(2, m34)), mul(5, y5)), acc);
    st(w, d + 4 * ds, add(add(y0, p12), p34), acc);
    st(w, d + 5 * ds, y5, acc);
  }
}

/** Out (m values) = A^T . in (a values) + addend. */
// @ts-ignore: decorator
@inline
function atPass(m: i32, w: i32, s: usize, ss: usize, d: usize, ds: usize, addend: v128): void {
  if (m == 2) {
    const m0 = ld(w, s), m1 = ld(w, s + ss), m2 = ld(w, s + 2 * ss), m3 = ld(w, s + 3 * ss);
    st(w, d, add(add(add(m0, m1), m2), addend), false);
    st(w, d + ds, add(sub(sub(m1, m2), m3), addend), false);
  } else {
    const m0 = ld(w, s), m1 = ld(w, s + ss), m2 = ld(w, s + 2 * ss);
    const m3 = ld(w, s + 3 * ss), m4 = ld(w, s + 4 * ss), m5 = ld(w, s + 5 * ss);
    const p12 = add(m1, m2), m12 = sub(m1, m2), p34 = add(m3, m4), m34 = sub(m3, m4);
    st(w, d, add(add(add(m0, p12), p34), addend), false);
    st(w, d + ds, add(add(m12, mul(2, m34)), addend), false);
    st(w, d + 2 * ds, add(add(p12, mul(4, p34)), addend), false);
    st(w, d + 3 * ds, add(add(add(m12, mul(8, m34)), m5), addend), false);
  }
}

/** Out (a values) = A . in (m values): the adjoint of atPass. */
// @ts-ignore: decorator
@inline
function aPass(m: i32, w: i32, s: usize, ss: usize, d: usize, ds: usize): void {
  if (m == 2) {
    const g0 = ld(w, s), g1 = ld(w, s + ss);
    st(w, d, g0, false);
    st(w, d + ds, add(g0, g1), false);
    st(w, d + 2 * ds, sub(g0, g1), false);
    st(w, d + 3 * ds, sub(k(0), g1), false);
  } else {
    const g0 = ld(w, s), g1 = ld(w, s + ss), g2 = ld(w, s + 2 * ss), g3 = ld(w, s + 3 * ss);
    const p = add(g0, g2), q = add(g1, g3);
    const r = add(g0, mul(4, g2)), t = add(mul(2, g1), mul(8, g3));
    st(w, d, g0, false);
    st(w, d + ds, add(p, q), false);
    st(w, d + 2 * ds, sub(p, q), false);
    st(w, d + 3 * ds, add(r, t), false);
    st(w, d + 4 * ds, sub(r, t), false);
    st(w, d + 5 * ds, g3, false);
  }
}

/** The 1-D passes, by the matrix they apply (constants, so each call inlines to one). */
const BT = 0;
const B = 1;
const AT = 2;
const A = 3;

/**
 * The 1-D pass `kind` for each of C channels, 4 per vector, then singly: channel c's values are
 * read from s + 4c, `ss` bytes apart, and written (added, `acc`, for B) from d + 4c, `ds` apart;
 * AT adds bias[c] (bias an address, 0 for none).
 */
// @ts-ignore: decorator
@inline
function channels(kind: i32, m: i32, C: i32, s: usize, ss: usize, d: usize, ds: usize, acc: bool, bias: usize): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const o = <usize>c << 2;
    const beta = bias != 0 ? v128.load(bias + o) : k(0);
    if (kind == BT) btPass(m, 4, s + o, ss, d + o, ds);
    else if (kind == B) bPass(m, 4, s + o, ss, d + o, ds, acc);
    else if (kind == AT) atPass(m, 4, s + o, ss, d + o, ds, beta);
    else aPass(m, 4, s + o, ss, d + o, ds);
  }
  for (; c < C; c++) {
    const o = <usize>c << 2;
    const beta = bias != 0 ? v128.load32_zero(bias + o) : k(0);
    if (kind == BT) btPass(m, 1, s + o, ss, d + o, ds);
    else if (kind == B) bPass(m, 1, s + o, ss, d + o, ds, acc);
    else if (kind == AT) atPass(m, 1, s + o, ss, d + o, ds, beta);
    else aPass(m, 1, s + o, ss, d + o, ds);
  }
}

/** What patchPixels does: gather image pixels into the patch, or add or copy the patch back. */
const GATHER = 0;
const ADD_BACK = 1;
const COPY_BACK = 2;

/**
 * Between a rows x cols x pix-byte patch at dst, whose corner is at image pixel (y0, x0) of an
 * h x w image, and the image pixels it covers: GATHER zeroes the patch and copies them in;
 * ADD_BACK adds the patch onto them; COPY_BACK copies the patch over them.
 */
// @ts-ignore: decorator
@inline
function patchPixels(mode: i32, dst: usize, image: usize, y0: i32, x0: i32, rows: i32, cols: i32, h: i32, w: i32, pix: usize): void {
  const rowBytes = <usize>cols * pix;
  if (mode == GATHER) memory.fill(dst, 0, <usize>rows * rowBytes);
  const xa = max(0, x0), xb = min(w, x0 + cols);
  if (xb <= xa) return;
  const bytes = <usize>(xb - xa) * pix;
  for (let y = max(0, y0); y < min(h, y0 + rows); y++) {
    const p = dst + <usize>(y - y0) * rowBytes + <usize>(xa - x0) * pix;
    const q = image + (<usize>(y * w + xa)) * pix;
    if (mode == GATHER) {
      memory.copy(p, q, bytes);
    } else if (mode == COPY_BACK) {
      memory.copy(q, p, bytes);
    } else {
      let o: usize = 0;
      for (; o + 16 <= bytes; o += 16) v128.store(q + o, f32x4.add(v128.load(q + o), v128.load(p + o)));
      for (; o < bytes; o += 4) store<f32>(q + o, load<f32>(q + o) + load<f32>(p + o));
    }
  }
}

/**
 * The walk all four tile transforms share, tile by tile, between an NHWC batch `image` and the
 * transformed matrices at `tr` (element (xi, t, c) at tr + 4*(xi*stride + t*channels + c)).
 * The image side is the input (`inputSide`: a x a pixels from the tile's corner less the
 * padding, inC channels) or the output (m x m pixels, outC channels). `toTr` runs image -> tr
 * with pass `kind` (BT or A), else tr -> image (AT, writing outputs plus `bias`; or B, adding
 * onto the image). Tiles over an image's edge go through the patch. Each 1-D pass covers every
 * channel of a column, then of a row: so each touches 6 of the 36 position matrices at a time,
 * front to back (all 36 at once, per 4 channels, ran 2-3x slower).
 */
// @ts-ignore: decorator
@inline
function tileWalk(kind: i32, m: i32, toTr: bool, inputSide: bool, tr: usize, image: usize, bias: usize, g: Geometry, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const a = m + 2;
  const e = inputSide ? a : m; // tile size on the image side
  const H = inputSide ? g.inH : g.outH, W = inputSide ? g.inW : g.outW;
  const C = inputSide ? g.inC : g.outC;
  const pix = (<usize>C) << 2;
  const xi = (<usize>stride) << 2; // bytes from one position's matrix to the next
  const patch = scratch + <usize>(a * a * 16);
  const wide = patch + (<usize>(a * a * max(g.inC, g.outC)) << 2); // one tile after the first pass
  const tilesW = (g.outW + m - 1) / m;
  const perImage = ((g.outH + m - 1) / m) * tilesW;
  for (let t = 0; t < tiles; t++) {
    const id = first + t;
    const n = id / perImage;
    const y0 = ((id % perImage) / tilesW) * m - (inputSide ? g.padTop : 0);
    const x0 = ((id % perImage) % tilesW) * m - (inputSide ? g.padLeft : 0);
    const img = image + <usize>(n * H * W) * pix;
    const inside = y0 >= 0 && x0 >= 0 && y0 + e <= H && x0 + e <= W;
    let px = img + (<usize>(y0 * W + x0)) * pix;
    let row = <usize>W * pix;
    if (!inside) {
      px = patch;
      row = <usize>e * pix;
      if (toTr) patchPixels(GATHER, patch, img, y0, x0, e, e, H, W, pix);
      else if (kind == B) memory.fill(patch, 0, <usize>e * row);
    }
    const tile = tr + <usize>t * pix;
    if (toTr) {
      // Image columns (e of them) -> wide [a][e], then wide rows -> the a*a positions.
      for (let q = 0; q < e; q++) channels(kind, m, C, px + <usize>q * pix, row, wide + <usize>q * pix, <usize>e * pix, false, 0);
      for (let i = 0; i < a; i++) channels(kind, m, C, wide + <usize>(i * e) * pix, pix, tile + <usize>(i * a) * xi, xi, false, 0);
    } else {
      // Position columns (a of them) -> wide [e][a], then wide rows -> e image rows.
      for (let j = 0; j < a; j++) channels(kind, m, C, tile + <usize>j * xi, <usize>a * xi, wide + <usize>j * pix, <usize>a * pix, false, 0);
      for (let r = 0; r < e; r++) channels(kind, m, C, wide + <usize>(r * a) * pix, pix, px + <usize>r * row, pix, kind == B, bias);
      if (!inside) patchPixels(kind == B ? ADD_BACK : COPY_BACK, patch, img, y0, x0, e, e, H, W, pix);
    }
  }
}

/** V[xi][t][c] = (B^T d B)[xi] for tiles [first, first + tiles) of the input batch. */
export function winogradInput(v: usize, input: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const g = changetype<Geometry>(geometry);
  if (m == 2) tileWalk(BT, 2, true, true, v, input, 0, g, first, tiles, stride, scratch);
  else tileWalk(BT, 4, true, true, v, input, 0, g, first, tiles, stride, scratch);
}

/** out = (A^T M A)[tile] + bias for tiles [first, first + tiles); bias 0 for none. */
export function winogradOutput(out: usize, mm: usize, bias: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const g = changetype<Geometry>(geometry);
  if (m == 2) tileWalk(AT, 2, false, false, mm, out, bias, g, first, tiles, stride, scratch);
  else tileWalk(AT, 4, false, false, mm, out, bias, g, first, tiles, stride, scratch);
}

/** dM[xi][t][k] = (A dY A^T)[xi] for tiles [first, first + tiles) of dOut (zeros outside). */
export function winogradOutputAdjoint(dm: usize, dOut: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const g = changetype<Geometry>(geometry);
  if (m == 2) tileWalk(A, 2, true, false, dm, dOut, 0, g, first, tiles, stride, scratch);
  else tileWalk(A, 4, true, false, dm, dOut, 0, g, first, tiles, stride, scratch);
}

/** dIn += (B dV B^T)[tile], overlap-added, for tiles [first, first + tiles); pixels in the padding drop. */
export function winogradInputAdjoint(dIn: usize, dv: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const g = changetype<Geometry>(geometry);
  if (m == 2) tileWalk(B, 2, false, true, dv, dIn, 0, g, first, tiles, stride, scratch);
  else tileWalk(B, 4, false, true, dv, dIn, 0, g, first, tiles, stride, scratch);
}

/** Out (a values) = G . in (3 values): one side of the filter transform G g G^T. */
// @ts-ignore: decorator
@inline
function gPass(m: i32, lw: i32, s: usize, ss: usize, d: usize, ds: usize): void {
  const g0 = ld(lw, s), g1 = ld(lw, s + ss), g2 = ld(lw, s + 2 * ss);
  if (m == 2) {
    const p = mul(0.5, add(g0, g2)), h = mul(0.5, g1);
    v128.store(d, g0);
    v128.store(d + ds, add(p, h));
    v128.store(d + 2 * ds, sub(p, h));
    v128.store(d + 3 * ds, g2);
  } else {
    const p = mul(<f32>(-1.0 / 6), add(g0, g2)), h = mul(<f32>(1.0 / 6), g1);
    const q = add(mul(<f32>(1.0 / 24), g0), mul(<f32>(1.0 / 6), g2)), e = mul(<f32>(1.0 / 12), g1);
    v128.store(d, mul(0.25, g0));
    v128.store(d + ds, sub(p, h));
    v128.store(d + 2 * ds, add(p, h));
    v128.store(d + 3 * ds, add(q, e));
    v128.store(d + 4 * ds, sub(q, e));
    v128.store(d + 5 * ds, g2);
  }
}

/** Out (3 values) (+)= G^T . in (a values): the adjoint of gPass. */
// @ts-ignore: decorator
@inline
function gtPass(m: i32, sw: i32, s: usize, ss: usize, d: usize, ds: usize, acc: bool): void {
  if (m == 2) {
    const y0 = v128.load(s), y1 = v128.load(s + ss), y2 = v128.load(s + 2 * ss), y3 = v128.load(s + 3 * ss);
    const h = mul(0.5, add(y1, y2));
    st(sw, d, add(y0, h), acc);
    st(sw, d + ds, mul(0.5, sub(y1, y2)), acc);
    st(sw, d + 2 * ds, add(h, y3), acc);
  } else {
    const y0 = v128.load(s), y1 = v128.load(s + ss), y2 = v128.load(s + 2 * ss);
    const y3 = v128.load(s + 3 * ss), y4 = v128.load(s + 4 * ss), y5 = v128.load(s + 5 * ss);
    const p12 = add(y1, y2), p34 = add(y3, y4);
    st(sw, d, add(sub(mul(0.25, y0), mul(<f32>(1.0 / 6), p12)), mul(<f32>(1.0 / 24), p34)), acc);
    st(sw, d + ds, add(mul(<f32>(1.0 / 6), sub(y2, y1)), mul(<f32>(1.0 / 12), sub(y3, y4))), acc);
    st(sw, d + 2 * ds, add(mul(<f32>(1.0 / 6), sub(p34, p12)), y5), acc);
  }
}

/**
 * U = G g G^T for every filter g of HWIO `filters` [3, 3, C, K]: U[xi][c][k], or, `transposed`
 * (for the input gradient's products), U[xi][k][c]. `scratch` holds a*3 vectors.
 */
export function winogradFilters(u: usize, filters: usize, C: i32, K: i32, m: i32, transposed: bool, scratch: usize): void {
  if (m == 2) filterTiles(2, u, filters, C, K, transposed, scratch);
  else filterTiles(4, u, filters, C, K, transposed, scratch);
}

// @ts-ignore: decorator
@inline
function filterTiles(m: i32, u: usize, filters: usize, C: i32, K: i32, transposed: bool, tmp: usize): void {
  const a = m + 2;
  const tap = (<usize>(C * K)) << 2; // bytes from one filter tap (r, s) to the next
  const xi = tap; // U has a*a positions of C x K
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < K; k += 4) {
      const w = K - k >= 4 ? 4 : 1;
      const src = filters + (<usize>(c * K + k) << 2);
      // Columns: t[i][s] = (G g)[i][s], 3 columns of a values (rows 3*16 bytes apart).
      for (let s = 0; s < 3; s++) {
        if (w == 4) gPass(m, 4, src + <usize>s * tap, 3 * tap, tmp + <usize>s * 16, 48);
        else gPass(m, 1, src + <usize>s * tap, 3 * tap, tmp + <usize>s * 16, 48);
      }
      // Rows: U[i][j] = (t G^T)[i][j], into the scratch's second half, then out.
      const row = tmp + <usize>(a * 48);
      for (let i = 0; i < a; i++) {
        gPass(m, 4, tmp + <usize>i * 48, 16, row, 16);
        for (let j = 0; j < a; j++) {
          const v = v128.load(row + <usize>j * 16);
          const base = u + <usize>(i * a + j) * xi;
          if (!transposed) {
            st(w, base + (<usize>(c * K + k) << 2), v, false);
          } else {
            const p = base + (<usize>(k * C + c) << 2);
            const cs = (<usize>C) << 2;
            store<f32>(p, f32x4.extract_lane(v, 0));
            if (w == 4) {
              store<f32>(p + cs, f32x4.extract_lane(v, 1));
              store<f32>(p + 2 * cs, f32x4.extract_lane(v, 2));
              store<f32>(p + 3 * cs, f32x4.extract_lane(v, 3));
            }
          }
        }
      }
      if (w == 1) k -= 3; // single-channel tail: step one k at a time
    }
  }
}

/** dFilters [3, 3, C, K] += G^T dU G for dU[xi][c][k]. `scratch` holds 4*a vectors. */
export function winogradFilterGradient(dFilters: usize, du: usize, C: i32, K: i32, m: i32, scratch: usize): void {
  if (m == 2) filterGradientTiles(2, dFilters, du, C, K, scratch);
  else filterGradientTiles(4, dFilters, du, C, K, scratch);
}

// @ts-ignore: decorator
@inline
function filterGradientTiles(m: i32, dFilters: usize, du: usize, C: i32, K: i32, tmp: usize): void {
  const a = m + 2;
  const tap = (<usize>(C * K)) << 2;
  const tmpRow = <usize>(a * 16);
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < K; k += 4) {
      const w = K - k >= 4 ? 4 : 1;
      const off = <usize>(c * K + k) << 2;
      // Columns j of dU: t[r][j] = (G^T dU)[r][j], 3 rows of a values.
      for (let j = 0; j < a; j++) {
        const src = du + off + <usize>j * tap;
        for (let i = 0; i < a; i++) v128.store(tmp + <usize>(3 * tmpRow) + <usize>i * 16, ld(w, src + <usize>(i * a) * tap));
        gtPass(m, 4, tmp + <usize>(3 * tmpRow), 16, tmp + <usize>j * 16, tmpRow, false);
      }
      // Rows r: dg[r][s] += (t G)[r][s].
      for (let r = 0; r < 3; r++) {
        if (w == 4) gtPass(m, 4, tmp + <usize>r * tmpRow, 16, dFilters + off + <usize>(r * 3) * tap, tap, true);
        else gtPass(m, 1, tmp + <usize>r * tmpRow, 16, dFilters + off + <usize>(r * 3) * tap, tap, true);
      }
      if (w == 1) k -= 3;
    }
  }
}
