/**
 * Delimited text (CSV / TSV) written by training loggers: PyTorch Lightning `metrics.csv`
 * (sparse rows), Keras `CSVLogger`, Ultralytics / YOLOv5 `results.csv` (space-padded cells),
 * timm `summary.csv` (a header repeated in the middle after a resume) and generic tables.
 *
 * - The first non-blank line is the header; cells are trimmed (YOLO pads them with spaces) and
 *   an empty header cell (a trailing comma) names no column.
 * - The delimiter is the one of `,` `\t` `;` `|` that the header uses most (`,` on a tie).
 * - Quoted fields follow RFC 4180: delimiters, `""` and newlines inside quotes.
 * - The step is the first column named `step`, `global_step`, `_step`, `iteration`, `iter` or
 *   `epoch` (case-insensitive), else the 0-based data row index. The step column is not a
 *   series; every other column with at least one number is (so `epoch` is kept when a separate
 *   step column exists). Empty cells, `NA`, `None`, `null` are "no point"; `nan`/`inf` are
 *   values. Columns with no number at all (datetimes, strings) make no series.
 * - A data row whose step is lower than the previous row's is a restart (Keras `append=True`,
 *   appended resumed runs): one `restart` event per jump.
 * - A line equal to the header (first cell equal to the first column name and no number in it)
 *   is a repeated header, not data; a different header line of that shape replaces the header.
 * - A row with too few or too many cells is reported once (`malformed`, with its line) and the
 *   cells that match a column are kept.
 * - Every point carries the 1-based line its row starts on (lines count `\n` only).
 *
 * Speed: once the header is read, plain rows (no quote, no bare CR, starting like a number) are
 * read straight from the bytes of each chunk: no decoding, no strings; each number cell is
 * converted in place (bytenum.ts: Clinger's fast path, a double-double path for the 16-19
 * digits of float32 values printed as doubles; anything else through `parseNumber` on the
 * decoded cell) and points are buffered per column and handed to their series in bulk. Any
 * other record sends the rest of the chunk through the text path (decoded chunks scanned in
 * place, records cut by a chunk boundary carried over), which hands back at the next chunk.
 * A test checks that both paths give the same runs on every real CSV.
 */
import { createRun, reportMalformed, seriesOf, type Run, type RunEvent, type Series } from '../model';
import { ByteCarry } from './byteCarry';
import { NUM_OUT, scanDecimal } from './bytenum';
import { DECIMAL_OUT, decimalToDouble, POW10 } from './fastfloat';
import { parseNumber } from './numbers';
import { absorbPart, numKey, replayEvents, SplitMarker, type SplitPart, type SplitReader } from './split';
import type { LogParser, ParserOptions } from './types';
import { Utf8Stream } from './utf8';

/** Step column names, best first (compared lower-cased and trimmed). */
const STEP_NAMES = ['step', 'global_step', '_step', 'iteration', 'iter', 'epoch'];

/** Longest record kept (longer ones are reported and skipped). */
const MAX_RECORD_CHARS = 4 << 20;
/** Series kept per file (as the text reader): columns with other new names are not read. */
const MAX_SERIES = 5000;

/** Longest incomplete record the byte reader carries over between chunks. */
const MAX_BYTE_CARRY = 1 << 12;

const CANDIDATE_DELIMS = [44, 9, 59, 124]; // , \t ; |
/** "Not found" for cached indexOf positions. */
const NONE = Number.MAX_SAFE_INTEGER;

type Restart = Extract<RunEvent, { type: 'restart' }>;

export class CsvParser implements LogParser, SplitReader {
  readonly format = 'csv' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly decoder = new Utf8Stream();

  private delim = 44;
  private delimChar = ',';
  /** Column names of the current header (trimmed; '' = unnamed column). */
  private names: string[] | null = null;
  private ncols = 0;
  /** 1 where the cell must be parsed (data columns and the step column). */
  private parse = new Uint8Array(0);
  /** 1 for data columns (those that become series). */
  private isData = new Uint8Array(0);
  /** Series name of each column (unique within the header). */
  private seriesNames: string[] = [];
  private colSeries: (Series | undefined)[] = [];
  private stepCol = -1;
  private stepName = '';
  private vals = new Float64Array(0);
  /** has[col] === hasId: the current row has a number in that column (no clearing per row). */
  private has = new Int32Array(0);
  private hasId = 0;
  /** Every column name in the order first seen (series are ordered by it at the end). */
  private readonly allNames: string[] = [];
  private readonly allNameSet = new Set<string>();
  /** The note on columns not read past MAX_SERIES (one per file, its count kept up to date). */
  private capNote: { type: 'note'; message: string } | null = null;
  private capDropped = 0;

  private rowIndex = 0;
  private lastStep = 0;
  private haveStep = false;

