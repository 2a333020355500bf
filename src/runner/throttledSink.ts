/**
 * Passes lines on to a slow consumer (a VS Code output channel, a webview) in batches, at most
 * `maxBytesPerFlush` per `intervalMs`. Lines beyond that are counted, not queued, and the next
 * batch says how many were not shown, so a flood of output never grows memory or freezes the
 * UI. (Everything is still in output.log.)
 */
export interface ThrottledSinkOptions {
  intervalMs?: number;
  maxBytesPerFlush?: number;
  /** Text of the note for skipped lines. */
  skippedNote?: (lines: number, bytes: number) => string;
}

export class ThrottledLineSink {
  private pending: string[] = [];
  private pendingBytes = 0;
  private skippedLines = 0;
  private skippedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly interval: number;
  private readonly max: number;
  /** Totals, for reporting. */
  totalSkippedLines = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly opts: ThrottledSinkOptions = {},
  ) {
    this.interval = opts.intervalMs ?? 100;
    this.max = opts.maxBytesPerFlush ?? 256 * 1024;
  }

  push(line: string): void {
    if (this.pendingBytes + line.length + 1 > this.max) {
      this.skippedLines++;
      this.skippedBytes += line.length + 1;
      this.totalSkippedLines++;
    } else {
      this.pending.push(line);
      this.pendingBytes += line.length + 1;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.interval);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.skippedLines > 0) {
      const note = this.opts.skippedNote
        ? this.opts.skippedNote(this.skippedLines, this.skippedBytes)
        : `[loss-lens] … ${this.skippedLines} lines (${this.skippedBytes} characters) not shown here: output too fast (all kept in output.log)`;
      this.pending.push(note);
      this.skippedLines = 0;
      this.skippedBytes = 0;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n');
    this.pending = [];
    this.pendingBytes = 0;
    this.write(text);
  }

  dispose(): void {
    this.flush();
  }
}
