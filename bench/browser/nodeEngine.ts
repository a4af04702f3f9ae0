/**
 * Child process that runs the browser's engine bundle (engine.js) in Node on the same MNIST
 * files, for the browser/Node ratio. Argument: JSON `{ bundle, run }`; answers with one
 * `BENCH_RESULT` line like every bench child.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultMnistDir } from '../../src/data/mnistFiles.js';
import { reply } from '../children.js';
import type { EngineRun } from './protocol.js';

type Engine = typeof import('./engineCases.js');

async function main(): Promise<void> {
  const { bundle, run } = JSON.parse(process.argv[2] ?? '{}') as { bundle: string; run: EngineRun };
  const { runEngine } = (await import(pathToFileURL(bundle).href)) as Engine;
  const dir = defaultMnistDir();
  const images = readFileSync(join(dir, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 'train-labels-idx1-ubyte'));
  const result = await runEngine(run, images, labels, `Node ${process.version}`);
  reply({ versions: result.details, results: result.results });
}

main().catch((error: unknown) => {
  reply({ skipped: error instanceof Error ? error.message : String(error) });
});
