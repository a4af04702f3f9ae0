/**
 * Checks a command's flags against the ones its `--help` lists, before node:util's parseArgs sees
 * them, so every mistake gets one helpful line: a near miss names the flag meant, a value that
 * starts with '-' (`--epochs -1`) reaches the command's own check of that value, and flags that
 * npm kept for itself (`npm run cnn train --epochs 1`, without `--`) are pointed out.
 */
import { UsageError } from './args.js';

/** The flags a help text lists (`  --name VALUE  description`), each with whether it takes a value. */
export function helpFlags(help: string): Map<string, boolean> {
  const flags = new Map<string, boolean>([['help', false]]);
  for (const m of help.matchAll(/^ {2}--([a-z][a-z-]*)( [^\s]+)?(?: {2,}|$)/gm)) {
    flags.set(m[1], m[2] !== undefined);
  }
  return flags;
}

/** Edit distance between two short strings: insertions, deletions, substitutions and swaps of
 * neighbouring letters (`--modle` for `--model`) each count 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The known flag closest to `name`, if it is close enough to be a typo or an abbreviation. */
export function nearestFlag(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const flag of known) {
    const d = flag.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, flag);
    if (d < bestDistance) {
      best = flag;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) ? best : undefined;
}

const isFlag = (arg: string) => arg.startsWith('--') || arg === '-h';

/**
 * Returns `args` with every value-taking flag written as `--name=value`, after checking that each
 * flag is one `help` lists and has its value. Arguments after a bare `--` are left alone.
 */
export function checkFlags(args: string[], help: string, command: string): string[] {
  const flags = helpFlags(help);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('--')) {
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const takesValue = flags.get(name);
    if (takesValue === undefined) {
      const guess = nearestFlag(name, flags.keys());
      const hint = guess ? `did you mean --${guess}?` : `'cnn ${command} --help' lists them`;
      throw new UsageError(`unknown flag --${name} for 'cnn ${command}': ${hint}`);
    }
    if (takesValue && eq < 0) {
      const value = args[i + 1];
      if (value === undefined || isFlag(value)) throw new UsageError(`--${name} needs a value`);
      out.push(`--${name}=${value}`);
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/**
 * Flags of this command that npm took as its own settings: run through `npm run cnn` or
 * `npm start` without `--`, npm keeps `--name` (as the environment variable npm_config_name)
 * and passes only its value on.
 */
export function flagsKeptByNpm(
  args: string[],
  help: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (env.npm_lifecycle_event !== 'cnn' && env.npm_lifecycle_event !== 'start') return [];
  return [...helpFlags(help).keys()].filter(
    (name) =>
      env[`npm_config_${name.replaceAll('-', '_')}`] !== undefined &&
      !args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`)),
  );
}
