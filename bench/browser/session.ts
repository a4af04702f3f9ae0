/**
 * One benchmark session: bundle, serve, launch Debian's Chromium headless through
 * playwright-core (never a downloaded browser), run every browser engine in the same page one
 * after another, then the same engine bundle in Node, and build the report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as PW from 'playwright-core';
import { peersDir } from '../../peers/load.js';
import { launchChromium, requireChromium } from '../../web/tools/chromium.js';
import { runChild } from '../children.js';
import { machineInfo, uptime } from '../machine.js';
import type { MeasureOptions } from '../measure.js';
import { buildBundles } from './bundle.js';
import { CASES, ENGINE_ORDER } from './cases.js';
import type { EngineId, EngineResult, EngineRun, PageInfo } from './protocol.js';
import { type BrowserReport, markdownOf, ratiosOf, rowOf } from './report.js';
import { startServer } from './server.js';

export interface SessionOptions {
  measure: MeasureOptions;
  /** Distinct training images per engine. */
  images: number;
  /** The command line that reproduces the run, for the report. */
  command: string;
  /** Rounds over all engines, their timed runs pooled (see ENGINE_ORDER). */
  rounds: number;
  /** Measure only these engines (default all); the others' rows say they were left out. */
  only?: EngineId[];
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** The vector extensions /proc/cpuinfo lists, narrowest first (empty off Linux/x86). */
function vectorExtensions(): string[] {
  let flags: string[] = [];
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    flags = line ? line.split(':')[1].trim().split(/\s+/) : [];
  } catch {
    return [];
  }
  const known = [
    'sse2',
    'ssse3',
    'sse4_1',
    'sse4_2',
    'avx',
    'avx2',
    'fma',
    'f16c',
    'avx512f',
    'avx512bw',
    'avx512vl',
    'avx512_vnni',
    'avx_vnni',
  ];
  return known.filter((f) => flags.includes(f));
}

/** Seconds an engine may take for the given budgets before it is called stuck. */
function timeoutSeconds(m: MeasureOptions): number {
  return 60 + CASES.length * (4 * m.warmupSeconds + 3 * m.runs * m.runSeconds + 10);
}

async function runInPage(
  page: PW.Page,
  run: EngineRun,
  log: (l: string) => void,
): Promise<EngineResult> {
  log(`browser: ${run.engine}`);
  try {
    return await page.evaluate(
      (r) =>
        (
          globalThis as unknown as { benchPage: { run(x: EngineRun): Promise<EngineResult> } }
        ).benchPage.run(r),
      run,
    );
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { engine: run.engine, skipped: `failed: ${message}`, results: [] };
  }
}

async function runInNode(
  bundle: string,
  run: EngineRun,
  log: (l: string) => void,
): Promise<EngineResult> {
  log('node: cnn-ts, same bundle');
  const child = join(dirname(fileURLToPath(import.meta.url)), 'nodeEngine.js');
  // Node flags given to the bench (e.g. --experimental-wasm-relaxed-simd) pass on, so the
  // browser/Node ratio can compare the same build of the SIMD kernels.
  const { output } = await runChild(
    process.execPath,
    [...process.execArgv, child, JSON.stringify({ bundle, run })],
    timeoutSeconds(run.measure),
  );
  if (output.skipped) return { engine: run.engine, skipped: output.skipped, results: [] };
  return { engine: run.engine, details: output.versions ?? {}, results: output.results ?? [] };
}

/** Two measurements of one engine as one: each case's timed runs together, the first error kept. */
function pooled(a: EngineResult, b: EngineResult): EngineResult {
  if (a.skipped || b.skipped) return a.skipped ? a : b;
  const results = a.results.map((r) => {
    const more = b.results.find((x) => x.id === r.id);
    if (r.error || !more || more.error)
      return r.error ? r : { id: r.id, error: more?.error ?? 'missing' };
    return { ...r, runs: [...(r.runs ?? []), ...(more.runs ?? [])] };
  });
  return { ...a, results };
}

export async function runSession(options: SessionOptions): Promise<BrowserReport> {
  const log = options.log ?? (() => {});
  requireChromium();
  const root = dirname(peersDir);
  const work = mkdtempSync(join(tmpdir(), 'cnn-ts-bench-browser-'));
  const bundleDir = join(work, 'site');
  const machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    vectorExtensions: vectorExtensions(),
    threads: machineInfo().cores,
    load: uptime(),
  };
  const runFor = (engine: EngineId): EngineRun => ({
    engine,
    cases: CASES,
    measure: options.measure,
    images: options.images,
  });
  const wanted = (engine: EngineId) => !options.only || options.only.includes(engine);
  const results = new Map<EngineId, EngineResult>();
  let browserInfo: PageInfo;
  try {
    log('bundling with esbuild');
    await buildBundles(root, bundleDir);
    const server = await startServer(bundleDir);
    const browser = await launchChromium({ timeout: 60_000 });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(timeoutSeconds(options.measure) * 1000);
      await page.goto(server.url);
      await page.waitForFunction(() => 'benchPage' in globalThis);
      browserInfo = await page.evaluate(() =>
        (globalThis as unknown as { benchPage: { info(): PageInfo } }).benchPage.info(),
      );
      const round = ENGINE_ORDER.filter(wanted);
      for (const engine of Array.from({ length: options.rounds }, () => round).flat()) {
        const result =
          engine === 'cnn-ts-node'
            ? await runInNode(join(bundleDir, 'engine.js'), runFor(engine), log)
            : await runInPage(page, runFor(engine), log);
        const earlier = results.get(engine);
        results.set(engine, earlier ? pooled(earlier, result) : result);
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const resultOf = (engine: EngineId): EngineResult =>
    results.get(engine) ?? { engine, skipped: 'left out (--only)', results: [] };
  const rows = [
    rowOf('cnn-ts', resultOf('cnn-ts')),
    rowOf('cnn-ts-nosimd', resultOf('cnn-ts-nosimd')),
    rowOf('cnn-ts-workers2', resultOf('cnn-ts-workers2')),
    rowOf('cnn-ts-node', resultOf('cnn-ts-node')),
    ...(['convnetjs', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgl'] as const).map((k) =>
      rowOf(k, resultOf(k)),
    ),
  ];
  const partial = {
    command: options.command,
    machine: { ...machine, loadAtEnd: uptime() },
    browser: browserInfo,
    measure: options.measure,
    rounds: options.rounds,
    images: options.images,
    rows,
    ratios: ratiosOf(rows),
  };
  return { ...partial, markdown: markdownOf(partial) };
}
