/**
 * The committed WebAssembly modules (src/kernels/wasm/simdModule.generated.ts and its relaxed-SIMD
 * twin simdRelaxedModule.generated.ts) are what the AssemblyScript source compiles to today: a
 * kernel change without `npm run build:wasm` fails here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { engineOffersRelaxedSimd, RELAXED_SIMD_FLAG } from './relaxedSimdProbe.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const generated = ['simdModule.generated.ts', 'simdRelaxedModule.generated.ts'];

test('the committed WebAssembly modules match a fresh compile of wasm/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-wasm-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/buildWasm.mjs', dir], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `buildWasm failed: ${r.stderr}`);
    for (const name of generated) {
      const committed = join(root, 'src/kernels/wasm', name);
      assert.ok(
        readFileSync(join(dir, name), 'utf8') === readFileSync(committed, 'utf8'),
        `src/kernels/wasm/${name} is stale: run npm run build:wasm and commit it`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the relaxed module needs relaxed SIMD', () => {
  const bytes = (name: string) => {
    const source = readFileSync(join(root, 'src/kernels/wasm', name), 'utf8');
    return Uint8Array.from(Buffer.from(/'([A-Za-z0-9+/=]+)'/.exec(source)?.[1] ?? '', 'base64'));
  };
  const [plain, relaxed] = generated.map(bytes) as [
    Uint8Array<ArrayBuffer>,
    Uint8Array<ArrayBuffer>,
  ];
  assert.ok(WebAssembly.validate(plain), 'the plain module runs wherever SIMD does');
  // Validation fails where relaxed SIMD is off only if the module really uses it.
  assert.equal(WebAssembly.validate(relaxed), engineOffersRelaxedSimd());
  const inOtherEngine = spawnSync(
    process.execPath,
    [
      ...(engineOffersRelaxedSimd() ? [] : [RELAXED_SIMD_FLAG]),
      '--input-type=module',
      '-e',
      `console.log(WebAssembly.validate(Buffer.from('${Buffer.from(relaxed).toString('base64')}', 'base64')))`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(
    inOtherEngine.stdout.trim(),
    'true',
    'the relaxed module validates with relaxed SIMD on',
  );
});
