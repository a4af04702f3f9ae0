/**
 * Max pooling of src/kernels/maxPool2d.ts in f32 SIMD (4 channels per vector), no padding.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

import { Geometry } from './geometry';

/**
 * Max pooling, no padding: out = window maxima and argmax = the element index (into the whole
 * input batch) of the FIRST maximum in row-major window order, as src/kernels/maxPool2d.ts.
 */
export function maxPoolForward(out: usize, argmax: usize, input: usize, geometry: usize): void {
  windows(changetype<Geometry>(geometry), input, out, argmax, 0, 0, false);
}

/**
 * dIn[argmax[o]] += dOut[o] for each of the n outputs in order: the gradient routed to each
 * window's recorded first maximum (the caller zeroes dIn).
 */
export function maxPoolBackwardFirst(dIn: usize, dOut: usize, argmax: usize, n: i32): void {
  const bytes = (<usize>n) << 2;
  for (let o: usize = 0; o < bytes; o += 4) {
    const p = dIn + ((<usize>load<i32>(argmax + o)) << 2);
    store<f32>(p, load<f32>(p) + load<f32>(dOut + o));
  }
}

/** dIn += dOut routed to every input equal to its window's maximum (the tutorial's rule). */
export function maxPoolBackwardAllTies(dIn: usize, dOut: usize, input: usize, out: usize, geometry: usize): void {
  windows(changetype<Geometry>(geometry), input, out, 0, dIn, dOut, true);
}

/**
 * The walk both passes share: every window in output order (image, row, column), with `o` the
 * byte offset of its first channel in out, argmax and dOut. Inlined with `backward` a constant,
 * each caller keeps only its own work per window.
 */
// @ts-ignore: decorator
@inline
function windows(g: Geometry, input: usize, out: usize, argmax: usize, dIn: usize, dOut: usize, backward: bool): void {
  // Locals, not record fields, in the loops: the stores would make every field reload.
  const C = g.inC;
  const line = g.inW * C;
  const kH = g.kernelH;
  const kW = g.kernelW;
  const outH = g.outH;
  const outW = g.outW;
  const rowStep = g.stride * line;
  const step = g.stride * C;
  const windowBytes = (<usize>C) << 2;
  let o: usize = 0;
  for (let n = 0; n < g.batch; n++) {
    const imageOff = n * g.inH * line;
    for (let oy = 0, rowCorner = imageOff; oy < outH; oy++, rowCorner += rowStep) {
      for (let ox = 0, corner = rowCorner; ox < outW; ox++, corner += step, o += windowBytes) {
        if (backward) routeToMaxima(dIn, input, out + o, dOut + o, corner, C, line, kH, kW);
        else if (kH == 2 && kW == 2) windowMax2x2(out + o, argmax + o, input, corner, C, line);
        else windowMax(out + o, argmax + o, input, corner, C, line, kH, kW);
      }
    }
  }
}

/**
 * The maxima of the window at element `corner` of input (C channels, rows `line` elements apart,
 * kH x kW pixels) and the index of each first maximum.
 */
// @ts-ignore: decorator
@inline
function windowMax(out: usize, argmax: usize, input: usize, corner: i32, C: i32, line: i32, kH: i32, kW: i32): void {
  const lanes = i32x4(0, 1, 2, 3);
  let c = 0;
  for (; c <= C - 4; c += 4) {
    let best = i32x4.add(i32x4.splat(corner + c), lanes);
    let max = v128.load(input + ((<usize>(corner + c)) << 2));
    for (let ky = 0; ky < kH; ky++) {
      let idx = corner + ky * line + c;
      for (let kx = 0; kx < kW; kx++, idx += C) {
        const v = v128.load(input + ((<usize>idx) << 2));
        const gt = f32x4.gt(v, max);
        max = v128.bitselect(v, max, gt);
        best = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), best, gt);
      }
    }
    v128.store(out + ((<usize>c) << 2), max);
    v128.store(argmax + ((<usize>c) << 2), best);
  }
  for (; c < C; c++) channelMax(out, argmax, input, corner, c, C, line, kH, kW);
}

