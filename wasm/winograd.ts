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

/** Tiles per row of tiles, and per image. */
// @ts-ignore: decorator
@inline
function tilesPerRow(m: i32, g: Geometry): i32 {
  return (g.outW + m - 1) / m;
}

/**
 * Zeroes a rows x cols x pix-byte patch at dst, then copies (or, `back`, adds the patch onto)
 * the image pixels it covers, the patch's corner at image pixel (y0, x0) of an h x w image.
 */
// @ts-ignore: decorator
@inline
function patchPixels(dst: usize, image: usize, y0: i32, x0: i32, rows: i32, cols: i32, h: i32, w: i32, pix: usize, back: bool): void {
  const rowBytes = <usize>cols * pix;
  if (!back) memory.fill(dst, 0, <usize>rows * rowBytes);
  const xa = max(0, x0), xb = min(w, x0 + cols);
  if (xb <= xa) return;
  const bytes = <usize>(xb - xa) * pix;
  for (let y = max(0, y0); y < min(h, y0 + rows); y++) {
    const p = dst + <usize>(y - y0) * rowBytes + <usize>(xa - x0) * pix;
    const q = image + (<usize>(y * w + xa)) * pix;
    if (!back) {
      memory.copy(p, q, bytes);
      continue;
    }
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) v128.store(q + o, f32x4.add(v128.load(q + o), v128.load(p + o)));
    for (; o < bytes; o += 4) store<f32>(q + o, load<f32>(q + o) + load<f32>(p + o));
  }
}

/** V[xi][t][c] = (B^T d B)[xi] for tiles [first, first + tiles) of the input batch. */
export function winogradInput(v: usize, input: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  if (m == 2) inputTiles(2, v, input, changetype<Geometry>(geometry), first, tiles, stride, scratch);
  else inputTiles(4, v, input, changetype<Geometry>(geometry), first, tiles, stride, scratch);
}

// @ts-ignore: decorator
@inline
function inputTiles(m: i32, v: usize, input: usize, g: Geometry, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const a = m + 2;
  const C = g.inC, H = g.inH, W = g.inW;
  const pix = (<usize>C) << 2;
  const xi = (<usize>stride) << 2; // bytes from one position's matrix to the next
  const patch = scratch + <usize>(a * a * 16);
  // (B^T d)[i][j][c] of one tile, after the patch.
  const wide = patch + (<usize>(a * a * max(C, g.outC)) << 2);
  const wideRow = <usize>a * pix;
  const tilesW = tilesPerRow(m, g);
  const perImage = ((g.outH + m - 1) / m) * tilesW;
  for (let t = 0; t < tiles; t++) {
    const id = first + t;
    const n = id / perImage;
    const oy = ((id % perImage) / tilesW) * m;
    const ox = ((id % perImage) % tilesW) * m;
    const y0 = oy - g.padTop, x0 = ox - g.padLeft;
    const image = input + <usize>(n * H * W) * pix;
    let src = image + (<usize>(y0 * W + x0)) * pix;
    let row = <usize>W * pix;
    if (y0 < 0 || x0 < 0 || y0 + a > H || x0 + a > W) {
      patchPixels(patch, image, y0, x0, a, a, H, W, pix, false);
      src = patch;
      row = <usize>a * pix;
    }
    const dst = v + <usize>t * pix;
    // Every channel of a column, then every channel of a row: each pass then writes 6 of the
    // 36 position matrices at a time, front to back (as the output transform reads them).
    for (let j = 0; j < a; j++) {
      const s = src + <usize>j * pix;
      const d = wide + <usize>j * pix;
      channels(BT, m, C, s, row, d, wideRow, false, 0);
    }
    for (let i = 0; i < a; i++) {
      const s = wide + <usize>i * wideRow;
      const d = dst + <usize>(i * a) * xi;
      channels(BT, m, C, s, pix, d, xi, false, 0);
    }
  }
}

/** out = (A^T M A)[tile] + bias for tiles [first, first + tiles); bias 0 for none. */
export function winogradOutput(out: usize, mm: usize, bias: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  if (m == 2) outputTiles(2, out, mm, bias, changetype<Geometry>(geometry), first, tiles, stride, scratch);
  else outputTiles(4, out, mm, bias, changetype<Geometry>(geometry), first, tiles, stride, scratch);
}

// @ts-ignore: decorator
@inline
function outputTiles(m: i32, out: usize, mm: usize, bias: usize, g: Geometry, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const a = m + 2;
  const K = g.outC, H = g.outH, W = g.outW;
  const pix = (<usize>K) << 2;
  const xi = (<usize>stride) << 2;
  const patch = scratch + <usize>(a * a * 16);
  // (A^T M)[r][j][k] of one tile, after the patch.
  const wide = patch + (<usize>(a * a * max(g.inC, K)) << 2);
  const wideRow = <usize>a * pix;
  const tilesW = tilesPerRow(m, g);
  const perImage = ((g.outH + m - 1) / m) * tilesW;
  for (let t = 0; t < tiles; t++) {
    const id = first + t;
    const n = id / perImage;
    const oy = ((id % perImage) / tilesW) * m;
    const ox = ((id % perImage) % tilesW) * m;
    const image = out + <usize>(n * H * W) * pix;
    const inside = oy + m <= H && ox + m <= W;
    const dst = inside ? image + (<usize>(oy * W + ox)) * pix : patch;
    const row = inside ? <usize>W * pix : <usize>m * pix;
    const src = mm + <usize>t * pix;
    // Column pass over every channel before the row pass: reading 6 positions' matrices at a
    // time, each front to back, keeps the loads streaming (all 36 at once ran 2-3x slower).
    for (let j = 0; j < a; j++) {
      const s = src + <usize>j * xi;
      const d = wide + <usize>j * pix;
      channels(AT, m, K, s, <usize>a * xi, d, wideRow, false, 0);
    }
    for (let r = 0; r < m; r++) {
      const s = wide + <usize>r * wideRow;
      const d = dst + <usize>r * row;
      channels(AT, m, K, s, pix, d, pix, false, bias);
    }
    if (!inside) {
      // Copy the pixels of the tile that lie inside the output.
      const rows = min(m, H - oy), cols = min(m, W - ox);
      for (let y = 0; y < rows; y++) {
        memory.copy(image + (<usize>((oy + y) * W + ox)) * pix, patch + <usize>y * row, <usize>cols * pix);
      }
    }
  }
}

