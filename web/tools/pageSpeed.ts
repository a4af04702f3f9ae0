/**
 * How fast the playground trains when started from its own controls, against the same engine
 * bundle (esbuild, web/worker/training.ts) in Node, in the same run on the same machine:
 *   - the tutorial net, per-sample SGD (5,000 images x 4 epochs): page vs Node;
 *   - batch-128 training in the cross-origin-isolated page on 1 and on 2 workers, and the same
 *     with the library's Node trainer (`cnn train --threads 1` and `2`) for scale: on a loaded
 *     machine neither can use a second core fully.
 * Each figure is the median of `--repeats` runs (default 3), alternating page and Node.
 *
 *   node dist/web/tools/pageSpeed.js [--repeats N] [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { defaultMnistDir } from '../../src/data/mnistFiles.js';
import type { RunSettings } from '../protocol.js';
import { buildSite, defaultSiteDir, repoRoot } from './buildSite.js';
import { launchChromium, openPlayground, serveSite } from './chromium.js';

const { values } = parseArgs({
  options: { repeats: { type: 'string' }, json: { type: 'boolean' } },
  strict: true,
});
const repeats = Number(values.repeats ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const perSample: RunSettings = {
  preset: 'tutorial',
  learningRate: 0.005,
  batchSize: 1,
  epochs: 4,
  optimizer: 'sgd',
  trainSize: 5000,
  testSize: 400,
  seed: 1,
  workers: 1,
};
const batch128 = (workers: number): RunSettings => ({
  ...perSample,
  learningRate: 0.05,
  batchSize: 128,
  epochs: 1,
  trainSize: 30000,
  testSize: 1000,
  workers,
});

async function bundleForNode(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const out = join(dir, 'nodeTraining.mjs');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'web', 'tools', 'nodeTraining.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  });
  return out;
}

function nodeSpeed(bundle: string, settings: RunSettings): number {
  const r = spawnSync(process.execPath, [bundle, defaultMnistDir(), JSON.stringify(settings)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the Node run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!).imagesPerSecond;
}

/** `cnn train` on the same batch-128 run with `threads` worker threads: its training images/s. */
function cliSpeed(s: RunSettings, threads: number): number {
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const args = ['train', '--preset', s.preset, '--batch-size', String(s.batchSize), '--lr'];
  args.push(
    String(s.learningRate),
    '--train-size',
    String(s.trainSize),
    '--epochs',
    String(s.epochs),
  );
  args.push('--test-size', String(s.testSize), '--threads', String(threads), '--json');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cnn train failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!).trainImagesPerSecond;
}

/** Fills the page's controls, presses Reset then Start, and reads the page's own images/s. */
async function pageSpeed(page: Page, s: RunSettings): Promise<{ speed: number; workers: number }> {
  await page.selectOption('#preset', s.preset);
  const fields: Record<string, number> = {
    'learning-rate': s.learningRate,
    'batch-size': s.batchSize,
    epochs: s.epochs,
    'train-size': s.trainSize,
    'test-size': s.testSize,
    seed: s.seed,
  };
  for (const [id, v] of Object.entries(fields)) await page.fill(`#${id}`, String(v));
  if (!(await page.locator('#worker-count').isDisabled()))
    await page.fill('#worker-count', String(s.workers));
  await page.click('#reset');
  await page.click('#start');
  await page.waitForFunction(
    () => (globalThis as unknown as { playground: { state: string } }).playground.state === 'done',
    undefined,
    { timeout: 300_000 },
  );
  return page.evaluate(() => {
    const p = (
      globalThis as unknown as {
        playground: { progress: { imagesPerSecond: number; workers: number }[] };
      }
    ).playground.progress.at(-1)!;
    return { speed: p.imagesPerSecond, workers: p.workers };
  });
}

const work = mkdtempSync(join(tmpdir(), 'cnn-ts-page-speed-'));
await buildSite(defaultSiteDir);
const bundle = await bundleForNode(work);
const site = await serveSite(defaultSiteDir, true);
const browser = await launchChromium();
try {
  const page = await openPlayground(browser, site.url);
  const runs = {
    pagePerSample: [] as number[],
    nodePerSample: [] as number[],
    page1: [] as number[],
    page2: [] as number[],
    cli1: [] as number[],
    cli2: [] as number[],
  };
  for (let r = 0; r < repeats; r++) {
    runs.pagePerSample.push((await pageSpeed(page, perSample)).speed);
    runs.nodePerSample.push(nodeSpeed(bundle, perSample));
    runs.page1.push((await pageSpeed(page, batch128(1))).speed);
    const two = await pageSpeed(page, batch128(2));
    if (two.workers !== 2) throw new Error(`the page trained on ${two.workers} workers, not 2`);
    runs.page2.push(two.speed);
    runs.cli1.push(cliSpeed(batch128(1), 1));
    runs.cli2.push(cliSpeed(batch128(2), 2));
  }
  const result = {
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`,
    repeats,
    perSample: {
      page: median(runs.pagePerSample),
      node: median(runs.nodePerSample),
      ratio: median(runs.pagePerSample) / median(runs.nodePerSample),
    },
    batch128: {
      oneWorker: median(runs.page1),
      twoWorkers: median(runs.page2),
      ratio: median(runs.page2) / median(runs.page1),
      cliOneThread: median(runs.cli1),
      cliTwoThreads: median(runs.cli2),
      cliRatio: median(runs.cli2) / median(runs.cli1),
    },
    runs,
  };
  const f = (x: number) => Math.round(x).toLocaleString('en');
  console.log(`Machine: ${result.machine}; median of ${repeats} runs each`);
  console.log(
    `Tutorial net, per-sample SGD: page ${f(result.perSample.page)} img/s, Node (same bundle) ${f(result.perSample.node)} img/s, page/Node ${result.perSample.ratio.toFixed(2)}`,
  );
  console.log(
    `Tutorial net, batch 128, isolated page: 1 worker ${f(result.batch128.oneWorker)} img/s, 2 workers ${f(result.batch128.twoWorkers)} img/s, ratio ${result.batch128.ratio.toFixed(2)}`,
  );
  console.log(
    `Same run with cnn train in Node: 1 thread ${f(result.batch128.cliOneThread)} img/s, 2 threads ${f(result.batch128.cliTwoThreads)} img/s, ratio ${result.batch128.cliRatio.toFixed(2)}`,
  );
  if (values.json) console.log(JSON.stringify(result));
} finally {
  await browser.close();
  site.server.close();
  rmSync(work, { recursive: true, force: true });
}