/** windowMax for channel c alone: its maximum over the window and the index of the first. */
// @ts-ignore: decorator
@inline
function channelMax(out: usize, argmax: usize, input: usize, corner: i32, c: i32, C: i32, line: i32, kH: i32, kW: i32): void {
  let best = corner + c;
  let max = load<f32>(input + ((<usize>best) << 2));
  for (let ky = 0; ky < kH; ky++) {
    let idx = corner + ky * line + c;
    for (let kx = 0; kx < kW; kx++, idx += C) {
      const v = load<f32>(input + ((<usize>idx) << 2));
      if (v > max) {
        max = v;
        best = idx;
      }
    }
  }
  store<f32>(out + ((<usize>c) << 2), max);
  store<i32>(argmax + ((<usize>c) << 2), best);
}

/**
 * windowMax for the common 2 x 2 window, unrolled: the four pixels' element offsets are fixed,
 * and the loops over the window would cost as much as its work. Same maxima, same first argmax.
 */
// @ts-ignore: decorator
@inline
function windowMax2x2(out: usize, argmax: usize, input: usize, corner: i32, C: i32, line: i32): void {
  let c = 0;
  for (; c <= C - 4; c += 4) {
    const i0 = corner + c;
    const p = input + ((<usize>i0) << 2);
    const v0 = v128.load(p);
    const v1 = v128.load(p + ((<usize>C) << 2));
    const v2 = v128.load(p + ((<usize>line) << 2));
    const v3 = v128.load(p + ((<usize>(line + C)) << 2));
    // The offset of each lane's first maximum from i0, then the index.
    let max = v0;
    let off = i32x4.splat(0);
    let gt = f32x4.gt(v1, max);
    max = v128.bitselect(v1, max, gt);
    off = v128.bitselect(i32x4.splat(C), off, gt);
    gt = f32x4.gt(v2, max);
    max = v128.bitselect(v2, max, gt);
    off = v128.bitselect(i32x4.splat(line), off, gt);
    gt = f32x4.gt(v3, max);
    max = v128.bitselect(v3, max, gt);
    off = v128.bitselect(i32x4.splat(line + C), off, gt);
    v128.store(out + ((<usize>c) << 2), max);
    v128.store(argmax + ((<usize>c) << 2), i32x4.add(off, i32x4.add(i32x4.splat(i0), i32x4(0, 1, 2, 3))));
  }
  for (; c < C; c++) channelMax(out, argmax, input, corner, c, C, line, 2, 2);
}

/** dIn += dOut routed to every input of the window at `corner` equal to its maximum in out. */
// @ts-ignore: decorator
@inline
function routeToMaxima(dIn: usize, input: usize, out: usize, dOut: usize, corner: i32, C: i32, line: i32, kH: i32, kW: i32): void {
  let c = 0;
  for (; c <= C - 4; c += 4) {
    const max = v128.load(out + ((<usize>c) << 2));
    const d = v128.load(dOut + ((<usize>c) << 2));
    for (let ky = 0; ky < kH; ky++) {
      let idx = corner + ky * line + c;
      for (let kx = 0; kx < kW; kx++, idx += C) {
        const p = (<usize>idx) << 2;
        const hit = f32x4.eq(v128.load(input + p), max);
        v128.store(dIn + p, f32x4.add(v128.load(dIn + p), v128.and(d, hit)));
      }
    }
  }
  for (; c < C; c++) {
    const max = load<f32>(out + ((<usize>c) << 2));
    const d = load<f32>(dOut + ((<usize>c) << 2));
    for (let ky = 0; ky < kH; ky++) {
      let idx = corner + ky * line + c;
      for (let kx = 0; kx < kW; kx++, idx += C) {
        const p = (<usize>idx) << 2;
        if (load<f32>(input + p) == max) store<f32>(dIn + p, load<f32>(dIn + p) + d);
      }
    }
  }
}