/** dM[xi][t][k] = (A dY A^T)[xi] for tiles [first, first + tiles) of dOut (zeros outside). */
export function winogradOutputAdjoint(dm: usize, dOut: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  if (m == 2) outputAdjointTiles(2, dm, dOut, changetype<Geometry>(geometry), first, tiles, stride, scratch);
  else outputAdjointTiles(4, dm, dOut, changetype<Geometry>(geometry), first, tiles, stride, scratch);
}

// @ts-ignore: decorator
@inline
function outputAdjointTiles(m: i32, dm: usize, dOut: usize, g: Geometry, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const a = m + 2;
  const K = g.outC, H = g.outH, W = g.outW;
  const pix = (<usize>K) << 2;
  const xi = (<usize>stride) << 2;
  const patch = scratch + <usize>(a * a * 16);
  // (A dY)[i][q][k] of one tile, after the patch.
  const wide = patch + (<usize>(a * a * max(g.inC, K)) << 2);
  const wideRow = <usize>m * pix;
  const tilesW = tilesPerRow(m, g);
  const perImage = ((g.outH + m - 1) / m) * tilesW;
  for (let t = 0; t < tiles; t++) {
    const id = first + t;
    const n = id / perImage;
    const oy = ((id % perImage) / tilesW) * m;
    const ox = ((id % perImage) % tilesW) * m;
    const image = dOut + <usize>(n * H * W) * pix;
    let src = image + (<usize>(oy * W + ox)) * pix;
    let row = <usize>W * pix;
    if (oy + m > H || ox + m > W) {
      patchPixels(patch, image, oy, ox, m, m, H, W, pix, false);
      src = patch;
      row = <usize>m * pix;
    }
    const dst = dm + <usize>t * pix;
    // Channels innermost in both passes, as in the forward transforms.
    for (let q = 0; q < m; q++) {
      const s = src + <usize>q * pix;
      const d = wide + <usize>q * pix;
      channels(A, m, K, s, row, d, wideRow, false, 0);
    }
    for (let i = 0; i < a; i++) {
      const s = wide + <usize>i * wideRow;
      const d = dst + <usize>(i * a) * xi;
      channels(A, m, K, s, pix, d, xi, false, 0);
    }
  }
}

/** dIn += (B dV B^T)[tile], overlap-added, for tiles [first, first + tiles); pixels in the padding drop. */
export function winogradInputAdjoint(dIn: usize, dv: usize, geometry: usize, m: i32, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  if (m == 2) inputAdjointTiles(2, dIn, dv, changetype<Geometry>(geometry), first, tiles, stride, scratch);
  else inputAdjointTiles(4, dIn, dv, changetype<Geometry>(geometry), first, tiles, stride, scratch);
}

// @ts-ignore: decorator
@inline
function inputAdjointTiles(m: i32, dIn: usize, dv: usize, g: Geometry, first: i32, tiles: i32, stride: i32, scratch: usize): void {
  const a = m + 2;
  const C = g.inC, H = g.inH, W = g.inW;
  const pix = (<usize>C) << 2;
  const xi = (<usize>stride) << 2;
  const patch = scratch + <usize>(a * a * 16);
  // (B dV)[i][j][c] of one tile, after the patch.
  const wide = patch + (<usize>(a * a * max(C, g.outC)) << 2);
  const wideRow = <usize>a * pix;
  const tilesW = tilesPerRow(m, g);
  const perImage = ((g.outH + m - 1) / m) * tilesW;
  for (let t = 0; t < tiles; t++) {
    const id = first + t;
    const n = id / perImage;
    const oy = ((id % perImage) / tilesW) * m;
    const ox = ((id % perImage) % tilesW) * m;
    const y0 = oy - g.padTop, x0 = ox - g.padLeft;
    const image = dIn + <usize>(n * H * W) * pix;
    const inside = y0 >= 0 && x0 >= 0 && y0 + a <= H && x0 + a <= W;
    let dst = image + (<usize>(y0 * W + x0)) * pix;
    let row = <usize>W * pix;
    if (!inside) {
      dst = patch;
      row = <usize>a * pix;
      memory.fill(patch, 0, <usize>a * row);
    }
    const src = dv + <usize>t * pix;
    for (let j = 0; j < a; j++) {
      const q = src + <usize>j * xi;
      const d = wide + <usize>j * pix;
      channels(B, m, C, q, <usize>a * xi, d, wideRow, false, 0);
    }
    for (let i = 0; i < a; i++) {
      const q = wide + <usize>i * wideRow;
      const d = dst + <usize>i * row;
      channels(B, m, C, q, pix, d, pix, true, 0);
    }
    if (!inside) patchPixels(patch, image, y0, x0, a, a, H, W, pix, true);
  }
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
