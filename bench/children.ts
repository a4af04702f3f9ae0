/**
 * Runs one measurement process and reads its `BENCH_RESULT` line. Every measurement runs in its
 * own process so one engine's heap, threads and JIT state cannot slow or bloat another's.
 */
import { spawn } from 'node:child_process';
import { type ChildOutput, RESULT_PREFIX } from './protocol.js';

export interface ChildRun {
  output: ChildOutput;
  wallSeconds: number;
}

/**
 * Never rejects: a missing program, a crash or a timeout become `skipped` with the reason. `env`
 * adds to (or, as undefined, removes from) this process's environment.
 */
export function runChild(
  command: string,
  args: readonly string[],
  timeoutSeconds: number,
  env: Record<string, string | undefined> = {},
): Promise<ChildRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (output: ChildOutput) =>
      resolve({ output, wallSeconds: (performance.now() - started) / 1000 });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = error.code === 'ENOENT' ? `${command} not found` : error.message;
      done({ skipped: reason });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return done({ skipped: `timed out after ${timeoutSeconds} s` });
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line) {
        try {
          return done(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildOutput);
        } catch {
          return done({ skipped: 'unreadable result line' });
        }
      }
      const lastError = stderr.trim().split('\n').slice(-1)[0] ?? '';
      done({ skipped: `exited with code ${code}${lastError ? `: ${lastError}` : ''}` });
    });
  });
}

/** Prints the result line of a child process written in TypeScript. */
export function reply(output: ChildOutput): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(output)}\n`);
}
