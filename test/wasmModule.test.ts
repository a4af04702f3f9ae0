/**
 * The committed WebAssembly module (src/kernels/wasm/simdModule.generated.ts) is what the
 * AssemblyScript source compiles to today: a kernel change without `npm run build:wasm` fails here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = join(root, 'src/kernels/wasm/simdModule.generated.ts');

test('the committed WebAssembly module matches a fresh compile of wasm/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-wasm-'));
  try {
    const fresh = join(dir, 'simdModule.generated.ts');
    const r = spawnSync(process.execPath, ['scripts/buildWasm.mjs', fresh], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `buildWasm failed: ${r.stderr}`);
    assert.ok(
      readFileSync(fresh, 'utf8') === readFileSync(committed, 'utf8'),
      'src/kernels/wasm/simdModule.generated.ts is stale: run npm run build:wasm and commit it',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
