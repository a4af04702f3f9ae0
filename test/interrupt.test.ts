/**
 * Interrupts lose nothing: SIGINT in the middle of an epoch stops `cnn train` after the current
 * step with a checkpoint of that point, the printed command resumes it, and the resumed run ends
 * with weights byte for byte equal to an uninterrupted run (best preset, 1 and 2 threads). A second
 * SIGINT quits at once; resuming with another --epochs under a one-cycle schedule is refused
 * unless --reshape-schedule says so.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertOneLineError, type CliResult, cnn, lastJson, tensorBytes } from './cliRun.js';

const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cnn-interrupt-'));
const file = (name: string) => join(dir, name);
const run = ['--preset', 'best', '--train-size', '1500', '--test-size', '100', '--epochs', '2'];

/**
 * Runs `cnn train ...args` (with --json, so logs go to stderr), sends SIGINT once stderr shows
 * `when` and, with `again`, a second one as soon as the first is acknowledged.
 */
function trainInterrupted(
  args: string[],
  when: RegExp,
  again = false,
): Promise<CliResult & { signal: NodeJS.Signals | null; secondsAfterSecond: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'train', ...args]);
    let stdout = '';
    let stderr = '';
    let sent = 0;
    let secondAt = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (sent === 0 && when.test(stderr)) {
        sent = 1;
        child.kill('SIGINT');
      }
      if (again && sent === 1 && /SIGINT: stopping/.test(stderr)) {
        sent = 2;
        secondAt = performance.now();
        child.kill('SIGINT');
      }
    });
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout,
        stderr,
        secondsAfterSecond: (performance.now() - secondAt) / 1000,
      }),
    );
  });
}

const weights = (name: string) => Buffer.from(tensorBytes(readFileSync(file(name))));

for (const threads of ['1', '2']) {
  test(`best preset, ${threads} thread(s): interrupted mid-epoch and resumed = uninterrupted, byte for byte`, async () => {
    const straight = lastJson(
      cnn('train', ...run, '--threads', threads, '--json', '--out', file(`straight${threads}`)),
    );
    const out = file(`cut${threads}`);
    const cut = await trainInterrupted(
      [...run, '--threads', threads, '--json', '--out', out],
      /Epoch 2\n/,
    );
    assert.equal(cut.code, 130, cut.stderr);
    assert.match(cut.stderr, /SIGINT: stopping after the current step/);
    const at = /Interrupted at image (\d+) of epoch (\d+): saved checkpoint to (.+)\n/.exec(
      cut.stderr,
    );
    assert.ok(at, cut.stderr);
    assert.equal(at[3], `${out}.ckpt`, 'the default place: next to --out');
    const resume = /Resume with: cnn (.+)\n/.exec(cut.stderr);
    assert.ok(resume, cut.stderr);
    const resumed = cnn(...resume[1].split(' '));
    if (Number(at[1]) > 0)
      assert.match(resumed.stderr, new RegExp(`at image ${at[1]} of epoch ${at[2]}`));
    assert.equal(lastJson(resumed).testLoss, straight.testLoss);
    assert.ok(weights(`cut${threads}`).equals(weights(`straight${threads}`)), 'same weights');
  });
}

test('a second SIGINT quits at once; another --epochs under one-cycle needs --reshape-schedule', async () => {
  const twice = await trainInterrupted(
    [...run, '--json', '--out', file('twice')],
    /Epoch 1\n/,
    true,
  );
  // Killed by the second signal (a shell shows 130), unless the first had just finished its work.
  assert.ok(twice.signal === 'SIGINT' || twice.code === 130, `${twice.code} ${twice.signal}`);
  assert.ok(twice.secondsAfterSecond < 1, `${twice.secondsAfterSecond} s after the second SIGINT`);

  const cut = await trainInterrupted([...run, '--json', '--out', file('plan')], /Epoch 1\n/);
  assert.equal(cut.code, 130, cut.stderr);
  assertOneLineError(
    cnn('train', '--resume', file('plan.ckpt'), '--epochs', '3'),
    /oneCycle schedule was planned for 2 epochs; --epochs 3 would reshape it \(add --reshape-schedule/,
    2,
  );
  const reshaped = cnn(
    'train',
    '--resume',
    file('plan.ckpt'),
    '--epochs',
    '3',
    '--reshape-schedule',
    '--stop-after',
    '1',
  );
  assert.equal(reshaped.code, 0, reshaped.stderr);
});
