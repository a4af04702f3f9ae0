/** The bench's target checks: each ratio against its threshold, and "not measured" when absent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetKey } from '../bench/networks.js';
import type { CaseResult } from '../bench/protocol.js';
import { type KeyedRow, targetChecks, targetsTable } from '../bench/targets.js';

const MB = 2 ** 20;

function row(
  key: NetKey,
  task: KeyedRow['task'],
  batch: number,
  threads: number,
  ours?: CaseResult,
  peers: KeyedRow['peers'] = {},
  target?: number,
): KeyedRow {
  return { net: { key }, netTitle: key, task, batch, threads, ours, peers, target };
}

const rate = (v: number, rss = 100 * MB): CaseResult => ({
  id: 'x',
  runs: [v, v, v],
  maxRssBytes: rss,
});

test('each target is judged on the figures of its own rows', () => {
  const keras = { key: 'keras' as const };
  const k1 = row('keras', 'train', 128, 1, rate(400), { torch1: rate(500) });
  const k2 = row('keras', 'train', 128, 2, rate(760, 320 * MB), { torch2: rate(1000) });
  k1.net = keras;
  k2.net = keras;
  const best1 = row('best', 'train', 64, 1, rate(3000), { torch1: rate(2900) });
  const fast = row(
    'fast',
    'timeToAccuracy',
    64,
    2,
    { id: 'f', seconds: 18.5, epochs: 2, accuracy: 0.991 },
    { torch2: { id: 'p', seconds: 16.7, epochs: 2, accuracy: 0.9905 } },
    0.99,
  );
  const checks = targetChecks([k1, k2, best1, fast]);
  const by = (target: string, c: string) => {
    const found = checks.find((x) => x.target.startsWith(target) && x.case.includes(c));
    assert.ok(found, `${target} / ${c}`);
    return found;
  };
  assert.deepEqual(
    [by('>= 0.8x', '1 thread').measured, by('>= 0.8x', '1 thread').met],
    ['0.8x', true],
  );
  assert.deepEqual(
    [by('>= 0.8x', '2 thread').measured, by('>= 0.8x', '2 thread').met],
    ['0.76x', false],
  );
  assert.equal(by('>= 1x', '1 thread').met, true);
  assert.equal(by('>= 1x', '2 thread').met, null, 'no 2-thread best row: not measured');
  assert.deepEqual([by('>= 1.8x', 'keras').measured, by('>= 1.8x', 'keras').met], ['1.9x', true]);
  assert.deepEqual([by('<= 20 s', 'fast').measured, by('<= 20 s', 'fast').met], ['18.5 s', true]);
  assert.equal(by('faster than PyTorch', 'fast').met, false);
  assert.deepEqual(
    [by('peak RSS', 'largest').measured, by('peak RSS', 'largest').met],
    ['320 MB', false],
  );
  const table = targetsTable(checks);
  assert.match(table, /\| not met \|/);
  assert.match(table, /\| — +\|/);
});
