/**
 * Splits a byte stream into text lines, across chunk boundaries.
 *
 * - UTF-8 is decoded in streaming mode; invalid bytes become U+FFFD (never a throw).
 * - `\n` and `\r\n` end a line. A bare `\r` (progress bars that redraw a line) also ends a
 *   segment, but line numbers count `\n` only, so they match what an editor shows.
 * - A line longer than `maxLineLength` characters is cut: the first `maxLineLength` characters
 *   are delivered once, flagged `truncated`, and the rest up to the next newline is dropped, so
 *   a 5 MB single line or an endless line cannot grow memory without bound.
 *
 * Lines go to a `LineSink` as strings, or (`LineSplitter.ofRanges`) to a `RangeSink` as a range
 * of a larger string (the decoded chunk), which spares a parser that reads most lines in place
 * a substring per line.
 */
import { Utf8Stream } from './utf8';

export interface LineSink {
  (text: string, lineNo: number, truncated: boolean): void;
}

/**
 * A line as `s.slice(start, end)` (not made: `s` is often the whole decoded chunk). `bytes`,
 * when given, is the chunk `s` was decoded from, one byte per character of `s` (an ASCII chunk):
 * the line is also `bytes[start, end)`, and `bytes[end]` is its `\r` or `\n`. It is valid
 * during the call only.
 */
export interface RangeSink {
  (
    s: string,
    start: number,
    end: number,
    lineNo: number,
    truncated: boolean,
    bytes: Uint8Array | undefined,
  ): void;
}

/**
 * Reads the line that starts at `bytes[start]` in place, if it can: returns the index of the
 * `\n` that ends the line (it was read: nothing else is delivered for it), or -1 (it is
 * delivered as usual). `bytes[lim]` is a `\n` at or after the end of the line. A line it reads
 * is ASCII: its text is its bytes. `s`, when given, is the text of `bytes` (one character per
 * byte, see RangeSink); when not, the bytes were not decoded. A line longer than `maxLength`
 * characters must be left to the splitter.
 */
export interface FastLine {
  (
    s: string | undefined,
    bytes: Uint8Array,
    start: number,
    lim: number,
    lineNo: number,
    maxLength: number,
  ): number;
}

const DEFAULT_MAX_LINE = 1 << 20; // 1 Mi characters

export interface LineSplitterOptions {
  splitOnCR?: boolean;
  maxLineLength?: number;
}

export class LineSplitter {
  private readonly decoder = new Utf8Stream();
  private pending = '';
  private dropping = false;
  private lineNo = 1;
  /** Characters delivered or dropped so far (for progress reporting). */
  consumed = 0;
  private readonly ranges: RangeSink | undefined;
  private readonly max: number;
  private readonly splitCR: boolean;
  /** In the chunk being fed: the first `\r` at or after the last line start (length: none). */
  private nextCR = -1;
  /** The chunk being fed, when its text has one character per byte (range mode only). */
  private bytes: Uint8Array | undefined;
  /** The decoder may hold the incomplete last character of the previous chunk. */
  private tailIn = false;
  /** The decoder has returned text (so it will not drop a BOM any more). */
  private started = false;

  private readonly fast: FastLine | undefined;

  constructor(
    private readonly sink: LineSink,
    opts: LineSplitterOptions = {},
    ranges?: RangeSink,
    fast?: FastLine,
  ) {
    this.max = opts.maxLineLength ?? DEFAULT_MAX_LINE;
    this.splitCR = opts.splitOnCR ?? true;
    this.ranges = ranges;
    this.fast = fast;
  }

  /**
   * A splitter that delivers lines as ranges of a string instead of as strings, and (with
   * `fast`) lets the lines of an ASCII chunk be read before their end is looked for.
   */
  static ofRanges(sink: RangeSink, opts: LineSplitterOptions = {}, fast?: FastLine): LineSplitter {
    return new LineSplitter(
      (t, n, tr) => sink(t, 0, t.length, n, tr, undefined),
      opts,
      sink,
      fast,
    );
  }

  push(chunk: Uint8Array): void {
    const fast = this.fast;
    if (fast === undefined) {
      this.decodeAndFeed(chunk);
      return;
    }
    // The lines the fast reader takes need no decoding: the chunk is decoded from the first
    // line it does not take on (in one piece, as without it).
    let from = 0;
    const lim = chunk.lastIndexOf(10);
    if (lim >= 0) {
      if (!this.started || this.pending.length > 0 || this.dropping || this.tailIn) {
        // The first line completes a pending one, or needs the decoder's state.
        from = chunk.indexOf(10) + 1;
        this.decodeAndFeed(chunk.subarray(0, from));
      }
      if (this.started && this.pending.length === 0 && !this.dropping) {
        from = this.fastLines(fast, chunk, from, lim);
      }
    }
    if (from < chunk.length) this.decodeAndFeed(from === 0 ? chunk : chunk.subarray(from));
  }

  /** Lines from `from` read by `fast` (lim: the chunk's last \n). Returns where it stopped. */
  private fastLines(fast: FastLine, chunk: Uint8Array, from: number, lim: number): number {
    const max = this.max;
    while (from <= lim) {
      const nl = fast(undefined, chunk, from, lim, this.lineNo, max);
      if (nl < 0) break;
      this.consumed += nl + 1 - from;
      this.lineNo++;
      from = nl + 1;
    }
    return from;
  }

