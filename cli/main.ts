#!/usr/bin/env node
/** The `cnn` command line: dispatches to a subcommand and turns every error into one line. */
import { UsageError } from './args.js';
import { evaluateCommand, evaluateHelp } from './commands/evaluate.js';
import { exportCommand, exportHelp } from './commands/export.js';
import { importCommand, importHelp } from './commands/import.js';
import { predictCommand, predictHelp } from './commands/predict.js';
import { sobelCommand, sobelHelp } from './commands/sobel.js';
import { trainCommand, trainHelp } from './commands/train.js';
import { visualizeCommand, visualizeHelp } from './commands/visualize.js';

const commands: Record<
  string,
  { run: (args: string[]) => number | Promise<number>; help: string }
> = {
  train: { run: trainCommand, help: trainHelp },
  evaluate: { run: evaluateCommand, help: evaluateHelp },
  predict: { run: predictCommand, help: predictHelp },
  visualize: { run: visualizeCommand, help: visualizeHelp },
  sobel: { run: sobelCommand, help: sobelHelp },
  export: { run: exportCommand, help: exportHelp },
  import: { run: importCommand, help: importHelp },
};

const usage = `Usage: cnn <command> [flags]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.help.split('\n')[2]}`)
  .join('\n')}

Run 'cnn <command> --help' for a command's flags.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}' (try 'cnn --help')`);
  return command.run(rest);
}

// A reader that stops early (`cnn evaluate ... | head`) closes the pipe: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`cnn: ${message.split('\n')[0]}\n`);
  if (process.env.CNN_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
