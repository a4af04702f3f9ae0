/**
 * The one results table: a row per (network, measure, batch, our thread count), our figure and
 * peak RSS, then each peer's figure with the ratio cnn-ts / peer.
 */
import type { CaseResult, Task } from './protocol.js';
import { formatMiB, formatRate, formatRatio, median } from './stats.js';
import { type Align, markdownTable } from './table.js';

export type PeerKey = 'numpy' | 'torch1' | 'torch2' | 'tfjsCpu' | 'tfjsWasm';

export const peerTitles: Record<PeerKey, string> = {
  numpy: 'NumPy tutorial',
  torch1: 'PyTorch 1 thr',
  torch2: 'PyTorch 2 thr',
  tfjsCpu: 'TF.js cpu',
  tfjsWasm: 'TF.js wasm',
};

export interface Row {
  netTitle: string;
  task: Task | 'timeToAccuracy';
  batch: number;
  threads: number;
  /** Time-to-accuracy rows: the test accuracy to reach. */
  target?: number;
  ours?: CaseResult;
  peers: Partial<Record<PeerKey, CaseResult>>;
}

const taskTitles: Record<Task, string> = {
  train: 'training img/s',
  infer: 'inference img/s',
};

function measureTitle(row: Row): string {
  return row.task === 'timeToAccuracy'
    ? `wall s to ${(100 * (row.target ?? 0)).toFixed(1)}% test`
    : taskTitles[row.task];
}

/** Median images/second, or null when the case has no timed runs. */
export function rateOf(result: CaseResult | undefined): number | null {
  return result?.runs && result.runs.length > 0 ? median(result.runs) : null;
}

/** A time-to-accuracy result: seconds, epochs and accuracy, or how far it got. */
function accuracyCell(r: CaseResult): string {
  if (r.seconds === undefined) return `failed: ${r.error ?? 'no result'}`;
  const reached = `${r.epochs} epochs, ${((r.accuracy ?? 0) * 100).toFixed(2)}%`;
  return r.error
    ? `not reached (${reached}, ${Math.round(r.seconds)} s)`
    : `${Math.round(r.seconds)} s (${reached})`;
}

function oursCell(row: Row): string {
  const r = row.ours;
  if (!r) return '—';
  if (row.task === 'timeToAccuracy') return accuracyCell(r);
  const rate = rateOf(r);
  return rate === null ? `skipped${r.error ? `: ${r.error}` : ''}` : formatRate(rate);
}

function peerCell(row: Row, key: PeerKey): string {
  const peer = row.peers[key];
  if (!peer) return '—';
  if (row.task === 'timeToAccuracy') {
    if (peer.seconds === undefined) return 'n/a (see notes)';
    // (Nx) = how many times faster cnn-ts reached the target: peer seconds / ours.
    const both = !peer.error && row.ours?.seconds !== undefined && !row.ours.error;
    const ratio = both ? ` (${formatRatio(peer.seconds, row.ours?.seconds ?? 1)})` : '';
    return `${accuracyCell(peer)}${ratio}`;
  }
  const rate = rateOf(peer);
  if (rate === null) return peer.error ? 'n/a (see notes)' : '—';
  const ours = rateOf(row.ours);
  return ours === null ? formatRate(rate) : `${formatRate(rate)} (${formatRatio(ours, rate)})`;
}

/** Peer columns with at least one figure; the others only appear in the notes. */
export function usedPeers(rows: readonly Row[]): PeerKey[] {
  return (Object.keys(peerTitles) as PeerKey[]).filter((k) => rows.some((r) => r.peers[k]));
}

export function resultsTable(rows: readonly Row[]): string {
  const peers = usedPeers(rows);
  const header = [
    'network',
    'measure',
    'batch',
    'threads',
    'cnn-ts',
    'peak RSS',
    ...peers.map((k) => peerTitles[k]),
  ];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right'];
  for (const _ of peers) align.push('right');
  const body = rows.map((row) => [
    row.netTitle,
    measureTitle(row),
    String(row.batch),
    String(row.threads),
    oursCell(row),
    row.ours?.maxRssBytes ? formatMiB(row.ours.maxRssBytes) : '—',
    ...peers.map((k) => peerCell(row, k)),
  ]);
  return markdownTable(header, body, align);
}

export const REPORT_START = '<!-- bench:start -->';
export const REPORT_END = '<!-- bench:end -->';

/**
 * The file `--out` writes: when the existing file has the two markers, only the text between
 * them is replaced (so docs/benchmarks.md keeps its prose); otherwise the report alone.
 */
export function spliceReport(existing: string | null, report: string): string {
  if (existing !== null) {
    const start = existing.indexOf(REPORT_START);
    const end = existing.indexOf(REPORT_END);
    if (start >= 0 && end > start) {
      return `${existing.slice(0, start + REPORT_START.length)}\n${report}${existing.slice(end)}`;
    }
  }
  return report;
}
