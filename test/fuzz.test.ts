/**
 * Every reader of untrusted bytes (fuzz/readers.ts: IDX, gzipped IDX, model files, ONNX, PNG, JPEG,
 * model specs) against 10,000 damaged inputs made from real files: each must be parsed or refused
 * with a plain one-line Error, within a second, without raising peak memory past what the input
 * justifies. `npm run fuzz -- --minutes N` runs the same fuzzers longer, from fresh seeds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeRejection, MAX_INPUT_MS, readOne } from '../fuzz/harness.js';
import type { Fuzzer } from '../fuzz/readers.js';
import { readers } from '../fuzz/readers.js';
import { fuzzInWorker } from '../fuzz/watchdog.js';

const RUN_SEED = 1;
const COUNT = 10_000;

/** A fuzzer whose reader does `read` to every input. */
function fake(read: () => unknown): Fuzzer {
  return {
    mutate: () => ({ input: new Uint8Array(10), steps: [] }),
    read,
    bytes: (input) => input as Uint8Array,
    memoryAllowance: () => 64 * 2 ** 20,
  };
}

// First, while the process is small: the memory check needs room to see 256 MB appear.
test('the fuzz judge fails other exceptions, long or multi-line messages, slow inputs and memory', () => {
  assert.equal(judgeRejection(new Error('x.png: truncated')), null);
  assert.match(
    String(judgeRejection(new RangeError('Invalid typed array length'))),
    /^threw RangeError/,
  );
  assert.match(String(judgeRejection(new TypeError('x is undefined'))), /^threw TypeError/);
  assert.match(String(judgeRejection('a string')), /non-Error/);
  assert.match(String(judgeRejection(new Error('two\nlines'))), /several lines/);
  assert.match(String(judgeRejection(new Error('x'.repeat(501)))), /501 characters/);
  assert.match(String(judgeRejection(new Error(''))), /empty message/);
  const slow = readOne(
    fake(() => {
      const end = performance.now() + MAX_INPUT_MS + 50;
      while (performance.now() < end);
    }),
    new Uint8Array(10),
  );
  assert.match(String(slow), /^took \d+ ms$/);
  // 256 MB written (so it is resident), against 64 MB allowed.
  const hungry = readOne(
    fake(() => new Uint8Array(256 * 2 ** 20).fill(1)),
    new Uint8Array(10),
  );
  assert.match(String(hungry), /^raised peak memory by \d+ MB \(allowed 64 MB\)$/);
});

for (const row of readers) {
  test(`${row.name}: ${COUNT} damaged inputs are each parsed or refused in one line, quickly, in bounded memory`, async () => {
    const r = await fuzzInWorker(row.name, { runSeed: RUN_SEED, count: COUNT, maxFailures: 5 });
    const report = r.failures.map(
      (f) =>
        `input ${f.index} (${f.steps.join(', ')}): ${f.problem}\n` +
        `  reproduce: npm run fuzz -- --reader '${row.name}' --seed ${RUN_SEED} --input ${f.index}`,
    );
    assert.deepEqual(report, []);
    assert.equal(r.tried, COUNT);
    // Inputs that are all refused (or all accepted) would test only the first check of a reader.
    assert.ok(
      r.parsed >= COUNT / 50 && r.rejected >= COUNT / 2,
      `${r.parsed} parsed, ${r.rejected} refused`,
    );
  });
}
