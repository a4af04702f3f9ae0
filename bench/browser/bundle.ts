/**
 * Bundles the bench page, its two workers and the engine with esbuild, from the TypeScript
 * sources, as a web page ships the library. The engine is its own ES module (engine.js) so the
 * browser worker and the Node run load exactly the same code.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundle file name -> [source under bench/browser/, module format]. */
export const BUNDLES: Record<string, [string, 'esm' | 'iife']> = {
  'engine.js': ['engineCases.ts', 'esm'],
  // The playground's gradient worker, which the 2-worker case starts next to engine.js.
  'gradientWorker.js': ['../../web/worker/gradientWorker.ts', 'esm'],
  'ours-worker.js': ['oursWorker.ts', 'esm'],
  'peer-worker.js': ['peerWorker.ts', 'iife'],
  'page.js': ['page.ts', 'iife'],
};

/** Writes the bundles into outDir; `root` is the repository root. */
export async function buildBundles(root: string, outDir: string): Promise<void> {
  await Promise.all(
    Object.entries(BUNDLES).map(([name, [source, format]]) =>
      build({
        entryPoints: [join(root, 'bench', 'browser', source)],
        outfile: join(outDir, name),
        bundle: true,
        format,
        platform: 'browser',
        target: 'es2022',
        minify: true,
        logLevel: 'silent',
      }),
    ),
  );
}
