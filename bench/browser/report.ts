/**
 * The browser benchmark's report: a table of images/second per engine and case, the ratios the
 * targets are about, and the same as JSON.
 */
import { writeFileAtomic } from '../../src/io/files.js';
import type { MeasureOptions } from '../measure.js';
import type { CaseResult } from '../protocol.js';
import { formatRate, formatRatio, median } from '../stats.js';
import { markdownTable } from '../table.js';
import { CASE_TITLES, CASES, ROW_TITLES, type RowKey } from './cases.js';
import type { EngineResult } from './protocol.js';

/** A figure (median images/second and every run's) or why there is none. */
export type Cell = { imagesPerSecond: number; runs: number[] } | { reason: string };

export interface Row {
  key: RowKey;
  title: string;
  details: Record<string, string>;
  cells: Record<string, Cell>;
}

export interface Ratio {
  name: string;
  case: string;
  /** null when either figure is missing. */
  value: number | null;
  /** The target for this ratio, if it has one. */
  target?: number;
  met?: boolean;
}

export interface BrowserReport {
  command: string;
  machine: {
    cpu: string;
    vectorExtensions: string[];
    threads: number;
    /** `uptime` when the run started and ended: a busy machine makes every figure smaller. */
    load: string;
    loadAtEnd: string;
  };
  browser: { userAgent: string; crossOriginIsolated: boolean; hardwareConcurrency: number };
  measure: MeasureOptions;
  /** Rounds over all engines; each figure pools rounds * measure.runs timed runs. */
  rounds: number;
  images: number;
  rows: Row[];
  ratios: Ratio[];
  markdown: string;
}

function cellOf(result: CaseResult | undefined, engine: EngineResult): Cell {
  if (engine.skipped) return { reason: engine.skipped };
  if (!result) return { reason: 'not measured' };
  if (result.error) return { reason: result.error };
  if (!result.runs || result.runs.length === 0) return { reason: 'no timed run' };
  return { imagesPerSecond: median(result.runs), runs: result.runs };
}

export function rowOf(key: RowKey, engine: EngineResult): Row {
  const cells: Record<string, Cell> = {};
  for (const c of CASES)
    cells[c.id] = cellOf(
      engine.results.find((r) => r.id === c.id),
      engine,
    );
  return { key, title: ROW_TITLES[key], details: engine.details ?? {}, cells };
}

function figure(rows: Row[], key: RowKey, caseId: string): number | null {
  const cell = rows.find((r) => r.key === key)?.cells[caseId];
  return cell && 'imagesPerSecond' in cell ? cell.imagesPerSecond : null;
}

/** The TF.js backend that trains fastest on this case (webgl counts only where it ran). */
function fastestTfTrainer(rows: Row[], caseId: string): { key: RowKey; value: number } | null {
  let best: { key: RowKey; value: number } | null = null;
  for (const key of ['tfjs-cpu', 'tfjs-webgl', 'tfjs-wasm'] as const) {
    const value = figure(rows, key, caseId);
    if (value !== null && (!best || value > best.value)) best = { key, value };
  }
  return best;
}

function ratio(
  name: string,
  caseId: string,
  ours: number | null,
  peer: number | null,
  target?: number,
): Ratio {
  const value = ours !== null && peer !== null && peer > 0 ? ours / peer : null;
  const r: Ratio = { name, case: caseId, value };
  if (target !== undefined) {
    r.target = target;
    r.met = value !== null && value >= target;
  }
  return r;
}

