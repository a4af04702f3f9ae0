/** Flag parsing for the CLI on node:util's parseArgs, with one-line errors for bad values. */
import { parseArgs } from 'node:util';

/** An error the user caused (bad flag or value): printed as one line, exit code 2. */
export class UsageError extends Error {}

/** A command's flags: those taking a value, switches, and whether it takes positional arguments.
 * Every command also has the switches --json and --help (-h). */
export interface FlagSpec<S extends string, B extends string> {
  strings: readonly S[];
  booleans?: readonly B[];
  positionals?: boolean;
}

export interface ParsedFlags<S extends string, B extends string> {
  values: { [K in S]?: string } & { [K in B | 'json' | 'help']?: boolean };
  positionals: string[];
}

/** Parses `args` (strict) against `spec`; a mistake becomes a one-line usage error. */
export function parseFlags<S extends string, B extends string = never>(
  args: string[],
  spec: FlagSpec<S, B>,
): ParsedFlags<S, B> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const name of spec.strings) options[name] = { type: 'string' };
  for (const name of [...(spec.booleans ?? []), 'json']) options[name] = { type: 'boolean' };
  options.help = { type: 'boolean', short: 'h' };
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: spec.positionals ?? false,
      options,
    });
    return { values: values as ParsedFlags<S, B>['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

/** parseFlags for a command with `help` as its --help text: on --help prints it and returns
 * undefined (the command then exits 0). */
export function commandFlags<S extends string, B extends string = never>(
  args: string[],
  help: string,
  spec: FlagSpec<S, B>,
): ParsedFlags<S, B> | undefined {
  const parsed = parseFlags(args, spec);
  if (!parsed.values.help) return parsed;
  process.stdout.write(help);
  return undefined;
}

export function intFlag(
  value: string | undefined,
  name: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

export function positiveNumberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  }
  return n;
}

export function choiceFlag<C extends string>(
  value: string | undefined,
  name: string,
  choices: readonly C[],
): C | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as C))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${value}'`);
  return value as C;
}
