// `npm pack` / `npm publish` build: a clean compile of the engine and the CLI without source maps
// (the package ships no TypeScript sources for them to point to).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

for (const path of ['dist/src', 'dist/cli', 'dist/.build.tsbuildinfo']) {
  rmSync(path, { recursive: true, force: true });
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(
  process.execPath,
  [tsc, '-p', 'tsconfig.build.json', '--sourceMap', 'false', '--incremental', 'false'],
  { stdio: 'inherit' },
);