/** The ratios of the acceptance targets (with the target) and the others worth reading. */
export function ratiosOf(rows: Row[]): Ratio[] {
  const ours = (caseId: string) => figure(rows, 'cnn-ts', caseId);
  const out: Ratio[] = [];
  out.push(
    ratio(
      'browser worker / Node, same bundle',
      'train1',
      ours('train1'),
      figure(rows, 'cnn-ts-node', 'train1'),
      0.9,
    ),
  );
  for (const c of ['train128', 'infer256']) {
    out.push(
      ratio('browser worker / Node, same bundle', c, ours(c), figure(rows, 'cnn-ts-node', c)),
    );
  }
  for (const c of CASES) {
    out.push(
      ratio(
        'cnn-ts / ConvNetJS',
        c.id,
        ours(c.id),
        figure(rows, 'convnetjs', c.id),
        c.id === 'train1' ? 30 : undefined,
      ),
    );
  }
  for (const c of ['train1', 'train128']) {
    const best = fastestTfTrainer(rows, c);
    const name = `cnn-ts / fastest TF.js that trains (${best ? ROW_TITLES[best.key].split(',')[0] : 'none'})`;
    out.push(ratio(name, c, ours(c), best?.value ?? null, 5));
  }
  out.push(
    ratio(
      'cnn-ts / TF.js wasm',
      'infer256',
      ours('infer256'),
      figure(rows, 'tfjs-wasm', 'infer256'),
      2,
    ),
  );
  for (const c of CASES) {
    out.push(ratio('SIMD on / SIMD off', c.id, ours(c.id), figure(rows, 'cnn-ts-nosimd', c.id)));
  }
  out.push(
    ratio(
      '2 workers / 1 worker',
      'train128',
      figure(rows, 'cnn-ts-workers2', 'train128'),
      ours('train128'),
      1.7,
    ),
  );
  return out;
}

/** Reasons numbered once each, so a long reason is not repeated in every cell it explains. */
class Footnotes {
  readonly reasons: string[] = [];

  mark(reason: string): string {
    let i = this.reasons.indexOf(reason);
    if (i < 0) i = this.reasons.push(reason) - 1;
    return `— [${i + 1}]`;
  }

  text(): string {
    return this.reasons.map((r, i) => `[${i + 1}] ${r}`).join('\n');
  }
}

function cellText(cell: Cell, notes: Footnotes): string {
  return 'imagesPerSecond' in cell ? formatRate(cell.imagesPerSecond) : notes.mark(cell.reason);
}

function detailsText(details: Record<string, string>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** The report as the JSON file the CLI writes (atomically). */
export function writeReportJson(report: BrowserReport, path: string): void {
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}

export function markdownOf(report: Omit<BrowserReport, 'markdown'>): string {
  const m = report.machine;
  const notes = new Footnotes();
  const header = ['engine', ...CASES.map((c) => `${CASE_TITLES[c.id]} (img/s)`), 'run with'];
  const table = markdownTable(
    header,
    report.rows.map((r) => [
      r.title,
      ...CASES.map((c) => cellText(r.cells[c.id], notes)),
      detailsText(r.details),
    ]),
    ['left', 'right', 'right', 'right', 'left'],
  );
  const ratioTable = markdownTable(
    ['ratio', 'case', 'measured', 'target'],
    report.ratios.map((r) => [
      r.name,
      CASE_TITLES[r.case],
      r.value === null ? '—' : formatRatio(r.value, 1),
      r.target === undefined
        ? ''
        : `>= ${r.target}x: ${r.value === null ? 'not measured' : r.met ? 'met' : 'not met'}`,
    ]),
    ['left', 'left', 'right', 'left'],
  );
  const b = report.browser;
  return [
    `Machine: ${m.cpu}, ${m.threads} threads, vector extensions ${m.vectorExtensions.join(' ')}; load at start: ${m.load}; at end: ${m.loadAtEnd}.`,
    `Browser: ${b.userAgent}; cross-origin isolated: ${b.crossOriginIsolated ? 'yes' : 'no'}; navigator.hardwareConcurrency ${b.hardwareConcurrency}.`,
    `Command: \`${report.command}\`. The tutorial net (conv 8@3x3 valid -> maxpool 2 -> dense 10 on 28x28x1) on the first ${report.images.toLocaleString('en-US')} MNIST training images; SGD at lr 0.005; all engines are measured in turn for ${report.rounds} round(s), each engine in a fresh worker of the same headless Chromium page (cnn-ts in Node: a fresh process) every round, with a ${report.measure.warmupSeconds} s warm-up then ${report.measure.runs} timed runs of at least ${report.measure.runSeconds} s; each figure is the median of its ${report.rounds * report.measure.runs} runs.`,
    '',
    table,
    '',
    notes.text(),
    '',
    ratioTable,
  ].join('\n');
}
