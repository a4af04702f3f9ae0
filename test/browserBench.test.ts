/**
 * The browser benchmark end to end with tiny budgets, in Debian's headless Chromium: every
 * engine and case yields a positive finite images/second or a stated reason, the engines that
 * must run in a browser did (cnn-ts with SIMD on and off and on two workers, ConvNetJS, TF.js
 * cpu, TF.js wasm inference), and the JSON report holds the printed table's rows. Figures here mean nothing;
 * `npm run bench:browser` measures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CASES } from '../bench/browser/cases.js';
import { type BrowserReport, type Cell, writeReportJson } from '../bench/browser/report.js';
import { runSession } from '../bench/browser/session.js';

function isFigure(cell: Cell): cell is { imagesPerSecond: number; runs: number[] } {
  return 'imagesPerSecond' in cell;
}

test('the browser benchmark measures every engine in headless Chromium or says why not', {
  timeout: 600_000,
}, async () => {
  const report = await runSession({
    measure: { warmupSeconds: 0.02, runSeconds: 0.02, runs: 1 },
    rounds: 2,
    images: 512,
    command: 'node --test dist/test/browserBench.test.js',
  });
  assert.equal(report.browser.crossOriginIsolated, true, 'the bench page is cross-origin isolated');
  for (const row of report.rows) {
    for (const c of CASES) {
      const cell = row.cells[c.id];
      if (isFigure(cell)) {
        assert.ok(
          Number.isFinite(cell.imagesPerSecond) && cell.imagesPerSecond > 0,
          `${row.title} ${c.id}`,
        );
      } else {
        assert.match(cell.reason, /\w{3}/, `${row.title} ${c.id} gives a reason`);
      }
    }
  }
  const row = (key: string) => {
    const r = report.rows.find((x) => x.key === key);
    assert.ok(r, `row ${key}`);
    return r;
  };
  for (const key of ['cnn-ts', 'cnn-ts-nosimd', 'cnn-ts-node', 'convnetjs', 'tfjs-cpu']) {
    for (const c of CASES)
      assert.ok(
        isFigure(row(key).cells[c.id]),
        `${key} ${c.id}: ${JSON.stringify(row(key).cells[c.id])}`,
      );
  }
  assert.ok(
    isFigure(row('cnn-ts-workers2').cells.train128),
    `2 workers, batch-128 training: ${JSON.stringify(row('cnn-ts-workers2').cells.train128)}`,
  );
  assert.equal(row('cnn-ts').details.simd, 'on', 'the browser worker runs the SIMD kernels');
  assert.match(row('cnn-ts-nosimd').details.simd, /^off/);
  // Two rounds pool their runs.
  assert.equal((row('cnn-ts').cells.train1 as { runs: number[] }).runs.length, 2);
  assert.ok(isFigure(row('tfjs-wasm').cells.infer256), 'TF.js wasm infers');
  assert.match((row('tfjs-wasm').cells.train1 as { reason: string }).reason, /filter-gradient/);

  const dir = mkdtempSync(join(tmpdir(), 'cnn-ts-browser-bench-'));
  try {
    const path = join(dir, 'report.json');
    writeReportJson(report, path);
    const json = JSON.parse(readFileSync(path, 'utf8')) as BrowserReport;
    const tableLines = json.markdown.split('\n').filter((l) => l.startsWith('| '));
    for (const r of json.rows) {
      assert.ok(
        tableLines.some((l) => l.startsWith(`| ${r.title} `)),
        `table row ${r.title}`,
      );
      assert.deepEqual(Object.keys(r.cells).sort(), CASES.map((c) => c.id).sort());
    }
    assert.ok(json.ratios.some((r) => r.name === 'cnn-ts / ConvNetJS' && r.value !== null));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
