/**
 * `npm run bench:browser -- [--quick] [--json FILE]`: the tutorial net's speed in headless
 * Chromium (cnn-ts with and without SIMD, ConvNetJS, TensorFlow.js cpu/wasm/webgl) and the same
 * cnn-ts bundle in Node, in one run. Prints the markdown table and writes it as JSON.
 */
import { join } from 'node:path';
import type { MeasureOptions } from '../measure.js';
import { ENGINE_ORDER, FULL_MEASURE, FULL_ROUNDS, IMAGES } from './cases.js';
import type { EngineId } from './protocol.js';
import { writeReportJson } from './report.js';
import { runSession } from './session.js';

const USAGE = `usage: npm run bench:browser -- [--quick] [--only ENGINES] [--json FILE]
  --quick      short timing budgets (a smoke run; figures are rough)
  --only LIST  measure only these engines, comma-separated: ${ENGINE_ORDER.join(',')}
  --json FILE  where to write the JSON report (default dist/bench/browser/results.json)`;

const QUICK: MeasureOptions = { warmupSeconds: 0.2, runSeconds: 0.2, runs: 3 };

interface Args {
  quick: boolean;
  only?: EngineId[];
  json: string;
}

function usageError(message: string): never {
  process.stderr.write(`bench:browser: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, json: join('dist', 'bench', 'browser', 'results.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--json' && argv[i + 1]) args.json = argv[++i];
    else if (a === '--only' && argv[i + 1]) {
      const list = argv[++i].split(',') as EngineId[];
      const unknown = list.find((e) => !ENGINE_ORDER.includes(e));
      if (unknown) usageError(`unknown engine ${unknown}`);
      args.only = list;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usageError(`unknown argument ${a}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report = await runSession({
    measure: args.quick ? QUICK : FULL_MEASURE,
    images: IMAGES,
    rounds: args.quick ? 1 : FULL_ROUNDS,
    only: args.only,
    command: ['npm run bench:browser', ...process.argv.slice(2)]
      .join(' ')
      .replace('browser ', 'browser -- '),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  writeReportJson(report, args.json);
  process.stdout.write(`${report.markdown}\n\nJSON: ${args.json}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:browser: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
