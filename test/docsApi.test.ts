/**
 * docs/api.md holds: each TypeScript snippet appears, verbatim, in the examples/ file the guide
 * last linked to, and those files are what test/package.test.ts runs against the packed package.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('every snippet in docs/api.md is part of the example file it comes from', () => {
  const guide = read('docs/api.md');
  let source: string | undefined;
  let snippets = 0;
  const pattern = /\(\.\.\/(examples\/\w+\.ts)\)|```ts\n([\s\S]*?)```/g;
  for (const m of guide.matchAll(pattern)) {
    if (m[1]) {
      source = m[1];
      continue;
    }
    assert.ok(source, 'a snippet before any example is named');
    assert.ok(read(source).includes(m[2]), `snippet not found in ${source}:\n${m[2]}`);
    snippets++;
  }
  assert.ok(snippets >= 8, `only ${snippets} snippets checked`);
});
