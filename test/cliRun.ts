/** Running the built `cnn` command line from tests, and checking its one-line errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cnn(...args: string[]): CliResult {
  return cnnWithEnv({}, ...args);
}

/** Runs `cnn` with extra environment variables (e.g. the ones npm sets for its scripts). */
export function cnnWithEnv(env: Record<string, string>, ...args: string[]): CliResult {
  return cnnIn({ env }, ...args);
}

/** Runs `cnn` in a Node started with `nodeFlags` (e.g. --experimental-wasm-relaxed-simd). */
export function cnnWithNodeFlags(nodeFlags: string[], ...args: string[]): CliResult {
  return cnnIn({ nodeFlags }, ...args);
}

function cnnIn(
  { env = {}, nodeFlags = [] }: { env?: Record<string, string>; nodeFlags?: string[] },
  ...args: string[]
): CliResult {
  const r = spawnSync(process.execPath, [...nodeFlags, cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Trains the default preset for one epoch on the first `trainSize` images (tested on 20) and
 * saves it to `model`: a small real model for the commands that read one.
 */
export function trainSmallModel(model: string, trainSize: number): CliResult {
  const sizes = ['--train-size', String(trainSize), '--test-size', '20', '--epochs', '1'];
  return cnn('train', ...sizes, '--out', model);
}

/** The final JSON line that --json prints. */
export function lastJson(r: CliResult): Record<string, unknown> {
  assert.equal(r.code, 0, `exit code; stderr: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Exit code `code` with exactly one stderr line starting `cnn: ` and no stack trace. */
export function assertOneLineError(r: CliResult, pattern: RegExp, code = 1): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(lines[0], /^cnn: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** The float32 data section of a model file (everything after the padded header). */
export function tensorBytes(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const start = Math.ceil((16 + view.getUint32(12, true)) / 4) * 4;
  return file.subarray(start);
}
