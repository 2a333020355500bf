/**
 * Splits a byte stream into text lines, across chunk boundaries.
 *
 * - UTF-8 is decoded in streaming mode; invalid bytes become U+FFFD (never a throw).
 * - `\n` and `\r\n` end a line. A bare `\r` (progress bars that redraw a line) also ends a
 *   segment, but line numbers count `\n` only, so they match what an editor shows.
 * - A line longer than `maxLineLength` characters is cut: the first `maxLineLength` characters
 *   are delivered once, flagged `truncated`, and the rest up to the next newline is dropped, so
 *   a 5 MB single line or an endless line cannot grow memory without bound.
 */
import { Utf8Stream } from './utf8';

export interface LineSink {
  (text: string, lineNo: number, truncated: boolean): void;
}

export const DEFAULT_MAX_LINE = 1 << 20; // 1 Mi characters

export class LineSplitter {
  private readonly decoder = new Utf8Stream();
  private pending = '';
  private dropping = false;
  private lineNo = 1;
  /** Characters delivered or dropped so far (for progress reporting). */
  consumed = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly opts: { splitOnCR?: boolean; maxLineLength?: number } = {},
  ) {}

  push(chunk: Uint8Array): void {
    this.feed(this.decoder.decode(chunk));
  }

  end(): void {
    this.feed(this.decoder.end());
    if (this.pending.length > 0 || this.dropping) {
      const t = this.pending;
      this.pending = '';
      const wasDropping = this.dropping;
      this.dropping = false;
      if (!wasDropping) this.deliver(t, false, this.opts.splitOnCR ?? true);
    }
  }

  /** The 1-based number of the line being read now. */
  get currentLine(): number {
    return this.lineNo;
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    const max = this.opts.maxLineLength ?? DEFAULT_MAX_LINE;
    const splitCR = this.opts.splitOnCR ?? true;
    let start = 0;
    const n = text.length;
    while (start < n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      // Segment [start, nl) has no newline; it may contain \r redraws.
      if (nl === n) {
        // No newline yet: keep it pending, bounded.
        if (this.dropping) return;
        const add = text.slice(start);
        if (this.pending.length + add.length > max) {
          const head = (this.pending + add).slice(0, max);
          this.pending = '';
          this.dropping = true;
          this.deliver(head, true, splitCR);
        } else {
          this.pending += add;
        }
        return;
      }
      if (this.dropping) {
        this.dropping = false;
      } else {
        let seg = this.pending.length ? this.pending + text.slice(start, nl) : text.slice(start, nl);
        this.pending = '';
        let truncated = false;
        if (seg.length > max) {
          seg = seg.slice(0, max);
          truncated = true;
        }
        this.deliver(seg, truncated, splitCR);
      }
      this.consumed += nl + 1 - start;
      this.lineNo++;
      start = nl + 1;
    }
  }

  private deliver(seg: string, truncated: boolean, splitCR: boolean): void {
    if (seg.length > 0 && seg.charCodeAt(seg.length - 1) === 13) seg = seg.slice(0, -1);
    if (splitCR && seg.indexOf('\r') >= 0) {
      for (const part of seg.split('\r')) if (part.length) this.sink(part, this.lineNo, truncated);
      return;
    }
    this.sink(seg, this.lineNo, truncated);
  }
}
