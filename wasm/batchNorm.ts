/**
 * Batch normalisation of src/kernels/batchNorm.ts in SIMD, 4 channels per f32 vector. The
 * TypeScript kernels compute in float64 (sums, and every per-value formula before its result is
 * stored as float32); these do the same in f64x2 lanes, each channel's sums in the same row
 * order, so both paths give the same bits. Per-channel operands come as f64 arrays of C values
 * (`stats`: several such arrays back to back, C * 8 bytes apart); input and output arrays are f32
 * [rows, C] with the channels innermost (NHWC).
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

/** Lanes 0-1 of an f32x4 as f64x2. */
// @ts-ignore: decorator
@inline
function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2-3 of an f32x4 as f64x2. */
// @ts-ignore: decorator
@inline
function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded to f32 and joined: lo's lanes then hi's. */
// @ts-ignore: decorator
@inline
function joined(lo: v128, hi: v128): v128 {
  return f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** p[0..1] += v (f64x2 at byte address p). */
// @ts-ignore: decorator
@inline
function addTo(p: usize, v: v128): void {
  v128.store(p, f64x2.add(v128.load(p), v));
}

/** The f64 per-channel value at stats array `k` (of C values each), channel byte offset c8. */
// @ts-ignore: decorator
@inline
function stat(stats: usize, k: usize, c8: usize): f64 {
  return load<f64>(stats + k + c8);
}

/** sum[c] += x[r][c] over rows r (sum: f64[C]). */
export function batchNormChannelSums(sum: usize, input: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  let x = input;
  for (let r = 0; r < rows; r++, x += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const v = v128.load(x + ((<usize>c) << 2));
      const s = sum + ((<usize>c) << 3);
      addTo(s, low(v));
      addTo(s + 16, high(v));
    }
    for (; c < C; c++) {
      const s = sum + ((<usize>c) << 3);
      store<f64>(s, load<f64>(s) + <f64>load<f32>(x + ((<usize>c) << 2)));
    }
  }
}

/** sumSq[c] += (x[r][c] - mean[c])^2 over rows r (sumSq, mean: f64[C]). */
export function batchNormSquaredDeviationSums(sumSq: usize, input: usize, mean: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  let x = input;
  for (let r = 0; r < rows; r++, x += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const v = v128.load(x + ((<usize>c) << 2));
      const c8 = (<usize>c) << 3;
      const d0 = f64x2.sub(low(v), v128.load(mean + c8));
      const d1 = f64x2.sub(high(v), v128.load(mean + c8 + 16));
      addTo(sumSq + c8, f64x2.mul(d0, d0));
      addTo(sumSq + c8 + 16, f64x2.mul(d1, d1));
    }
    for (; c < C; c++) {
      const c8 = (<usize>c) << 3;
      const d = <f64>load<f32>(x + ((<usize>c) << 2)) - load<f64>(mean + c8);
      store<f64>(sumSq + c8, load<f64>(sumSq + c8) + d * d);
    }
  }
}

/**
 * h = (x - mean) * invStd, xhat = h, out = gamma * h + beta, with stats = [mean, invStd, gamma,
 * beta] (f64[C] each).
 */
export function batchNormNormalize(out: usize, xhat: usize, input: usize, stats: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  const k = (<usize>C) << 3; // bytes from one stats array to the next
  let o: usize = 0;
  for (let r = 0; r < rows; r++, o += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const c4 = o + ((<usize>c) << 2);
      const c8 = stats + ((<usize>c) << 3);
      const v = v128.load(input + c4);
      const h0 = f64x2.mul(f64x2.sub(low(v), v128.load(c8)), v128.load(c8 + k));
      const h1 = f64x2.mul(f64x2.sub(high(v), v128.load(c8 + 16)), v128.load(c8 + k + 16));
      v128.store(xhat + c4, joined(h0, h1));
      const y0 = f64x2.add(f64x2.mul(v128.load(c8 + 2 * k), h0), v128.load(c8 + 3 * k));
      const y1 = f64x2.add(f64x2.mul(v128.load(c8 + 2 * k + 16), h1), v128.load(c8 + 3 * k + 16));
      v128.store(out + c4, joined(y0, y1));
    }
    for (; c < C; c++) {
      const c4 = o + ((<usize>c) << 2);
      const c8 = (<usize>c) << 3;
      const h = (<f64>load<f32>(input + c4) - stat(stats, 0, c8)) * stat(stats, k, c8);
      store<f32>(xhat + c4, <f32>h);
      store<f32>(out + c4, <f32>(stat(stats, 2 * k, c8) * h + stat(stats, 3 * k, c8)));
    }
  }
}

