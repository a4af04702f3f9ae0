/**
 * Fuzzes every reader of untrusted bytes (see readers.ts) for a while:
 *   npm run fuzz -- --minutes 10            all readers, time shared, a fresh run seed
 *   npm run fuzz -- --count 10000 --seed 1  10,000 inputs per reader, as `npm test` does
 *   npm run fuzz -- --reader png --seed 7 --input 4711 [--save bad.png]
 *                                           reproduces one input: its mutation steps and outcome
 * Prints the inputs tried per reader and every failure with the command that reproduces it.
 * Exit code 1 if anything failed.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type FuzzResult, inputRandom, readOne } from './harness.js';
import { readers } from './readers.js';
import { fuzzInWorker } from './watchdog.js';

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    reader: { type: 'string' },
    input: { type: 'string' },
    save: { type: 'string' },
  },
});

const whole = (v: string | undefined, what: string, max = 2 ** 32 - 1) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) fail(`--${what} must be a whole number, got ${v}`);
  return n;
};

const rows = values.reader ? readers.filter((r) => r.name === values.reader) : readers;
if (rows.length === 0)
  fail(`no reader named '${values.reader}' (readers: ${readers.map((r) => r.name).join(', ')})`);
const runSeed = whole(values.seed, 'seed') ?? Math.floor(Math.random() * 2 ** 32);
const reproduce = (name: string, index: number) =>
  `npm run fuzz -- --reader '${name}' --seed ${runSeed} --input ${index}`;

const index = whole(values.input, 'input');
if (index !== undefined) {
  if (rows.length !== 1) fail('--input needs --reader');
  const fuzzer = rows[0].load();
  const { input, steps } = fuzzer.mutate(inputRandom(runSeed, index));
  process.stdout.write(`${rows[0].name}, seed ${runSeed}, input ${index}: ${steps.join(', ')}\n`);
  if (values.save) writeFileSync(values.save, fuzzer.bytes(input));
  let outcome = 'parsed';
  try {
    fuzzer.read(input);
  } catch (e) {
    outcome = `refused: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`;
  }
  const problem = readOne(fuzzer, input);
  process.stdout.write(`${outcome}\n${problem ? `FAILS: ${problem}` : 'passes'}\n`);
  process.exit(problem ? 1 : 0);
}

const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
if (minutes !== undefined && !(minutes > 0))
  fail(`--minutes must be a positive number, got ${values.minutes}`);
const count = whole(values.count, 'count') ?? (minutes === undefined ? 10_000 : undefined);
process.stdout.write(
  `run seed ${runSeed}; ${minutes ? `${minutes} minutes shared by` : `${count} inputs for each of`} ${rows.length} readers\n`,
);

const totals: FuzzResult[] = rows.map(() => ({
  tried: 0,
  parsed: 0,
  rejected: 0,
  slowestMs: 0,
  slowest: 0,
  failures: [],
}));
const deadline = minutes === undefined ? undefined : Date.now() + minutes * 60_000;
// Time-limited runs take turns of half a minute so every reader gets its share; each turn runs in
// a worker thread under a watchdog, so a hang is reported, not waited for.
const turnMs = Math.min(30_000, ((minutes ?? 0) * 60_000) / rows.length);
do {
  for (const [r, row] of rows.entries()) {
    const t = totals[r];
    const until = deadline === undefined ? undefined : Math.min(deadline, Date.now() + turnMs);
    const left = count === undefined ? undefined : count - t.tried;
    if (left === 0 || (until !== undefined && Date.now() >= until)) continue;
    const got = await fuzzInWorker(row.name, {
      runSeed,
      start: t.tried,
      count: left,
      until,
      maxFailures: 10 - t.failures.length,
    });
    t.tried += got.tried;
    t.parsed += got.parsed;
    t.rejected += got.rejected;
    if (got.slowestMs > t.slowestMs) [t.slowestMs, t.slowest] = [got.slowestMs, got.slowest];
    t.failures.push(...got.failures);
  }
} while (
  deadline !== undefined &&
  Date.now() < deadline &&
  totals.every((t) => t.failures.length < 10)
);

let failed = 0;
rows.forEach((row, r) => {
  const t = totals[r];
  process.stdout.write(
    `${row.name.padEnd(11)} ${String(t.tried).padStart(9)} inputs: ${t.parsed} parsed, ${t.rejected} refused, ${t.failures.length} failed; slowest ${t.slowestMs.toFixed(1)} ms (input ${t.slowest})\n`,
  );
  for (const f of t.failures) {
    failed++;
    process.stdout.write(
      `  input ${f.index} (${f.steps.join(', ')}): ${f.problem}\n    ${reproduce(row.name, f.index)}\n`,
    );
  }
});
process.exit(failed > 0 ? 1 : 0);