  // Stream state
  /** Text of an incomplete record (from its first character). */
  private carry = '';
  /** Offset in `carry` up to which it has been scanned. */
  private resume = 0;
  /** Quote state at `resume`, for a record that contains quotes. */
  private inQ = false;
  private atStart = true;
  /** The record being scanned has quotes (its end is found by the quote-aware scan). */
  private quoted = false;
  /** Newlines inside quoted fields of the record being scanned. */
  private innerNl = 0;
  /** Where `scanQuoted` stopped when the text ended first. */
  private resumeAt = 0;
  /** The delimiter is known and the next non-blank record is the header. */
  private headerPending = false;
  /** Dropping an over-long record up to its end. */
  private skipping = false;
  /** 1-based line of the next record's first character. */
  private line = 1;

  // Byte mode: once the header is known and no record is open, plain rows (no quote, no CR,
  // starting like a number) are read straight from the bytes; anything else hands the rest of
  // the chunk to the text path above, which hands back at the next chunk when it is idle.
  private byteMode = false;
  /** Bytes of an incomplete record carried over to the next chunk (byte mode). */
  private readonly bcarry = new ByteCarry();
  private readonly cellDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  // Points read but not yet handed to their series: per column, bCap slots from col * bCap.
  private bCap = 0;
  private bStep = new Float64Array(0);
  private bVal = new Float64Array(0);
  private bLine = new Uint32Array(0);
  private bCnt = new Int32Array(0);

