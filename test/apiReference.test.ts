/**
 * `npm run docs` holds: TypeDoc builds the API reference of both entry points with every export
 * documented (typedoc.json treats an undocumented export or a dangling type as an error).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the API reference builds with no undocumented export', () => {
  const out = mkdtempSync(join(tmpdir(), 'cnn-api-'));
  try {
    const r = spawnSync(process.execPath, ['scripts/tool.mjs', 'typedoc', '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `typedoc failed:\n${r.stdout}${r.stderr}`);
    assert.ok(existsSync(join(out, 'index.html')));
    assert.ok(existsSync(join(out, 'functions', 'node.saveModel.html')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
