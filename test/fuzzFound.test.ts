/**
 * Inputs the fuzzers (fuzz/, `npm run fuzz`) found that a reader mishandled, each kept here as a
 * concrete file so the fix stays fixed whatever the mutator later does. Every one must be refused
 * with a plain Error whose message is one short line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeRejection } from '../fuzz/harness.js';
import { parseIdx } from '../src/data/idx.js';
import { validateModelSpec } from '../src/model/spec.js';

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

/** `v` wrapped `depth` times in { type: ... }. */
function nested(v: unknown, depth: number): unknown {
  let out = v;
  for (let i = 0; i < depth; i++) out = { type: out };
  return out;
}

test('a spec value nested thousands deep is refused in one short line, not quoted or overflowing', () => {
  const spec = () => ({
    input: { shape: [28, 28, 1], scale: 1, offset: 0 },
    layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }],
  });
  // fuzz model spec, seed 1, input 60: input.shape[2] nested 2,000 levels deep (an 18,060-character message).
  const deepShape = spec();
  (deepShape.input.shape as unknown[])[2] = nested(1, 2000);
  refusesCleanly(
    () => validateModelSpec(deepShape),
    /^input\.shape\[2\] must be a whole number from 1 to 16384, got an object$/,
  );
  // Deeper still, quoting the value overflowed the stack: a RangeError instead of the message.
  const deepType = spec();
  (deepType.layers as unknown[])[0] = nested('flatten', 20_000);
  refusesCleanly(() => validateModelSpec(deepType), /^layer 1 has unknown type an object$/);
  const longName = spec();
  longName.layers[1].type = 'dense'.repeat(10_000);
  refusesCleanly(
    () => validateModelSpec(longName),
    /^layer 2 has unknown type "densedense.{30}\.\.\."$/,
  );
  // JSON.stringify wrote NaN as null, which is not what the file or caller gave.
  const nan = spec();
  nan.layers[1].units = Number.NaN;
  refusesCleanly(
    () => validateModelSpec(nan),
    /^layer 2 units must be a whole number from 1 to 1048576, got NaN$/,
  );
});
