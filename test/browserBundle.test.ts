/**
 * The engine bundles for a browser: esbuild, targeting the browser platform (where any Node
 * built-in import fails the build), bundles examples/browser.ts with `cnn-ts`; the bundle then
 * runs, fetching the MNIST files over HTTP as a page would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultMnistDir } from '../src/data/mnistFiles.js';
import { serveFolder } from './serveFolder.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}

test('examples/browser.ts bundles for the browser platform and the bundle runs', async () => {
  const esbuild = (await import('esbuild')) as Esbuild;
  const result = await esbuild.build({
    entryPoints: [join(root, 'examples/browser.ts')],
    tsconfig: join(root, 'tsconfig.json'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    outfile: 'browser.js',
    logLevel: 'silent',
  });
  const bundle = result.outputFiles[0].text;
  assert.doesNotMatch(bundle, /from ["']node:/);
  const dir = mkdtempSync(join(tmpdir(), 'cnn-bundle-'));
  const mnist = await serveFolder(defaultMnistDir());
  try {
    writeFileSync(join(dir, 'browser.mjs'), bundle);
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(dir, 'browser.mjs'),
      mnist.url,
    ]);
    assert.match(stdout, /SIMD kernels: true; test accuracy 0\.[89]/);
    assert.match(stdout, /canvas digit: 7 /);
  } finally {
    mnist.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
