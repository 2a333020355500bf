/**
 * Parses a command's output live, line by line. The first lines decide the format (content
 * detection, as for files; plain text unless the output is clearly CSV or JSON lines), then
 * every line is handed to that format's streaming parser, so the run grows while the command
 * runs. Lines arrive already split (stdout and stderr interleaved line by line, never mid-line),
 * and each becomes exactly one line for the parser: the parser's line numbers are the line
 * numbers of output.log.
 */
import { createParser, type LogParser } from '../core/formats';
import { detectFormat } from '../core/formats/detect';
import type { FormatId, Run } from '../core/model';

export interface LiveLineParserOptions {
  source: string;
  name?: string;
  /** Decide the format after this many non-empty lines (default 8)... */
  detectAfterLines?: number;
  /** ...or this long after the first line (default 200 ms), or at end(). */
  detectAfterMs?: number;
  /** Called once, when the parser (and its run) exists. */
  onRun?: (run: Run, format: FormatId, why: string) => void;
  /** Called when the detection timer handed lines to the parser (no new chunk came with them). */
  onFlushed?: () => void;
}

const BUF = 64 * 1024;
const MAX_PENDING_BYTES = 64 * 1024;

export class LiveLineParser {
  private parser: LogParser | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private nonEmpty = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly enc = new TextEncoder();
  private buf = new Uint8Array(BUF);
  private len = 0;
  private ended = false;
  lines = 0;

  constructor(private opts: LiveLineParserOptions) {
    this.opts = { ...opts };
  }

  get run(): Run | undefined {
    return this.parser?.runs[0];
  }

  get runs(): Run[] {
    return this.parser?.runs ?? [];
  }

  get format(): FormatId | undefined {
    return this.parser?.format;
  }

  /** Change the source path given to the parser (only before the first line). */
  setSource(source: string): void {
    if (!this.parser && this.lines === 0) this.opts.source = source;
  }

  /** One line, without its line ending. Call flush() after a batch to hand it to the parser. */
  pushLine(text: string): void {
    if (this.ended) return;
    this.lines++;
    if (!this.parser) {
      this.pending.push(text);
      this.pendingBytes += text.length + 1;
      const t = text.trim();
      if (t.length > 0) {
        this.nonEmpty++;
        // The first non-empty line already rules out CSV and JSON lines (as detectFormat reads
        // it: a CSV header has a delimiter and no `=` / `: `; JSON lines start with `{`):
        // plain text, decided now so the first lines are diagnosed at once.
        if (this.nonEmpty === 1 && !t.startsWith('{') && (!/[,\t;]/.test(t) || /=|:\s/.test(t))) {
          this.decide();
          return;
        }
      }
      if (this.pending.length === 1 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.decide();
          this.flush();
          this.opts.onFlushed?.();
        }, this.opts.detectAfterMs ?? 200);
        this.timer.unref?.();
      }
      if (this.nonEmpty >= (this.opts.detectAfterLines ?? 8) || this.pendingBytes >= MAX_PENDING_BYTES) {
        this.decide();
      }
      return;
    }
    this.encode(text);
  }

  /**
   * Several lines at once, with their UTF-8 bytes (each line followed by a newline): once the
   * format is decided the bytes go to the parser as they are (no re-encoding).
   */
  pushLines(lines: readonly string[], bytes: Uint8Array): void {
    if (this.ended || lines.length === 0) return;
    if (!this.parser) {
      for (const l of lines) this.pushLine(l);
      this.flush();
      return;
    }
    this.lines += lines.length;
    this.flush();
    this.parser.push(bytes);
  }

  private encode(text: string): void {
    // Worst case 3 bytes per UTF-16 unit, plus the newline.
    const worst = text.length * 3 + 1;
    if (worst > BUF) {
      this.flush();
      this.parser!.push(this.enc.encode(text + '\n'));
      return;
    }
    if (this.len + worst > BUF) this.flush();
    const r = this.enc.encodeInto(text, this.buf.subarray(this.len));
    this.len += r.written;
    this.buf[this.len++] = 10;
  }

  /** Hand batched lines to the parser (the run grows). */
  flush(): void {
    if (!this.parser || this.len === 0) return;
    // The parser may keep a reference to the chunk: give it its own copy.
    this.parser.push(this.buf.slice(0, this.len));
    this.len = 0;
  }

  /** Decide the format now from what was seen (also used when the command ends early). */
  decide(): void {
    if (this.parser) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.enc.encode(this.pending.join('\n') + (this.pending.length ? '\n' : ''));
    const det = detectFormat(head, '');
    let format: 'text' | 'csv' | 'jsonl' = 'text';
    let why = 'plain text';
    if (det.ok && (det.format === 'csv' || det.format === 'jsonl')) {
      format = det.format;
      why = det.why;
    }
    this.parser = createParser(format, { source: this.opts.source, name: this.opts.name });
    this.opts.onRun?.(this.parser.runs[0], format, why);
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const l of lines) this.encode(l);
  }

  end(): void {
    if (this.ended) return;
    this.decide();
    this.flush();
    this.ended = true;
    this.parser!.end();
  }
}