  private repeatedHeaders = 0;
  private firstRepeatLine = 0;
  private repeatNote: { type: 'note'; message: string } | null = null;
  private ended = false;
  /** Reading a later part of the file on another thread (see split.ts). */
  private marker: SplitMarker | null = null;
  private markRows = 0;
  private markNames = '';

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
  }

  // -------------------------------------------------------------------------------------------
  // Split reading (split.ts)

  splitKey(): string | null {
    if (this.ended || !this.names || this.headerPending || this.quoted || this.skipping) return null;
    if (this.byteMode ? this.bcarry.length !== 0 : this.carry.length !== 0) return null;
    if (this.decoder.pending()) return null;
    // Steps from the row index are shifted on joining; a step column not seen yet is not.
    if (this.stepCol >= 0 && !this.haveStep) return null;
    return JSON.stringify([
      this.delim,
      this.names,
      this.seriesNames,
      Array.from(this.parse),
      Array.from(this.isData),
      this.stepCol,
      this.stepName,
      this.allNames,
      this.haveStep,
      this.stepCol < 0 ? 'rows' : numKey(this.lastStep),
    ]);
  }

  splitMark(): string | null {
    this.flush();
    const key = this.splitKey();
    if (key === null) return null;
    this.marker = new SplitMarker(this.run, key, this.line);
    this.markRows = this.rowIndex;
    this.markNames = JSON.stringify([this.names, this.allNames]);
    return key;
  }

  splitExport(): SplitPart | null {
    if (!this.marker || !this.ended) return null;
    // A header replaced after the split: not joinable.
    if (JSON.stringify([this.names, this.allNames]) !== this.markNames) return null;
    return this.marker.export({
      rowsAtMark: this.markRows,
      rows: this.rowIndex - this.markRows,
      lines: this.line - this.marker.line,
      lastStep: this.lastStep,
    });
  }

  splitAbsorb(part: SplitPart): boolean {
    if (this.ended || this.splitKey() !== part.key) return false;
    this.flush();
    const stepShift = this.stepCol < 0 ? this.rowIndex - part.extra.rowsAtMark : 0;
    const lineOffset = this.line - part.line;
    if (!absorbPart(this.run, part, lineOffset, stepShift)) return false;
    replayEvents(this.run, part, lineOffset, stepShift);
    this.rowIndex += part.extra.rows;
    this.line += part.extra.lines;
    this.lastStep = part.extra.lastStep + stepShift;
    this.ended = true;
    this.orderSeries();
    for (const s of this.run.series.values()) s.trim();
    return true;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      if (this.byteMode) {
        this.pushBytes(chunk);
      } else {
        const s = this.decoder.decode(chunk);
        if (s.length) this.feed(s, false);
        this.maybeByteMode();
      }
      this.flush();
    } catch (e) {
      this.internalError(e);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      let s: string;
      if (this.byteMode) {
        // The last record has no terminator: the text path reads it.
        this.byteMode = false;
        s = this.bcarry.length ? this.decoder.decode(this.bcarry.take()) : '';
        s += this.decoder.end();
      } else {
        s = this.decoder.end();
      }
      this.feed(s, true);
      this.flush();
      this.orderSeries();
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      this.internalError(e);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Byte mode

  /** After a text-path chunk: go to byte mode when the reader is between records. */
  private maybeByteMode(): void {
    if (this.byteMode || !this.names || this.headerPending || this.quoted || this.skipping) return;
    if (this.carry.length > MAX_BYTE_CARRY) return;
    if (this.decoder.pending() || this.carry.indexOf('"') >= 0 || this.carry.indexOf('\r') >= 0) return;
    const bytes = new TextEncoder().encode(this.carry);
    this.carry = '';
    this.resume = 0;
    this.bcarry.keep(bytes, 0, bytes.length);
    this.byteMode = true;
  }

  private pushBytes(chunk: Uint8Array): void {
    // carry + chunk + a sentinel '\n', so that every scan below stops inside the buffer.
    const n = this.bcarry.length + chunk.length;
    const b = this.bcarry.join(chunk);
    let p = this.rows(b, n);
    if (p < 0) {
      // Not a plain row: the text path reads the rest of this chunk.
      p = -p - 1;
      this.byteMode = false;
      const s = this.decoder.decode(b.subarray(p, n));
      if (s.length) this.feed(s, false);
      this.maybeByteMode();
      return;
    }
    if (n - p > MAX_BYTE_CARRY) {
      // A long record still open: the text path, which never re-reads what it has scanned,
      // carries it on (re-reading it from the bytes at every small chunk would be quadratic).
      this.byteMode = false;
      const s = this.decoder.decode(b.subarray(p, n));
      if (s.length) this.feed(s, false);
      return;
    }
    this.bcarry.keep(b, p, n);
  }

  /**
   * A number cell that is not the usual short decimal (exponent forms, long mantissas, NA,
   * nan, text): cell from i, its first non-blank byte at s0. Returns the cell's end (the
   * delimiter, '\n' or CR) or -1 for a cell the text path must read.
   */
  private otherCell(b: Uint8Array, i: number, s0: number, col: number, id: number): number {
    const d = this.delim;
    let k = s0;
    const q = scanDecimal(b, k);
    if (q >= 0) {
      k = q;
      let c = b[k];
      while (c === 32 || c === 9) c = b[++k];
      if (c === d || c === 10 || c === 13) {
        this.vals[col] = NUM_OUT[0];
        this.has[col] = id;
        return k;
      }
    }
    k = cellEnd(b, i, d);
    if (k < 0) return -1;
    const v = parseNumber(this.cellDecoder.decode(b.subarray(i, k)));
    if (v !== undefined) {
      this.vals[col] = v;
      this.has[col] = id;
    }
    return k;
  }

  /**
   * Read the complete plain rows of b[0, n) (b[n] is a sentinel '\n'): returns where the
   * incomplete record left starts, or -(p + 1) for a record at p the text path must read.
   * (The loop is a function of its own: code after a hot loop in the same function would be
   * deoptimised on every chunk.)
   */
  private rows(b: Uint8Array, n: number): number {
    let p = 0;
    while (p < n) {
      const e = this.rowBytes(b, p, n);
      if (e === n) return p;
      if (e < 0) return -p - 1;
      this.line++;
      p = e + 1;
    }
    return p;
  }

  /**
   * Read the record at b[p] as `record` + `rowFast` read its text, and return the index of the
   * '\n' that ends it (the sentinel's index when the record is incomplete: nothing is read
   * then). Returns -1, having read nothing, for a record the text path must read: one with a
   * quote or a bare CR, a possible header line, a BOM.
   */
  private rowBytes(b: Uint8Array, p: number, n: number): number {
    const d = this.delim;
    let i = p;
    let c = b[i];
    while (c === 32 || c === 9) c = b[++i];
    if (c === 10) return i; // blank line
    if (c === 13) return b[i + 1] === 10 ? i + 1 : -1;
    if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === d)) return -1;
    const ncols = this.ncols;
    const parse = this.parse;
    const has = this.has;
    const vals = this.vals;
    const id = this.nextRowId();
    let col = 0;
    let extra = false;
    i = p;
    for (;;) {
      let k = i;
      if (col < ncols && parse[col] === 1) {
        // A number cell: [blanks] decimal [blanks], then the delimiter or the end.
        c = b[k];
        while (c === 32 || c === 9) c = b[++k];
        // The usual cell, inline: [-]digits[.digits], at most 15 digits, then the cell's end.
        const s0 = k;
        const neg = c === 45;
        if (neg) c = b[++k];
        const d0 = k;
        let m = 0;
        let x = c - 48;
        while (x >= 0 && x <= 9) {
          m = m * 10 + x;
          x = b[++k] - 48;
        }
        let nd = k - d0;
        let ex = 0;
        if (x === -2) {
          const f0 = ++k;
          x = b[k] - 48;
          while (x >= 0 && x <= 9) {
            m = m * 10 + x;
            x = b[++k] - 48;
          }
          ex = f0 - k;
          nd += k - f0;
        }
        c = b[k];
        if ((c === 101 || c === 69) && nd > 0) {
          // An exponent: [eE][+-]digits (at most 3 digits here).
          c = b[++k];
          const eneg = c === 45;
          if (eneg || c === 43) c = b[++k];
          const e0 = k;
          let e = 0;
          x = c - 48;
          while (x >= 0 && x <= 9) {
            e = e * 10 + x;
            x = b[++k] - 48;
          }
          ex = k === e0 || k - e0 > 3 ? 99 : eneg ? ex - e : ex + e;
          c = b[k];
        }
        if (nd > 0 && nd <= 15 && ex >= -22 && ex <= 22 && (c === d || c === 10 || c === 13)) {
          const v = ex === 0 ? m : ex < 0 ? m / POW10[-ex] : m * POW10[ex];
          vals[col] = neg ? -v : v;
          has[col] = id;
        } else if ((c !== d && c !== 10 && c !== 13) || k > s0) {
          k = this.otherCell(b, i, s0, col, id);
          if (k < 0) return -1;
          c = b[k];
        }
      } else if (col < ncols) {
        k = cellEnd(b, i, d);
        if (k < 0) return -1;
        c = b[k];
      } else {
        for (;;) {
          c = b[k];
          if (c === d || c === 10 || c === 13) break;
          if (c !== 32 && c !== 9) {
            if (c >= 0x80 || c === 34) return -1; // a BOM counts as blank; quotes: text path
            extra = true;
          }
          k++;
        }
      }
      col++;
      if (c === 13) {
        if (b[k + 1] !== 10) return -1; // a bare CR ends a record without a new line
        k++;
        c = 10;
      }
      if (c === 10) {
        if (k === n) return k;
        if (k - p > MAX_RECORD_CHARS) return -1; // the text path reports over-long records
        this.finishRow(col, extra, this.line);
        return k;
      }
      i = k + 1;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Text -> records

  private feed(s: string, final: boolean): void {
    let t: string;
    let from: number;
    if (this.carry.length) {
      t = this.carry + s;
      from = this.resume;
      this.carry = '';
    } else {
      t = s;
      from = 0;
    }
    this.scan(t, from, final);
  }

  /**
   * Read every complete record of `t` (records start at 0; the first one was already scanned
   * up to `from`). What is left incomplete becomes the carry.
   */
  private scan(t: string, from: number, final: boolean): void {
    const n = t.length;
    let p = 0;
    let nextQ = -1;
    let nextCR = -1;
    if (this.skipping) {
      const e = findTerminator(t, 0);
      if (e < 0) {
        if (!final) this.carry = '';
        return;
      }
      this.skipping = false;
      p = e;
      from = e;
    }
    while (p < n) {
      if (from <= p) {
        const c = t.charCodeAt(p);
        if (c === 10) {
          this.line++;
          p++;
          from = p;
          continue;
        }
        if (c === 13) {
          p++;
          from = p;
          continue;
        }
      }
      if (!this.names && !this.prepareHeader(t, p, final)) {
        this.keep(t, p, p, final);
        return;
      }
      let e: number;
      if (this.quoted) {
        e = this.scanQuoted(t, Math.max(from, p), n);
      } else {
        if (nextCR < from) {
          nextCR = t.indexOf('\r', from);
          if (nextCR < 0) nextCR = NONE;
        }
        let nl = t.indexOf('\n', from);
        if (nl < 0) nl = NONE;
        e = nl < nextCR ? nl : nextCR;
        if (nextQ < from) {
          nextQ = t.indexOf('"', from);
          if (nextQ < 0) nextQ = NONE;
        }
        if (nextQ < e && nextQ < n) {
          this.quoted = true;
          this.inQ = false;
          this.atStart = this.cellStartBefore(t, p, nextQ);
          this.innerNl = 0;
          e = this.scanQuoted(t, nextQ, n);
        } else if (e === NONE) {
          e = -1;
        }
      }
      if (e < 0) {
        // Incomplete record.
        if (final) {
          if (this.quoted && this.inQ) {
            this.brokenQuote(t, p, final);
            return;
          }
          this.record(t, p, n);
          this.quoted = false;
          return;
        }
        this.keep(t, p, this.quoted ? this.resumeAt : n, final);
        return;
      }
      if (e - p > MAX_RECORD_CHARS) {
        reportMalformed(this.run, `record longer than ${MAX_RECORD_CHARS} characters; skipped`, { line: this.line });
      } else {
        this.record(t, p, e);
      }
      this.line += this.innerNl;
      this.innerNl = 0;
      this.quoted = false;
      p = e;
      from = e;
    }
  }

  /** Keep t[p..] as the carry, scanned up to `scanned`; over-long records are dropped. */
  private keep(t: string, p: number, scanned: number, final: boolean): void {
    if (final) return;
    if (t.length - p > MAX_RECORD_CHARS) {
      if (this.quoted && this.inQ) {
        this.brokenQuote(t, p, false);
        return;
      }
      reportMalformed(this.run, `record longer than ${MAX_RECORD_CHARS} characters; skipped`, { line: this.line });
      this.skipping = true;
      this.quoted = false;
      this.carry = '';
      this.resume = 0;
      return;
    }
    this.carry = p === 0 ? t : t.slice(p);
    this.resume = scanned - p;
  }

  /**
   * A quote opened at a cell start was never closed (end of input, or too long a record):
   * report it, read the record's first physical line with quotes taken literally, and read
   * the rest again.
   */
  private brokenQuote(t: string, p: number, final: boolean): void {
    reportMalformed(this.run, 'unterminated quoted field', { line: this.line });
    this.quoted = false;
    this.inQ = false;
    this.innerNl = 0;
    let e = findTerminator(t, p);
    if (e < 0) e = t.length;
    this.record(t, p, e, true);
    if (e < t.length) this.scan(e === 0 ? t : t.slice(e), 0, final);
  }

  /** Whether position q (a quote) is at the start of a cell, scanning the record from p. */
  private cellStartBefore(t: string, p: number, q: number): boolean {
    const d = this.delim;
    for (let i = q - 1; i >= p; i--) {
      const c = t.charCodeAt(i);
      if (c === d) return true;
      if (c !== 32 && c !== 9) return false;
    }
    return true;
  }

  /**
   * Quote-aware search for the end of the record from `i`, continuing the saved state; returns
   * the terminator's index, or -1 when the text ends first (state saved).
   */
  private scanQuoted(t: string, i: number, n: number): number {
    const d = this.delim;
    let inQ = this.inQ;
    let atStart = this.atStart;
    let nl = this.innerNl;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (inQ) {
        if (c === 34) {
          if (i + 1 >= n) break; // the next character decides ("" or closing quote)
          if (t.charCodeAt(i + 1) === 34) i++;
          else inQ = false;
        } else if (c === 10) {
          nl++;
        }
      } else if (c === 10 || c === 13) {
        this.inQ = false;
        this.atStart = true;
        this.innerNl = nl;
        return i;
      } else if (c === d) {
        atStart = true;
      } else if (atStart) {
        if (c === 34) {
          inQ = true;
          atStart = false;
        } else if (c !== 32 && c !== 9) {
          atStart = false;
        }
      }
    }
    this.inQ = inQ;
    this.atStart = atStart;
    this.innerNl = nl;
    this.resumeAt = i;
    return -1;
  }

  /** Before the header: pick the delimiter from the first line (needs that line complete). */
  private prepareHeader(t: string, p: number, final: boolean): boolean {
    let e = findTerminator(t, p);
    if (e < 0) {
      if (!final && t.length - p <= MAX_RECORD_CHARS) return false;
      e = t.length;
    }
    this.detectDelimiter(t.slice(p, e));
    // Mark as prepared: an empty header placeholder is replaced by setHeader.
    this.names = [];
    this.ncols = 0;
    this.headerPending = true;
    return true;
  }

  private detectDelimiter(t: string): void {
    let best = 44;
    let bestN = 0;
    for (const d of CANDIDATE_DELIMS) {
      let n = 0;
      let inQ = false;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 34) inQ = !inQ;
        else if (c === d && !inQ) n++;
      }
      if (n > bestN) {
        best = d;
        bestN = n;
      }
    }
    this.delim = best;
    this.delimChar = String.fromCharCode(best);
  }

  // -------------------------------------------------------------------------------------------
  // Records

  private record(t: string, p: number, e: number, literalQuotes = false): void {
    if (e >= t.length) {
      // The last record has no terminator: give it one, so that t[e] always exists and is a
      // terminator ('\n' / '\r'), which the cell reader relies on.
      t = t.slice(p, e) + '\n';
      e -= p;
      p = 0;
    }
    const line = this.line;
    if (isBlankRange(t, p, e)) {
      if (this.headerPending) {
        this.headerPending = false;
        this.names = null;
      }
      return;
    }
    const quoted = this.quoted && !literalQuotes;
    if (this.headerPending) {
      this.headerPending = false;
      const text = t.slice(p, e);
      this.setHeader(quoted ? this.splitQuoted(text) : text.split(this.delimChar), line, false);
      return;
    }
    if (quoted) {
      const cells = this.splitQuoted(t.slice(p, e));
      if (this.headerLike(cells, line)) return;
      this.rowFromCells(cells, line);
      return;
    }
    // A row that does not start like a number or an empty cell may be a repeated header.
    let i = p;
    let c = t.charCodeAt(i);
    while ((c === 32 || c === 9) && i < e) c = t.charCodeAt(++i);
    if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === this.delim)) {
      if (this.headerLike(t.slice(p, e).split(this.delimChar), line)) return;
    }
    this.rowFast(t, p, e, line);
  }
  private setHeader(rawCells: string[], line: number, replacing: boolean): void {
    const names = rawCells.map(c => c.trim());
    const n = names.length;
    this.names = names;
    this.ncols = n;
    this.parse = new Uint8Array(n);
    this.isData = new Uint8Array(n);
    this.vals = new Float64Array(n);
    this.has = new Int32Array(n);
    this.hasId = 0;
    this.flush();
    this.colSeries = new Array<Series | undefined>(n).fill(undefined);
    // Points are buffered per column (see flush), at most about 4 MB of buffers in all.
    this.bCap = Math.max(16, Math.min(2048, Math.floor((1 << 18) / Math.max(1, n))));
    this.bStep = new Float64Array(n * this.bCap);
    this.bVal = new Float64Array(n * this.bCap);
    this.bLine = new Uint32Array(n * this.bCap);
    this.bCnt = new Int32Array(n);
    this.seriesNames = new Array<string>(n).fill('');
    const lower = names.map(s => s.toLowerCase());
    this.stepCol = -1;
    for (const s of STEP_NAMES) {
      const k = lower.indexOf(s);
      if (k >= 0) {
        this.stepCol = k;
        break;
      }
    }
    this.stepName = this.stepCol >= 0 ? names[this.stepCol] : '';
    // The x axis is in epochs (messages say "epoch 22", not "step 22").
    if (this.stepName.toLowerCase() === 'epoch') this.run.meta.stepUnit = 'epoch';
    else delete this.run.meta.stepUnit;
    const used = new Set<string>();
    // Linear in the number of columns, even when they are 100,000 with the same name.
    const nextDup = new Map<string, number>();
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      if (i === this.stepCol) {
        this.parse[i] = 1;
        continue;
      }
      if (names[i] === '') continue;
      let name = names[i];
      if (used.has(name)) {
        let k = nextDup.get(names[i]) ?? 2;
        do name = `${names[i]} (${k++})`;
        while (used.has(name));
        nextDup.set(names[i], k);
      }
      if (!this.allNameSet.has(name) && this.allNames.length >= MAX_SERIES) {
        dropped++;
        continue;
      }
      used.add(name);
      this.seriesNames[i] = name;
      this.parse[i] = 1;
      this.isData[i] = 1;
      if (!this.allNameSet.has(name)) {
        this.allNameSet.add(name);
        this.allNames.push(name);
      }
    }
    if (dropped) {
      this.capDropped += dropped;
      if (!this.capNote) {
        this.capNote = { type: 'note', message: '' };
        this.run.events.push(this.capNote);
      }
      this.capNote.message = `more than ${MAX_SERIES} named columns: ${this.capDropped.toLocaleString('en-US')} column(s) after the first ${MAX_SERIES} series were not read`;
    }
    if (replacing) {
      this.run.events.push({ type: 'note', message: `the CSV header changed at line ${line}` });
    }
  }

  /**
   * A line in the body that repeats the header (timm resumes) or brings a new one: its first
   * cell is the first column name and no cell is a number.
   */
  private headerLike(rawCells: string[], line: number): boolean {
    const names = this.names!;
    if (names[0] === '' || rawCells.length === 0) return false;
    const cells = rawCells.map(c => c.trim());
    if (cells[0] !== names[0]) return false;
    for (const c of cells) if (c !== '' && parseNumber(c) !== undefined) return false;
    let same = true;
    const m = Math.max(cells.length, names.length);
    for (let i = 0; i < m && same; i++) same = (cells[i] ?? '') === (names[i] ?? '');
    if (!same) {
      this.setHeader(rawCells, line, true);
      return true;
    }
    this.repeatedHeaders++;
    if (!this.repeatNote) {
      this.firstRepeatLine = line;
      this.repeatNote = { type: 'note', message: '' };
      this.run.events.push(this.repeatNote);
    }
    this.repeatNote.message =
      this.repeatedHeaders === 1
        ? `the header line is repeated at line ${line} (a resumed run appended to the file); read as a header, not data`
        : `the header line is repeated ${this.repeatedHeaders} times (first at line ${this.firstRepeatLine}; resumed runs appended to the file); read as headers, not data`;
    return true;
  }

  /** The hot path: a row without quotes, t[p, e), scanned once. */
  private rowFast(t: string, p: number, e: number, line: number): void {
    const ncols = this.ncols;
    const parse = this.parse;
    this.nextRowId();
    let col = 0;
    let extra = false;
    for (;;) {
      let q: number;
      if (col < ncols && parse[col] === 1) {
        q = this.cell(t, p, e, col);
      } else {
        q = t.indexOf(this.delimChar, p);
        if (q < 0 || q > e) q = e;
        if (col >= ncols && !extra && !isBlankRange(t, p, q)) extra = true;
      }
      col++;
      if (q >= e) break;
      p = q + 1;
    }
    this.finishRow(col, extra, line);
  }

  /** Rows with quotes: cells already split and unquoted. */
  private rowFromCells(cells: string[], line: number): void {
    const ncols = this.ncols;
    const has = this.has;
    const id = this.nextRowId();
    let extra = false;
    for (let i = 0; i < cells.length; i++) {
      if (i >= ncols) {
        if (cells[i].trim() !== '') extra = true;
        continue;
      }
      if (this.parse[i] !== 1) continue;
      const v = parseNumber(cells[i]);
      if (v !== undefined) {
        this.vals[i] = v;
        has[i] = id;
      }
    }
    this.finishRow(cells.length, extra, line);
  }

  private finishRow(cellCount: number, extraNonEmpty: boolean, line: number): void {
    const ncols = this.ncols;
    if (cellCount > ncols ? extraNonEmpty : cellCount < ncols && !this.onlyUnnamedFrom(cellCount)) {
      reportMalformed(this.run, `row has ${cellCount} cells, the header has ${ncols}`, { line });
    }
    const has = this.has;
    const vals = this.vals;
    let step: number;
    const sc = this.stepCol;
    const id = this.hasId;
    if (sc >= 0 && has[sc] === id && !Number.isNaN(vals[sc])) step = vals[sc];
    else if (sc >= 0 && this.haveStep) step = this.lastStep;
    else step = this.rowIndex;
    let restart: Restart | null = null;
    if (this.haveStep && step < this.lastStep) {
      restart = { type: 'restart', series: this.stepName || '(row)', fromStep: this.lastStep, toStep: step, line };
      this.run.events.push(restart);
    }
    this.lastStep = step;
    this.haveStep = true;
    this.rowIndex++;
    const isData = this.isData;
    const cs = this.colSeries;
    const bStep = this.bStep;
    const bVal = this.bVal;
    const bLine = this.bLine;
    const bCnt = this.bCnt;
    const cap = this.bCap;
    for (let i = 0; i < ncols; i++) {
      if (has[i] !== id || isData[i] !== 1) continue;
      if (cs[i] === undefined) cs[i] = seriesOf(this.run, this.seriesNames[i]);
      if (restart) {
        restart.series = cs[i]!.name;
        restart = null;
      }
      const k = bCnt[i];
      const at = i * cap + k;
      bStep[at] = step;
      bVal[at] = vals[i];
      bLine[at] = line;
      bCnt[i] = k + 1;
      if (k + 1 === cap) this.flushCol(i);
    }
  }

  /** Hand the buffered points of every column to their series. */
  private flush(): void {
    const cnt = this.bCnt;
    for (let i = 0; i < cnt.length; i++) if (cnt[i] > 0) this.flushCol(i);
  }

  private flushCol(i: number): void {
    const n = this.bCnt[i];
    const a = i * this.bCap;
    this.colSeries[i]!.pushMany(this.bStep.subarray(a, a + n), this.bVal.subarray(a, a + n), this.bLine.subarray(a, a + n), n);
    this.bCnt[i] = 0;
  }

  /** A new row: forget which columns the last one had (by a new id, not by clearing). */
  private nextRowId(): number {
    if (this.hasId === 0x7fffffff) {
      this.has.fill(0);
      this.hasId = 0;
    }
    return ++this.hasId;
  }

  /** True when every column from `k` on has no name (a trailing comma in the header). */
  private onlyUnnamedFrom(k: number): boolean {
    const names = this.names!;
    for (let i = k; i < names.length; i++) if (names[i] !== '') return false;
    return true;
  }

  /**
   * Read the cell starting at `p` as the number of column `col` (into vals/has; nothing for an
   * empty / missing / non-numeric cell) and return the cell's end: the delimiter's index, or
   * `n`. (Returning the index rather than the value keeps the double unboxed.)
   */
  private cell(t: string, p: number, n: number, col: number): number {
    const d = this.delim;
    let i = p;
    let c = t.charCodeAt(i);
    while (c === 32 || c === 9) c = t.charCodeAt(++i);
    if (c === d || i >= n) return i;
    let neg = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      c = t.charCodeAt(++i);
    }
    // Significant digits: the first 15 in `hi`, the next 4 in `lo` (exact), more -> slow path.
    let hi = 0;
    let lo = 0;
    let loDigits = 0;
    let sig = 0;
    let exp10 = 0;
    let digits = 0;
    while (c >= 48 && c <= 57) {
      digits++;
      if (sig > 0 || c !== 48) {
        sig++;
        if (sig <= 15) hi = hi * 10 + (c - 48);
        else if (sig <= 19) {
          lo = lo * 10 + (c - 48);
          loDigits++;
        } else return this.slowCell(t, p, n, col);
      }
      c = t.charCodeAt(++i);
    }
    if (c === 46) {
      c = t.charCodeAt(++i);
      while (c >= 48 && c <= 57) {
        digits++;
        if (sig > 0 || c !== 48) {
          sig++;
          if (sig <= 15) hi = hi * 10 + (c - 48);
          else if (sig <= 19) {
            lo = lo * 10 + (c - 48);
            loDigits++;
          } else return this.slowCell(t, p, n, col);
        }
        exp10--;
        c = t.charCodeAt(++i);
      }
    }
    if (digits === 0) return this.slowCell(t, p, n, col);
    if (c === 101 || c === 69) {
      c = t.charCodeAt(++i);
      let eneg = false;
      if (c === 45 || c === 43) {
        eneg = c === 45;
        c = t.charCodeAt(++i);
      }
      if (!(c >= 48 && c <= 57)) return this.slowCell(t, p, n, col);
      let e = 0;
      while (c >= 48 && c <= 57) {
        if (e < 100000) e = e * 10 + (c - 48);
        c = t.charCodeAt(++i);
      }
      exp10 += eneg ? -e : e;
    }
    while (c === 32 || c === 9) c = t.charCodeAt(++i);
    if (c !== d && i < n) return this.slowCell(t, p, n, col);
    if (!decimalToDouble(hi, lo, loDigits, exp10)) return this.slowCell(t, p, n, col);
    const v = DECIMAL_OUT[0];
    this.vals[col] = neg ? -v : v;
    this.has[col] = this.hasId;
    return i;
  }

  private slowCell(t: string, p: number, n: number, col: number): number {
    let q = t.indexOf(this.delimChar, p);
    if (q < 0 || q > n) q = n;
    const v = parseNumber(t.slice(p, q));
    if (v !== undefined) {
      this.vals[col] = v;
      this.has[col] = this.hasId;
    }
    return q;
  }

  /** Split a record per RFC 4180 (lenient: text after a closing quote is kept). */
  private splitQuoted(t: string): string[] {
    const d = this.delim;
    const cells: string[] = [];
    let cur = '';
    let inQ = false;
    let atStart = true;
    let segStart = 0;
    const n = t.length;
    for (let i = 0; i < n; i++) {
      const c = t.charCodeAt(i);
      if (inQ) {
        if (c === 34) {
          cur += t.slice(segStart, i);
          if (i + 1 < n && t.charCodeAt(i + 1) === 34) {
            cur += '"';
            i++;
            segStart = i + 1;
          } else {
            inQ = false;
            segStart = i + 1;
          }
        }
      } else if (c === d) {
        cells.push(cur + t.slice(segStart, i));
        cur = '';
        segStart = i + 1;
        atStart = true;
      } else if (atStart && c === 34) {
        // Leading padding before an opening quote is dropped.
        inQ = true;
        atStart = false;
        segStart = i + 1;
      } else if (atStart && (c === 32 || c === 9)) {
        // keep scanning: may be padding before a quote
      } else {
        atStart = false;
      }
    }
    cells.push(cur + t.slice(segStart, n));
    return cells;
  }

  // -------------------------------------------------------------------------------------------

  /** Order series as their columns appear in the header(s). */
  private orderSeries(): void {
    const m = this.run.series;
    if (m.size < 2) return;
    const ordered: [string, Series][] = [];
    const seen = new Set<string>();
    for (const name of this.allNames) {
      const s = m.get(name);
      if (s) {
        ordered.push([name, s]);
        seen.add(name);
      }
    }
    for (const [k, s] of m) if (!seen.has(k)) ordered.push([k, s]);
    m.clear();
    for (const [k, s] of ordered) m.set(k, s);
  }

  private internalError(e: unknown): void {
    try {
      reportMalformed(this.run, `CSV reader error: ${e instanceof Error ? e.message : String(e)}`, {
        line: this.line,
      });
    } catch {
      // never throw out of push/end
    }
  }
}

/**
 * End of a cell read from the bytes: the index of the delimiter, '\n' or CR after it, or -1
 * when it has a quote (the text path reads quotes).
 */
function cellEnd(b: Uint8Array, k: number, d: number): number {
  for (;;) {
    const c = b[k];
    if (c === d || c === 10 || c === 13) return k;
    if (c === 34) return -1;
    k++;
  }
}

/** Index of the first '\n' or '\r' from p, or -1. */
function findTerminator(t: string, p: number): number {
  const a = t.indexOf('\n', p);
  const b = t.indexOf('\r', p);
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}

function isBlankRange(t: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}
