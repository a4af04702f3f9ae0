/**
 * Where the CLI writes: human logs to stdout, or to stderr when --json reserves stdout for the
 * final JSON line; a progress bar on the log stream (or the stream given) only when it is a
 * terminal.
 */
export class Output {
  readonly log: NodeJS.WriteStream;
  private readonly bar: NodeJS.WriteStream;
  /** Every warning this run printed, for the --json line's `warnings`. */
  readonly warnings: string[] = [];
  private barShown = false;
  private lastBar = 0;
  private arrayOpen = false;

  constructor(
    readonly json: boolean,
    barStream?: NodeJS.WriteStream,
  ) {
    this.log = json ? process.stderr : process.stdout;
    this.bar = barStream ?? this.log;
  }

  /** True if the progress bar would show (its stream is a terminal). */
  get barVisible(): boolean {
    return this.bar.isTTY === true;
  }

  line(text: string): void {
    // A bar on another stream stays, unless both are terminals (most likely the same screen).
    if (this.log === this.bar || (this.log.isTTY && this.bar.isTTY)) this.clearBar();
    this.log.write(`${text}\n`);
  }

  /** A `cnn: warning: ...` line on stderr: the run goes on, not quite as asked. */
  warn(text: string): void {
    this.clearBar();
    process.stderr.write(`cnn: warning: ${text}\n`);
    this.warnings.push(text);
  }

  /** Redraws a one-line progress bar at most every 100 ms (at once when a line cleared it, and
   * always at the end). */
  progress(label: string, done: number, total: number): void {
    if (!this.barVisible) return;
    const now = performance.now();
    if (done < total && this.barShown && now - this.lastBar < 100) return;
    this.lastBar = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    this.bar.write(`\r${label} [${bar}] ${done}/${total}`);
    this.barShown = true;
  }

  clearBar(): void {
    if (this.barShown) {
      this.bar.write('\r\x1b[K');
      this.barShown = false;
    }
  }

  /** A line for people on stderr in either mode (a summary, a warning). */
  note(text: string): void {
    this.clearBar();
    process.stderr.write(`${text}\n`);
  }

  /** The machine-readable result: always the last line of stdout. */
  result(value: unknown): void {
    this.clearBar();
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /**
   * One element of a result that is a JSON array, written at once so a long run holds none of
   * it; `endResultArray` closes the line. Nothing else goes to stdout under --json, so the array
   * is still the last line of stdout.
   */
  resultElement(value: unknown): void {
    process.stdout.write(`${this.arrayOpen ? ',' : '['}${JSON.stringify(value)}`);
    this.arrayOpen = true;
  }

  /** Ends the array that `resultElement` began (an empty array if there was none). */
  endResultArray(): void {
    process.stdout.write(`${this.arrayOpen ? '' : '['}]\n`);
    this.arrayOpen = false;
  }
}

/** Python's str(round(x, 4)), as the tutorial prints its figures. */
export function round4(x: number): string {
  return String(Math.round(x * 1e4) / 1e4);
}
