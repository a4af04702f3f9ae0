/**
 * `npm run docs:images` is deterministic: remade in a fresh folder, every picture equals the one
 * committed in docs/img (PNGs compared by their pixels, so a different zlib cannot matter; JPEG
 * and SVG files byte for byte), and it makes no picture that is not committed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '../src/io/imageFiles.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = join(root, 'docs', 'img');
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('npm run docs:images remakes exactly the committed pictures', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-docs-img-'));
  try {
    execFileSync(process.execPath, ['scripts/docsImages.mjs', dir], { cwd: root, stdio: 'pipe' });
    const made = readdirSync(dir).sort();
    assert.deepEqual(made, readdirSync(committed).sort());
    for (const name of made) {
      const a = readFileSync(join(dir, name));
      const b = readFileSync(join(committed, name));
      if (name.endsWith('.png')) {
        const pa = decodeImage(a, name);
        const pb = decodeImage(b, name);
        assert.deepEqual([pa.width, pa.height], [pb.width, pb.height], name);
        assert.ok(bytes(pa.data).equals(bytes(pb.data)), `${name} differs`);
      } else {
        assert.ok(a.equals(b), `${name} differs`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
