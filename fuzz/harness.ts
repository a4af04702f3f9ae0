/**
 * Runs one reader over mutated inputs and judges each outcome. An input passes when it parses or
 * is refused with a plain Error whose message is one line; it fails on any other exception, on
 * taking more than a second, or on raising the process's peak memory by more than the input
 * justifies. Input n of a run with seed s is made from its own generator, seeded from (s, n),
 * so any input is reproduced from those two numbers alone.
 */
import { Random } from '../src/random/prng.js';
import type { Fuzzer } from './readers.js';

export const MAX_INPUT_MS = 1000;
/** Longer messages are not "one line that says what is wrong" (e.g. a whole JSON value quoted). */
export const MAX_MESSAGE_CHARS = 500;

export interface Failure {
  index: number;
  steps: string[];
  problem: string;
}

export interface FuzzResult {
  tried: number;
  parsed: number;
  rejected: number;
  slowestMs: number;
  /** The index of the slowest input. */
  slowest: number;
  failures: Failure[];
}

/** The generator of input `index` in a run seeded `runSeed`. */
export function inputRandom(runSeed: number, index: number): Random {
  return new Random((Math.imul(runSeed, 0x9e3779b1) + index) >>> 0);
}

/** What is wrong with how a reader refused an input, or null if it refused it properly. */
export function judgeRejection(e: unknown): string | null {
  if (!(e instanceof Error)) return `threw a non-Error value: ${String(e).slice(0, 200)}`;
  const first = e.message.split('\n')[0].slice(0, 200);
  if (e.constructor !== Error) return `threw ${e.constructor.name}: ${first}`;
  if (e.message.trim() === '') return 'threw an Error with an empty message';
  if (e.message.includes('\n')) return `threw a message of several lines: ${first}`;
  if (e.message.length > MAX_MESSAGE_CHARS)
    return `threw a message of ${e.message.length} characters: ${first}...`;
  return null;
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Growth of the peak resident memory catches what a reader touched and freed; growth of the
 * current one catches what it still holds, when an earlier, higher peak hides the first.
 */
function memoryNow(): { peak: number; now: number } {
  return { peak: peakRssBytes(), now: process.memoryUsage.rss() };
}

export interface RunOptions {
  runSeed: number;
  /** First input index (default 0). */
  start?: number;
  /** Stop after this many inputs ... */
  count?: number;
  /** ... or at this time (Date.now()), whichever comes first. */
  until?: number;
  /** Stop early after this many failures (default 10). */
  maxFailures?: number;
}

export function fuzz(fuzzer: Fuzzer, options: RunOptions): FuzzResult {
  const start = options.start ?? 0;
  const result: FuzzResult = {
    tried: 0,
    parsed: 0,
    rejected: 0,
    slowestMs: 0,
    slowest: start,
    failures: [],
  };
  const end = start + (options.count ?? Number.POSITIVE_INFINITY);
  const maxFailures = options.maxFailures ?? 10;
  for (let index = start; index < end; index++) {
    if (options.until !== undefined && Date.now() >= options.until) break;
    const { input, steps } = fuzzer.mutate(inputRandom(options.runSeed, index));
    const before = result.slowestMs;
    const problem = readOne(fuzzer, input, result);
    if (result.slowestMs > before) result.slowest = index;
    result.tried++;
    if (problem) {
      result.failures.push({ index, steps, problem });
      if (result.failures.length >= maxFailures) break;
    }
  }
  return result;
}

/** Reads one input, counting the outcome; returns what went wrong, or null. */
export function readOne(fuzzer: Fuzzer, input: unknown, result?: FuzzResult): string | null {
  const before = memoryNow();
  const t0 = performance.now();
  let problem: string | null = null;
  try {
    fuzzer.read(input);
    if (result) result.parsed++;
  } catch (e) {
    problem = judgeRejection(e);
    if (result && !problem) result.rejected++;
  }
  const ms = performance.now() - t0;
  if (result) result.slowestMs = Math.max(result.slowestMs, ms);
  const after = memoryNow();
  const grew = Math.max(after.peak - before.peak, after.now - before.now);
  const allowed = fuzzer.memoryAllowance(input);
  if (!problem && ms > MAX_INPUT_MS) problem = `took ${Math.round(ms)} ms`;
  if (!problem && grew > allowed)
    problem = `raised peak memory by ${Math.round(grew / 2 ** 20)} MB (allowed ${Math.round(allowed / 2 ** 20)} MB)`;
  return problem;
}
