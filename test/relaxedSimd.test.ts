/**
 * The kernel checks of test/kernels.test.ts (every fast kernel against its reference twin, odd
 * shapes, stride 2 and `same` padding included) and test/winograd.test.ts on the build of the SIMD kernels this process does
 * not run: the relaxed-SIMD build (fused multiply-add, whose sums round once and so differ from the
 * reference twins in the last bits, within the same float32 tolerance) under
 * `--experimental-wasm-relaxed-simd`, or the plain build under CNN_TS_NO_RELAXED=1 where relaxed
 * SIMD is on already. The child asserts that the build it was sent to check is the one in use.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simdAvailable, simdBuild } from '../src/kernels/wasm/simd.js';
import { RELAXED_SIMD_FLAG } from './relaxedSimdProbe.js';

/** Runs a kernel test file on the other build; returns how many of its tests passed. */
function onOtherBuild(file: string): number {
  const other = simdBuild() === 'relaxed' ? 'plain' : 'relaxed';
  const testFile = fileURLToPath(new URL(file, import.meta.url));
  // Without NODE_TEST_CONTEXT the child reports in plain TAP, not to this test runner.
  const { CNN_TS_NO_WASM, CNN_TS_NO_RELAXED, NODE_TEST_CONTEXT, ...env } = process.env;
  const r = spawnSync(
    process.execPath,
    [...(other === 'relaxed' ? [RELAXED_SIMD_FLAG] : []), '--test-reporter=tap', testFile],
    {
      env: {
        ...env,
        ...(other === 'plain' ? { CNN_TS_NO_RELAXED: '1' } : {}),
        CNN_TS_EXPECT_SIMD_BUILD: other,
      },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(r.status, 0, `${file} on the ${other} build failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^# fail 0$/m);
  return Number(/^# pass (\d+)$/m.exec(r.stdout)?.[1]);
}

test('the kernels equal their reference twins on the other build of the SIMD kernels', () => {
  assert.ok(simdAvailable(), 'WebAssembly SIMD runs here (Node 20 or later)');
  const passed = onOtherBuild('./kernels.test.js');
  assert.ok(passed >= 15, `${passed} kernel checks passed on the other build`);
});

test('the Winograd convolutions equal the direct reference on the other build too', () => {
  assert.ok(simdAvailable(), 'WebAssembly SIMD runs here (Node 20 or later)');
  const passed = onOtherBuild('./winograd.test.js');
  assert.ok(passed >= 3, `${passed} Winograd checks passed on the other build`);
});
