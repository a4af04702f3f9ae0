// Runs a development tool (biome, typedoc, asc) installed in tools/node_modules, the package that
// keeps these tools out of the engine's own install; says in one line how to install it if missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [name, ...args] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'tools', 'node_modules', '.bin', name);
if (!existsSync(bin)) {
  process.stderr.write(`${name} is not installed: run 'npm ci --prefix tools'\n`);
  process.exit(1);
}
const r = spawnSync(bin, args, { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
