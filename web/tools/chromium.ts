/**
 * Driving the playground in a real headless Chromium (browser tests, speed runs): Debian's
 * `chromium` (apt-get install chromium) through playwright-core, a test-only peer that never
 * downloads a browser here. A built site is served with or without the cross-origin isolation
 * headers.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Playwright from 'playwright-core';
import { requirePeer } from '../../peers/load.js';
import { serveStatic } from './staticServer.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: Playwright.BrowserContext;
  close(): Promise<void>;
}

/** Fails early, with the command that fixes it, where Debian's chromium is not installed. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
}

type LaunchOptions = Parameters<typeof Playwright.chromium.launchPersistentContext>[1];

/** Headless Chromium with a fresh profile, removed again by `close()`; `options` are
 * playwright's, by default those the playground tests use. */
export async function launchChromium(
  options: LaunchOptions = { acceptDownloads: true, viewport: { width: 1280, height: 900 } },
): Promise<Browser> {
  requireChromium();
  const { chromium } = requirePeer<typeof Playwright>('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'cnn-ts-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface Site {
  url: string;
  server: Server;
}

export async function serveSite(root: string, isolated: boolean): Promise<Site> {
  const server = await serveStatic({ root, port: 0, isolated });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Opens the page and waits until the engine is ready and the training images have loaded. */
export async function openPlayground(browser: Browser, url: string): Promise<Playwright.Page> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  try {
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { playground?: { trainLoaded: boolean } }).playground
          ?.trainLoaded,
      undefined,
      { timeout: 60_000 },
    );
  } catch (e) {
    throw new Error(`the playground did not load: ${errors.join('; ') || (e as Error).message}`);
  }
  return page;
}
