/**
 * The speed targets the bench checks, each with the figure measured in this run: cnn-ts against
 * PyTorch on the Keras-style CNN and the `best` net, two threads against one on every training
 * row with batch >= 32, the `fast` preset's time to 99.0%, and peak RSS while training.
 */

import type { NetKey } from './networks.js';
import { type Row, rateOf } from './report.js';
import { formatMiB, formatRatio } from './stats.js';
import { markdownTable } from './table.js';

/** One target: what it asks, on which case, what this run measured, and whether it holds. */
export interface TargetCheck {
  target: string;
  case: string;
  measured: string;
  /** null: not measured in this run (peer missing, --quick, failure). */
  met: boolean | null;
}

/** A bench row together with the key of its network. */
export type KeyedRow = Row & { net: { key: NetKey } };

const MAX_TRAINING_RSS_MB = 300;

function find(rows: readonly KeyedRow[], key: NetKey, task: Row['task'], threads: number) {
  return rows.find((r) => r.net.key === key && r.task === task && r.threads === threads);
}

/** ours / peer >= min on the training row of `key` at `threads` threads. */
function againstPeer(rows: readonly KeyedRow[], key: NetKey, threads: number, min: number) {
  const row = find(rows, key, 'train', threads);
  const peerKey = threads === 1 ? 'torch1' : 'torch2';
  const ours = rateOf(row?.ours);
  const peer = rateOf(row?.peers[peerKey]);
  const check: TargetCheck = {
    target: `>= ${min}x PyTorch, same threads`,
    case: `${row?.netTitle ?? key} training, batch ${row?.batch ?? '?'}, ${threads} thread(s)`,
    measured: 'not measured',
    met: null,
  };
  if (ours !== null && peer !== null) {
    check.measured = formatRatio(ours, peer);
    check.met = ours / peer >= min;
  }
  return check;
}

/** 2 threads / 1 thread >= 1.8x on every training row with batch >= 32. */
function scaling(rows: readonly KeyedRow[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const two of rows) {
    if (two.task !== 'train' || two.threads !== 2 || two.batch < 32) continue;
    const one = rows.find(
      (r) => r.net === two.net && r.task === 'train' && r.batch === two.batch && r.threads === 1,
    );
    const a = rateOf(one?.ours);
    const b = rateOf(two.ours);
    checks.push({
      target: '>= 1.8x, 2 threads / 1 thread',
      case: `${two.netTitle} training, batch ${two.batch}`,
      measured: a !== null && b !== null ? formatRatio(b, a) : 'not measured',
      met: a !== null && b !== null ? b / a >= 1.8 : null,
    });
  }
  return checks;
}

/** The `fast` preset reaches its target in <= 20 s, and sooner than PyTorch on the same recipe. */
function fastPreset(rows: readonly KeyedRow[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of rows) {
    if (row.net.key !== 'fast' || row.task !== 'timeToAccuracy') continue;
    const ours = row.ours;
    const reached = ours?.seconds !== undefined && !ours.error;
    const where = `\`fast\` preset to ${(100 * (row.target ?? 0)).toFixed(1)}%, ${row.threads} thread(s)`;
    checks.push({
      target: '<= 20 s wall',
      case: where,
      measured: reached ? `${(ours?.seconds ?? 0).toFixed(1)} s` : 'not reached',
      met: ours === undefined ? null : reached && (ours.seconds ?? 0) <= 20,
    });
    const peer = row.threads === 1 ? row.peers.torch1 : row.peers.torch2;
    const peerReached = peer?.seconds !== undefined && !peer.error;
    checks.push({
      target: 'faster than PyTorch, same recipe and threads',
      case: where,
      measured:
        reached && peerReached
          ? `${formatRatio(peer?.seconds ?? 0, ours?.seconds ?? 1)} (PyTorch ${(peer?.seconds ?? 0).toFixed(1)} s)`
          : 'not measured',
      met: reached && peerReached ? (ours?.seconds ?? 0) < (peer?.seconds ?? 0) : null,
    });
  }
  if (checks.length === 0) {
    checks.push({
      target: '<= 20 s wall',
      case: '`fast` preset to 99.0%',
      measured: 'not measured (full run only)',
      met: null,
    });
  }
  return checks;
}

/** The largest peak RSS of any cnn-ts training row. */
function trainingRss(rows: readonly KeyedRow[]): TargetCheck {
  let peak = 0;
  let where = '';
  for (const row of rows) {
    const rss = row.task === 'train' ? (row.ours?.maxRssBytes ?? 0) : 0;
    if (rss > peak) {
      peak = rss;
      where = `${row.netTitle}, batch ${row.batch}, ${row.threads} thread(s)`;
    }
  }
  return {
    target: `peak RSS <= ${MAX_TRAINING_RSS_MB} MB`,
    case: `largest of any training row${where ? ` (${where})` : ''}`,
    measured: peak > 0 ? formatMiB(peak) : 'not measured',
    met: peak > 0 ? peak <= MAX_TRAINING_RSS_MB * 2 ** 20 : null,
  };
}

export function targetChecks(rows: readonly KeyedRow[]): TargetCheck[] {
  return [
    againstPeer(rows, 'keras', 1, 0.8),
    againstPeer(rows, 'keras', 2, 0.8),
    againstPeer(rows, 'best', 1, 1.0),
    againstPeer(rows, 'best', 2, 1.0),
    ...scaling(rows),
    ...fastPreset(rows),
    trainingRss(rows),
  ];
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  const verdict = (met: boolean | null) => (met === null ? '—' : met ? 'met' : 'not met');
  return markdownTable(
    ['target', 'case', 'measured', 'holds'],
    checks.map((c) => [c.target, c.case, c.measured, verdict(c.met)]),
    ['left', 'left', 'right', 'left'],
  );
}