/** out = (x - runningMean) * scale + beta, with stats = [runningMean, scale, beta] (f64[C] each). */
export function batchNormInference(out: usize, input: usize, stats: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  const k = (<usize>C) << 3;
  let o: usize = 0;
  for (let r = 0; r < rows; r++, o += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const c4 = o + ((<usize>c) << 2);
      const c8 = stats + ((<usize>c) << 3);
      const v = v128.load(input + c4);
      const y0 = f64x2.mul(f64x2.sub(low(v), v128.load(c8)), v128.load(c8 + k));
      const y1 = f64x2.mul(f64x2.sub(high(v), v128.load(c8 + 16)), v128.load(c8 + k + 16));
      const z0 = f64x2.add(y0, v128.load(c8 + 2 * k));
      const z1 = f64x2.add(y1, v128.load(c8 + 2 * k + 16));
      v128.store(out + c4, joined(z0, z1));
    }
    for (; c < C; c++) {
      const c4 = o + ((<usize>c) << 2);
      const c8 = (<usize>c) << 3;
      const y = (<f64>load<f32>(input + c4) - stat(stats, 0, c8)) * stat(stats, k, c8);
      store<f32>(out + c4, <f32>(y + stat(stats, 2 * k, c8)));
    }
  }
}

/** sums = [sumDy, sumDyXhat] (f64[C] each): sumDy[c] += dy, sumDyXhat[c] += dy * xhat over rows. */
export function batchNormBackwardSums(sums: usize, dOut: usize, xhat: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  const k = (<usize>C) << 3;
  let o: usize = 0;
  for (let r = 0; r < rows; r++, o += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const c4 = o + ((<usize>c) << 2);
      const s = sums + ((<usize>c) << 3);
      const dy = v128.load(dOut + c4);
      const h = v128.load(xhat + c4);
      const dy0 = low(dy);
      const dy1 = high(dy);
      addTo(s, dy0);
      addTo(s + 16, dy1);
      addTo(s + k, f64x2.mul(dy0, low(h)));
      addTo(s + k + 16, f64x2.mul(dy1, high(h)));
    }
    for (; c < C; c++) {
      const c4 = o + ((<usize>c) << 2);
      const s = sums + ((<usize>c) << 3);
      const dy = <f64>load<f32>(dOut + c4);
      store<f64>(s, load<f64>(s) + dy);
      store<f64>(s + k, load<f64>(s + k) + dy * <f64>load<f32>(xhat + c4));
    }
  }
}

/**
 * dx = scale * (dy - meanDy - xhat * meanDyXhat), with stats = [scale, meanDy, meanDyXhat]
 * (f64[C] each; scale = gamma * invStd).
 */
export function batchNormBackwardInput(dIn: usize, dOut: usize, xhat: usize, stats: usize, rows: i32, C: i32): void {
  const C4 = C & ~3;
  const row = (<usize>C) << 2;
  const k = (<usize>C) << 3;
  let o: usize = 0;
  for (let r = 0; r < rows; r++, o += row) {
    let c = 0;
    for (; c < C4; c += 4) {
      const c4 = o + ((<usize>c) << 2);
      const c8 = stats + ((<usize>c) << 3);
      const dy = v128.load(dOut + c4);
      const h = v128.load(xhat + c4);
      const t0 = f64x2.sub(f64x2.sub(low(dy), v128.load(c8 + k)), f64x2.mul(low(h), v128.load(c8 + 2 * k)));
      const t1 = f64x2.sub(
        f64x2.sub(high(dy), v128.load(c8 + k + 16)),
        f64x2.mul(high(h), v128.load(c8 + 2 * k + 16)),
      );
      v128.store(dIn + c4, joined(f64x2.mul(v128.load(c8), t0), f64x2.mul(v128.load(c8 + 16), t1)));
    }
    for (; c < C; c++) {
      const c4 = o + ((<usize>c) << 2);
      const c8 = (<usize>c) << 3;
      const dy = <f64>load<f32>(dOut + c4);
      const h = <f64>load<f32>(xhat + c4);
      const t = dy - stat(stats, k, c8) - h * stat(stats, 2 * k, c8);
      store<f32>(dIn + c4, <f32>(stat(stats, 0, c8) * t));
    }
  }
}
