/**
 * Where the CLI writes: human logs to stdout, or to stderr when --json reserves stdout for the
 * final JSON line; a progress bar on the log stream only when it is a terminal.
 */
export class Output {
  readonly log: NodeJS.WriteStream;
  /** Every warning this run printed, for the --json line's `warnings`. */
  readonly warnings: string[] = [];
  private barShown = false;
  private lastBar = 0;

  constructor(readonly json: boolean) {
    this.log = json ? process.stderr : process.stdout;
  }

  line(text: string): void {
    this.clearBar();
    this.log.write(`${text}\n`);
  }

  /** A `cnn: warning: ...` line on stderr: the run goes on, not quite as asked. */
  warn(text: string): void {
    this.clearBar();
    process.stderr.write(`cnn: warning: ${text}\n`);
    this.warnings.push(text);
  }

  /** Redraws a one-line progress bar at most every 100 ms (always at the end). */
  progress(label: string, done: number, total: number): void {
    if (!this.log.isTTY) return;
    const now = performance.now();
    if (done < total && now - this.lastBar < 100) return;
    this.lastBar = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    this.log.write(`\r${label} [${bar}] ${done}/${total}`);
    this.barShown = true;
  }

  clearBar(): void {
    if (this.barShown) {
      this.log.write('\r\x1b[K');
      this.barShown = false;
    }
  }

  /** The machine-readable result: always the last line of stdout. */
  result(value: unknown): void {
    this.clearBar();
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }
}

/** Python's str(round(x, 4)), as the tutorial prints its figures. */
export function round4(x: number): string {
  return String(Math.round(x * 1e4) / 1e4);
}
