/**
 * Max pooling of src/kernels/maxPool2d.ts in f32 SIMD (4 channels per vector), no padding.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/**
 * Max pooling, no padding: out = window maxima and argmax = the element index (into the whole
 * input batch) of the FIRST maximum in row-major window order, as src/kernels/maxPool2d.ts.
 */
export function maxPoolForward(
  out: usize,
  argmax: usize,
  input: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
): void {
  const C4 = C & ~3;
  const lanes = i32x4(0, 1, 2, 3);
  let o: usize = 0;
  for (let n = 0; n < batch; n++) {
    const imageOff = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = imageOff + (oy * stride * inW + ox * stride) * C;
        let c = 0;
        for (; c < C4; c += 4, o += 4) {
          let best = i32x4.add(i32x4.splat(corner + c), lanes);
          let max = v128.load(input + ((<usize>(corner + c)) << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const v = v128.load(input + ((<usize>idx) << 2));
              const gt = f32x4.gt(v, max);
              max = v128.bitselect(v, max, gt);
              best = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), best, gt);
            }
          }
          v128.store(out + (o << 2), max);
          v128.store(argmax + (o << 2), best);
        }
        for (; c < C; c++, o++) {
          let best = corner + c;
          let max = load<f32>(input + ((<usize>best) << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const v = load<f32>(input + ((<usize>idx) << 2));
              if (v > max) {
                max = v;
                best = idx;
              }
            }
          }
          store<f32>(out + (o << 2), max);
          store<i32>(argmax + (o << 2), best);
        }
      }
    }
  }
}

/** dIn += dOut routed to every input equal to its window's maximum (the tutorial's rule). */
export function maxPoolBackwardAllTies(
  dIn: usize,
  dOut: usize,
  input: usize,
  out: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  stride: i32,
): void {
  const C4 = C & ~3;
  let o: usize = 0;
  for (let n = 0; n < batch; n++) {
    const imageOff = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = imageOff + (oy * stride * inW + ox * stride) * C;
        let c = 0;
        for (; c < C4; c += 4, o += 4) {
          const max = v128.load(out + (o << 2));
          const d = v128.load(dOut + (o << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const p = (<usize>idx) << 2;
              const hit = f32x4.eq(v128.load(input + p), max);
              v128.store(dIn + p, f32x4.add(v128.load(dIn + p), v128.and(d, hit)));
            }
          }
        }
        for (; c < C; c++, o++) {
          const max = load<f32>(out + (o << 2));
          const d = load<f32>(dOut + (o << 2));
          for (let ky = 0; ky < kH; ky++) {
            let idx = corner + ky * inW * C + c;
            for (let kx = 0; kx < kW; kx++, idx += C) {
              const p = (<usize>idx) << 2;
              if (load<f32>(input + p) == max) store<f32>(dIn + p, load<f32>(dIn + p) + d);
            }
          }
        }
      }
    }
  }
}
