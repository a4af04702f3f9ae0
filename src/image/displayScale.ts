/**
 * Turning signed float maps (filter responses, weights, activations) into displayable bytes.
 * Three scalings, each named for what it shows:
 * - `absClipToBytes`: |v| with 0 black and the p-th percentile of |v| white, brighter clipped
 *   (edge strength; a percentile rather than the maximum so one extreme pixel cannot darken a photo);
 * - `minMaxToBytes`: min black, max white (the pattern within one map);
 * - `symmetricToBytes`: 0 mid-gray, -s black, +s white for a shared s (signs and relative sizes).
 */

const HISTOGRAM_BINS = 4096;

/** The p-th percentile (0 < p <= 100) of |v|, from a histogram: exact to 1/4096 of the maximum. */
export function absPercentile(values: ArrayLike<number>, p: number): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > max) max = a;
  }
  if (max === 0 || p >= 100) return max;
  const counts = new Uint32Array(HISTOGRAM_BINS);
  const toBin = (HISTOGRAM_BINS - 1) / max;
  for (let i = 0; i < values.length; i++) counts[Math.floor(Math.abs(values[i]) * toBin)]++;
  const wanted = Math.ceil((p / 100) * values.length);
  let seen = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    seen += counts[b];
    if (seen >= wanted) return Math.min(max, (b + 1) / toBin);
  }
  return max;
}

/**
 * |v| scaled so the p-th percentile of |v| is white (255) and 0 is black; larger values clip to
 * white. If that percentile is 0 (a mostly flat image) the maximum is used instead.
 */
export function absClipToBytes(values: ArrayLike<number>, percentile: number): Uint8Array {
  let white = absPercentile(values, percentile);
  if (white === 0) white = absPercentile(values, 100);
  const out = new Uint8Array(values.length);
  if (white === 0) return out;
  const k = 255 / white;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]) * k;
    out[i] = v >= 255 ? 255 : Math.round(v);
  }
  return out;
}

/** min -> 0, max -> 255; a constant map becomes mid-gray. */
export function minMaxToBytes(values: ArrayLike<number>): Uint8Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  const out = new Uint8Array(values.length);
  if (!(hi > lo)) return out.fill(128);
  const k = 255 / (hi - lo);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i] - lo) * k);
  return out;
}

/** 0 -> 128, -scale -> 0, +scale -> 255, clipped. */
export function symmetricToBytes(values: ArrayLike<number>, scale: number): Uint8Array {
  const out = new Uint8Array(values.length);
  const k = scale > 0 ? 127.5 / scale : 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(127.5 + values[i] * k);
    out[i] = Math.min(255, Math.max(0, v));
  }
  return out;
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}
