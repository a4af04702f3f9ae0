/**
 * The command line helps: --version, a suggestion for a near-miss flag, the same one-line message
 * for a negative value as for any bad value, a hint when npm kept the flags, and a README whose
 * synopsis of each command names every flag that command's --help lists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { helpFlags, nearestFlag } from '../cli/flags.js';
import { assertOneLineError, cnn, cnnWithEnv, lastJson } from './cliRun.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const commands = ['train', 'evaluate', 'predict', 'visualize', 'sobel'];

/** The README's synopsis lines for a command: `cnn NAME ...` in a text block, with continuations. */
function synopsis(readme: string, command: string): string {
  const lines: string[] = [];
  for (const block of readme.matchAll(/```text\n([\s\S]*?)```/g)) {
    let inside = false;
    for (const line of block[1].split('\n')) {
      if (line.startsWith('cnn ')) inside = line.startsWith(`cnn ${command} `);
      else if (!/^\s/.test(line)) inside = false;
      if (inside) lines.push(line.replace(/#.*/, ''));
    }
  }
  return lines.join('\n');
}

test("the README's synopsis of each command names every flag its --help lists", () => {
  const readme = read('README.md');
  for (const command of commands) {
    const help = cnn(command, '--help');
    assert.equal(help.code, 0);
    const flags = [...helpFlags(help.stdout).keys()].filter((f) => f !== 'help');
    assert.ok(flags.length > 0, `cnn ${command} --help lists flags`);
    const text = synopsis(readme, command);
    for (const flag of flags) {
      assert.match(
        text,
        new RegExp(`--${flag}\\b`),
        `README synopsis of cnn ${command} lacks --${flag}`,
      );
    }
  }
});

test('cnn --version prints the package version', () => {
  const r = cnn('--version');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), JSON.parse(read('package.json')).version);
});

test('a near-miss flag or command gets a suggestion; an unknown one points to --help', () => {
  assertOneLineError(
    cnn('train', '--epoch', '2'),
    /unknown flag --epoch .*did you mean --epochs\?/,
    2,
  );
  assertOneLineError(cnn('predict', '--modle', 'm.cnn'), /did you mean --model\?/, 2);
  assertOneLineError(cnn('train', '--batch', '8'), /did you mean --batch-size\?/, 2);
  assertOneLineError(
    cnn('train', '--colour'),
    /unknown flag --colour .*'cnn train --help' lists them/,
    2,
  );
  assertOneLineError(cnn('trian'), /unknown command 'trian': did you mean 'train'\?/, 2);
  assert.equal(nearestFlag('zzzz', ['epochs', 'seed']), undefined);
});

test('negative and non-numeric values get the same one-line message as other bad values', () => {
  for (const value of ['-1', 'abc', '0', '1.5']) {
    assertOneLineError(
      cnn('train', '--epochs', value),
      new RegExp(
        `--epochs must be a whole number from 1 to \\d+, got '${value.replace('.', '\\.')}'`,
      ),
      2,
    );
  }
  assertOneLineError(
    cnn('train', '--lr', '-0.1'),
    /--lr must be a positive number, got '-0\.1'/,
    2,
  );
  assertOneLineError(
    cnn('train', '--batch-size', '-4'),
    /--batch-size must be a whole number from 1 to \d+, got '-4'/,
    2,
  );
  assertOneLineError(cnn('train', '--out'), /--out needs a value/, 2);
  assertOneLineError(cnn('train', '--out', '--json'), /--out needs a value/, 2);
});

test('flags npm kept for itself (no -- after npm run cnn) get a hint', () => {
  // What `npm run cnn train --epochs 1` hands over: npm keeps --epochs, passes 1 on.
  const r = cnnWithEnv({ npm_lifecycle_event: 'cnn', npm_config_epochs: 'true' }, 'train', '1');
  assertOneLineError(
    r,
    /npm kept --epochs for itself: put -- before the flags, as in 'npm run cnn -- train --epochs/,
    2,
  );
  const start = cnnWithEnv({ npm_lifecycle_event: 'start', npm_config_seed: '2' }, 'train', '2');
  assertOneLineError(start, /npm kept --seed for itself: .*'npm start -- --seed 2'/, 2);
});

test('train --json reports the tie rule the tutorial preset uses', () => {
  const run = (...flags: string[]) =>
    lastJson(
      cnn('train', '--train-size', '20', '--test-size', '10', '--epochs', '1', '--json', ...flags),
    );
  assert.equal(run().poolTies, 'all');
  assert.equal(run('--pool-ties', 'first').poolTies, 'first');
  assert.equal(run('--preset', 'lenet5').poolTies, 'first');
});
