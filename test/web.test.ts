/**
 * The browser playground in a real headless Chromium: it loads with SIMD on, trains in its worker
 * while the charts update and the main thread stays free, classifies a drawn digit, moves models
 * to and from Node, reports bad files in one line, passes an axe scan, and uses several workers
 * only where the page is cross-origin isolated.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type * as Playwright from 'playwright-core';
import { buildSite } from '../web/tools/buildSite.js';
import { type Browser, launchChromium, openPlayground, type Site, serveSite } from './browser.js';

interface Probe {
  ready: boolean;
  state: string;
  simd: boolean | null;
  workers: number;
  progress: { samples: number; testAccuracy: number; imagesPerSecond: number }[];
  evaluations: { accuracy: number; loss: number; count: number }[];
  latencies: number[];
  probabilities: number[] | null;
  modelDescription: string;
  errors: string[];
  classifyTestImage(index: number): number[] | null;
}

declare const playground: Probe;

let siteDir: string;
let browser: Browser;
let isolatedSite: Site;
let plainSite: Site;

before(async () => {
  siteDir = mkdtempSync(join(tmpdir(), 'cnn-ts-site-'));
  await buildSite(siteDir);
  isolatedSite = await serveSite(siteDir, true);
  plainSite = await serveSite(siteDir, false);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  isolatedSite?.server.close();
  plainSite?.server.close();
  rmSync(siteDir, { recursive: true, force: true });
});

async function fill(page: Playwright.Page, values: Record<string, string | number>): Promise<void> {
  for (const [id, v] of Object.entries(values)) {
    if (id === 'preset' || id === 'optimizer') await page.selectOption(`#${id}`, String(v));
    else await page.fill(`#${id}`, String(v));
  }
}

async function trainToEnd(page: Playwright.Page, timeout = 120_000): Promise<void> {
  await page.click('#start');
  await page.waitForFunction(() => playground.state === 'done', undefined, { timeout });
}

describe('the playground in Chromium', () => {
  test('loads with SIMD on and paints before any data arrives', async () => {
    const page = await browser.context.newPage();
    await page.route('**/data/*.gz', () => {}); // data never arrives
    await page.goto(plainSite.url);
    await page.waitForFunction(() => typeof playground !== 'undefined' && playground.ready);
    const paint = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint').length,
    );
    assert.equal(paint, 1, 'first contentful paint happened without the data');
    assert.equal(await page.evaluate(() => playground.simd), true, 'WASM SIMD is on');
    assert.match((await page.textContent('#simd')) ?? '', /^on/);
    await page.close();
  });

  test('training 2,000 images in the worker lifts test accuracy above 0.8, charts live, main thread free', async () => {
    const page = await openPlayground(browser, isolatedSite.url);
    await page.evaluate(() => {
      const w = globalThis as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await fill(page, { preset: 'tutorial', 'train-size': 2000, epochs: 1, 'test-size': 1000 });
    await trainToEnd(page);
    const result = await page.evaluate(() => ({
      progress: playground.progress,
      evaluations: playground.evaluations,
      rows: document.querySelectorAll('#accuracy-chart tbody tr').length,
      longTasks: (globalThis as unknown as { longTasks: number[] }).longTasks,
    }));
    assert.ok(result.progress.length >= 5, `charts got ${result.progress.length} points`);
    assert.equal(result.rows, result.progress.length, 'the data table has a row per point');
    const last = result.evaluations.at(-1)!;
    assert.equal(last.count, 1000);
    assert.ok(last.accuracy > 0.8, `test accuracy ${last.accuracy}`);
    const longest = Math.max(0, ...result.longTasks);
    assert.ok(longest <= 200, `longest main-thread task ${longest} ms`);
    await page.close();
  });
});
