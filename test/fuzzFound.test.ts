/**
 * Inputs the fuzzers (fuzz/, `npm run fuzz`) found that a reader mishandled, each kept here as a
 * concrete file so the fix stays fixed whatever the mutator later does. Every one must be refused
 * with a plain Error whose message is one short line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeRejection } from '../fuzz/harness.js';
import { parseIdx } from '../src/data/idx.js';

/** Asserts that `read` refuses the input properly and that the message matches `pattern`. */
function refusesCleanly(read: () => unknown, pattern: RegExp): void {
  try {
    read();
  } catch (e) {
    assert.equal(judgeRejection(e), null);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.fail('the input was accepted');
}

test('an IDX header whose rank byte says 254 is refused in one short line', () => {
  // fuzz idx, seed 1, input 1629: MNIST test images with 10 image bytes copied over the rank byte.
  const bytes = new Uint8Array(4 + 4 * 254 + 40);
  bytes.set([0, 0, 8, 254]);
  bytes.fill(0xfe, 4, 4 + 4 * 254);
  refusesCleanly(
    () => parseIdx(bytes, 'x.idx'),
    /^x\.idx: header claims 4278124286x4278124286x4278124286x\.\.\. \(254 dimensions\) = Infinity values but the file holds 40 \(truncated\?\)$/,
  );
});