  private decodeAndFeed(chunk: Uint8Array): void {
    const text = this.decoder.decode(chunk);
    // The decoder drops a BOM from the first text it returns, and only from that.
    if (text.length > 0) this.started = true;
    if (this.ranges === undefined) {
      this.feed(text);
      return;
    }
    // Character i of the text is byte i of the chunk when the text has as many characters as
    // the chunk has bytes and no character was carried in or out: every byte became one
    // character (ASCII, or an invalid byte's U+FFFD), as no sequence yields more.
    const n = chunk.length;
    if (n > 0) {
      const last = chunk[n - 1];
      if (text.length === n && !this.tailIn && last < 0x80) this.bytes = chunk;
      // Only a chunk that ends in a non-ASCII byte can leave a character incomplete.
      this.tailIn = last >= 0x80;
    }
    this.feed(text);
    this.bytes = undefined;
  }

  end(): void {
    this.feed(this.decoder.end());
    if (this.pending.length > 0 || this.dropping) {
      const t = this.pending;
      this.pending = '';
      const wasDropping = this.dropping;
      this.dropping = false;
      if (!wasDropping) this.deliver(t, false);
    }
  }

  /** The 1-based number of the line being read now. */
  /** Between lines: nothing pending, nothing being dropped, the decoder holds nothing. */
  get idle(): boolean {
    return this.started && this.pending.length === 0 && !this.dropping && !this.tailIn && !this.decoder.pending();
  }

  /** Count `n` more lines as read (a part of the file read elsewhere). */
  skipLines(n: number): void {
    this.lineNo += n;
  }

  get currentLine(): number {
    return this.lineNo;
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    const max = this.max;
    let start = 0;
    const n = text.length;
    this.nextCR = -1;
    const bytes = this.bytes;
    const fast = this.fast;
    // Lines that end in this chunk end at or before its last \n.
    const lim = bytes !== undefined && fast !== undefined ? text.lastIndexOf('\n') : -1;
    while (start < n) {
      if (start <= lim && this.pending.length === 0 && !this.dropping) {
        const end = fast!(text, bytes!, start, lim, this.lineNo, max);
        if (end >= 0) {
          this.consumed += end + 1 - start;
          this.lineNo++;
          start = end + 1;
          continue;
        }
      }
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
          this.deliver(head, true);
        } else {
          this.pending += add;
        }
        return;
      }
      if (this.dropping) {
        this.dropping = false;
      } else if (this.pending.length > 0 || nl - start > max) {
        let seg = this.pending.length ? this.pending + text.slice(start, nl) : text.slice(start, nl);
        this.pending = '';
        let truncated = false;
        if (seg.length > max) {
          seg = seg.slice(0, max);
          truncated = true;
        }
        this.deliver(seg, truncated);
      } else {
        this.deliverIn(text, start, nl);
      }
      this.consumed += nl + 1 - start;
      this.lineNo++;
      start = nl + 1;
    }
  }

  /** Deliver the line text[a, b) of the chunk being fed (a at or after the last line's end). */
  private deliverIn(text: string, a: number, b: number): void {
    if (b > a && text.charCodeAt(b - 1) === 13) b--;
    if (this.splitCR) {
      let cr = this.nextCR;
      if (cr < a) {
        // One search serves every line up to the next \r: linear in the chunk overall.
        cr = text.indexOf('\r', a);
        if (cr < 0) cr = text.length;
        this.nextCR = cr;
      }
      if (cr < b) {
        this.split(text, a, b, cr, false, true);
        return;
      }
    }
    this.emit(text, a, b, false, this.bytes);
  }

  /** Deliver one whole line (joined across chunks, cut, or the last one). */
  private deliver(seg: string, truncated: boolean): void {
    let b = seg.length;
    if (b > 0 && seg.charCodeAt(b - 1) === 13) b--;
    if (this.splitCR) {
      const cr = seg.indexOf('\r');
      if (cr >= 0 && cr < b) {
        this.split(seg, 0, b, cr, truncated, false);
        return;
      }
    }
    this.emit(seg, 0, b, truncated, undefined);
  }

  /** The non-empty `\r`-separated parts of s[a, b), whose first `\r` is at cr. */
  private split(
    s: string,
    a: number,
    b: number,
    cr: number,
    truncated: boolean,
    inChunk: boolean,
  ): void {
    for (;;) {
      if (cr > a) this.emit(s, a, cr, truncated, inChunk ? this.bytes : undefined);
      if (cr >= b) return;
      a = cr + 1;
      cr = s.indexOf('\r', a);
      if (cr < 0) cr = s.length;
      if (cr > b) {
        if (inChunk) this.nextCR = cr;
        cr = b;
      }
    }
  }

  private emit(
    s: string,
    a: number,
    b: number,
    truncated: boolean,
    bytes: Uint8Array | undefined,
  ): void {
    if (this.ranges !== undefined) this.ranges(s, a, b, this.lineNo, truncated, bytes);
    else this.sink(a === 0 && b === s.length ? s : s.slice(a, b), this.lineNo, truncated);
  }
}
