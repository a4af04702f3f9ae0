/**
 * Command line of `npm run bench -- [--quick] [--out FILE] [--json]`.
 */

export interface BenchArgs {
  quick: boolean;
  /** Write the markdown report here (atomically) as well as printing it. */
  out: string | null;
  /** Print the results as JSON instead of markdown. */
  json: boolean;
  help: boolean;
}

export const usage = `usage: npm run bench -- [--quick] [--out FILE] [--json]
  --quick     short runs for development (under 2 minutes); skips the time-to-accuracy run
  --out FILE  also write the markdown report to FILE
  --json      print the results as JSON instead of the markdown table`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, out: null, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--json') args.json = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--out' || a.startsWith('--out=')) {
      const value = a === '--out' ? argv[++i] : a.slice('--out='.length);
      if (!value) throw new Error('--out needs a file name');
      args.out = value;
    } else throw new Error(`unknown option ${a}\n${usage}`);
  }
  return args;
}
