/**
 * Small numeric helpers for the benchmark table: medians and human-readable figures.
 */

/** The median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Images per second: whole numbers with thousands separators from 100 up, 3 significant digits below. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** ours / peer as "2.5x" (two significant digits below 10, whole numbers above). */
export function formatRatio(ours: number, peer: number): string {
  if (!(peer > 0) || !Number.isFinite(ours)) return '—';
  const r = ours / peer;
  if (r >= 10) return `${Math.round(r).toLocaleString('en-US')}x`;
  return `${Number(r.toPrecision(2))}x`;
}

/** Mebibytes from bytes, whole. */
export function formatMiB(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
