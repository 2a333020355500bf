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
 * The hot path scans each row's char codes once and parses plain decimals without allocating
 * (Clinger's exact fast path: up to 15 significant digits and |exponent| <= 22); anything else
 * goes through `parseNumber` on a slice.
 */
import { createRun, reportMalformed, seriesOf, type Run, type Series } from '../model';
import { LineSplitter } from './lines';
import { parseNumber } from './numbers';
import type { LogParser, ParserOptions } from './types';

/** Step column names, best first (compared lower-cased and trimmed). */
const STEP_NAMES = ['step', 'global_step', '_step', 'iteration', 'iter', 'epoch'];

const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Longest physical line kept (longer lines are reported and skipped). */
const MAX_LINE = 4 << 20;
/** Largest quoted multi-line record before the opening quote is deemed stray. */
const MAX_RECORD_CHARS = 4 << 20;
const MAX_RECORD_LINES = 10_000;

const CANDIDATE_DELIMS = [44, 9, 59, 124]; // , \t ; |

export class CsvParser implements LogParser {
  readonly format = 'csv' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly splitter: LineSplitter;

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
  private has = new Uint8Array(0);
  /** Every column name in the order first seen (series are ordered by it at the end). */
  private readonly allNames: string[] = [];

  private rowIndex = 0;
  private lastStep = 0;
  private haveStep = false;
  /** End of the cell read by `cell` (index of the delimiter or the end of the row). */
  private q = 0;

  /** Lines of a record whose quoted field continues past a newline. */
  private pending: { text: string; line: number }[] | null = null;
  private pendingChars = 0;
  private repeatedHeaders = 0;
  private firstRepeatLine = 0;
  private repeatNote: { type: 'note'; message: string } | null = null;
  private ended = false;

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
    this.splitter = new LineSplitter((t, l, tr) => this.onLine(t, l, tr), {
      splitOnCR: true,
      maxLineLength: MAX_LINE,
    });
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      this.splitter.push(chunk);
    } catch (e) {
      this.internalError(e);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.splitter.end();
      if (this.pending) {
        const rest = this.breakPending();
        this.replay(rest);
        if (this.pending) this.drainPendingAtEof();
      }
      this.orderSeries();
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      this.internalError(e);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Lines -> records

  private onLine(text: string, line: number, truncated: boolean): void {
    if (truncated) {
      reportMalformed(this.run, `line longer than ${MAX_LINE} characters; skipped`, { line });
      return;
    }
    this.take(text, line);
  }

  /** Take one physical line; lines freed by a broken quoted record are replayed in order. */
  private take(text: string, line: number): void {
    const rest = this.take1(text, line);
    if (rest) this.replay(rest);
  }

  private replay(lines: { text: string; line: number }[]): void {
    // Iterative: a replayed line may open (and break) another pending record.
    const queue = lines;
    let i = 0;
    while (i < queue.length) {
      const { text, line } = queue[i++];
      const rest = this.take1(text, line);
      if (rest) queue.splice(i, 0, ...rest);
    }
  }

  private take1(text: string, line: number): { text: string; line: number }[] | null {
    if (this.pending) {
      this.pending.push({ text, line });
      this.pendingChars += text.length + 1;
      if (!this.endsInQuotes(text, true)) {
        const parts = this.pending;
        this.pending = null;
        this.record(parts.map(p => p.text).join('\n'), parts[0].line, true);
        return null;
      }
      if (this.pendingChars > MAX_RECORD_CHARS || this.pending.length > MAX_RECORD_LINES) {
        return this.breakPending();
      }
      return null;
    }
    if (isBlank(text)) return null;
    const quoted = text.indexOf('"') >= 0;
    if (!this.names) this.detectDelimiter(text);
    if (quoted && this.endsInQuotes(text, false)) {
      this.pending = [{ text, line }];
      this.pendingChars = text.length;
      return null;
    }
    this.record(text, line, quoted);
    return null;
  }

  /**
   * An opening quote was never closed within the limits: report it, read its first line with
   * quotes taken literally, and hand back the other lines to be read again.
   */
  private breakPending(): { text: string; line: number }[] {
    const parts = this.pending ?? [];
    this.pending = null;
    this.pendingChars = 0;
    if (parts.length === 0) return [];
    reportMalformed(this.run, 'unterminated quoted field', { line: parts[0].line });
    this.record(parts[0].text, parts[0].line, false);
    return parts.slice(1);
  }

  /** At the end of input, keep breaking pending records until none is left. */
  private drainPendingAtEof(): void {
    let guard = 0;
    while (this.pending && guard++ < 1_000_000) this.replay(this.breakPending());
  }

  /** Whether a line ends inside a quoted field, given whether it starts inside one. */
  private endsInQuotes(t: string, startInQuotes: boolean): boolean {
    const d = this.delim;
    let inQ = startInQuotes;
    let atStart = !startInQuotes;
    const n = t.length;
    for (let i = 0; i < n; i++) {
      const c = t.charCodeAt(i);
      if (inQ) {
        if (c === 34) {
          if (i + 1 < n && t.charCodeAt(i + 1) === 34) i++;
          else inQ = false;
        }
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
    return inQ;
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

  private record(text: string, line: number, quoted: boolean): void {
    if (!this.names) {
      this.setHeader(quoted ? this.splitQuoted(text) : text.split(this.delimChar), line, false);
      return;
    }
    if (quoted) {
      const cells = this.splitQuoted(text);
      if (this.headerLike(cells, line)) return;
      this.rowFromCells(cells, line);
      return;
    }
    // A row that does not start like a number or an empty cell may be a repeated header.
    let i = 0;
    let c = text.charCodeAt(0);
    while (c === 32 || c === 9) c = text.charCodeAt(++i);
    if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === this.delim)) {
      if (this.headerLike(text.split(this.delimChar), line)) return;
    }
    this.rowFast(text, line);
  }

  private setHeader(rawCells: string[], line: number, replacing: boolean): void {
    const names = rawCells.map(c => c.trim());
    const n = names.length;
    this.names = names;
    this.ncols = n;
    this.parse = new Uint8Array(n);
    this.isData = new Uint8Array(n);
    this.vals = new Float64Array(n);
    this.has = new Uint8Array(n);
    this.colSeries = new Array<Series | undefined>(n).fill(undefined);
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
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      if (i === this.stepCol) {
        this.parse[i] = 1;
        continue;
      }
      if (names[i] === '') continue;
      let name = names[i];
      for (let k = 2; used.has(name); k++) name = `${names[i]} (${k})`;
      used.add(name);
      this.seriesNames[i] = name;
      this.parse[i] = 1;
      this.isData[i] = 1;
      if (!this.allNames.includes(name)) this.allNames.push(name);
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

  /** The hot path: a row without quotes, scanned once. */
  private rowFast(t: string, line: number): void {
    const n = t.length;
    const ncols = this.ncols;
    const parse = this.parse;
    const vals = this.vals;
    const has = this.has;
    has.fill(0);
    let p = 0;
    let col = 0;
    let extra = false;
    for (;;) {
      let q: number;
      if (col < ncols && parse[col] === 1) {
        const v = this.cell(t, p, n);
        q = this.q;
        if (v !== undefined) {
          vals[col] = v;
          has[col] = 1;
        }
      } else {
        q = t.indexOf(this.delimChar, p);
        if (q < 0) q = n;
        if (col >= ncols && !extra && !isBlankRange(t, p, q)) extra = true;
      }
      col++;
      if (q >= n) break;
      p = q + 1;
    }
    this.finishRow(col, extra, line);
  }

  /** Rows with quotes: cells already split and unquoted. */
  private rowFromCells(cells: string[], line: number): void {
    const ncols = this.ncols;
    const has = this.has;
    has.fill(0);
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
        this.has[i] = 1;
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
    if (sc >= 0 && has[sc] === 1 && !Number.isNaN(vals[sc])) step = vals[sc];
    else if (sc >= 0 && this.haveStep) step = this.lastStep;
    else step = this.rowIndex;
    let restart: { type: 'restart'; series: string; fromStep: number; toStep: number; line?: number } | null = null;
    if (this.haveStep && step < this.lastStep) {
      restart = { type: 'restart', series: this.stepName || '(row)', fromStep: this.lastStep, toStep: step, line };
      this.run.events.push(restart);
    }
    this.lastStep = step;
    this.haveStep = true;
    this.rowIndex++;
    const isData = this.isData;
    let first = true;
    for (let i = 0; i < ncols; i++) {
      if (has[i] !== 1 || isData[i] !== 1) continue;
      let s = this.colSeries[i];
      if (s === undefined) s = this.colSeries[i] = seriesOf(this.run, this.seriesNames[i]);
      s.push(step, vals[i], undefined, line);
      if (first && restart) restart.series = s.name;
      first = false;
    }
  }

  /** True when every column from `k` on has no name (a trailing comma in the header). */
  private onlyUnnamedFrom(k: number): boolean {
    const names = this.names!;
    for (let i = k; i < names.length; i++) if (names[i] !== '') return false;
    return true;
  }

  /**
   * Read the cell starting at `p` as a number; sets `this.q` to the cell's end (the delimiter's
   * index, or `n`). Returns undefined for an empty / missing / non-numeric cell.
   */
  private cell(t: string, p: number, n: number): number | undefined {
    const d = this.delim;
    let i = p;
    let c = i < n ? t.charCodeAt(i) : -1;
    while (c === 32 || c === 9) c = ++i < n ? t.charCodeAt(i) : -1;
    if (c === d || c === -1) {
      this.q = i;
      return undefined;
    }
    let neg = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      c = ++i < n ? t.charCodeAt(i) : -1;
    }
    let m = 0;
    let sig = 0;
    let exp10 = 0;
    let digits = 0;
    while (c >= 48 && c <= 57) {
      digits++;
      if (sig > 0 || c !== 48) {
        if (++sig > 15) return this.slowCell(t, p, n);
        m = m * 10 + (c - 48);
      }
      c = ++i < n ? t.charCodeAt(i) : -1;
    }
    if (c === 46) {
      c = ++i < n ? t.charCodeAt(i) : -1;
      while (c >= 48 && c <= 57) {
        digits++;
        if (sig > 0 || c !== 48) {
          if (++sig > 15) return this.slowCell(t, p, n);
          m = m * 10 + (c - 48);
        }
        exp10--;
        c = ++i < n ? t.charCodeAt(i) : -1;
      }
    }
    if (digits === 0) return this.slowCell(t, p, n);
    if (c === 101 || c === 69) {
      c = ++i < n ? t.charCodeAt(i) : -1;
      let eneg = false;
      if (c === 45 || c === 43) {
        eneg = c === 45;
        c = ++i < n ? t.charCodeAt(i) : -1;
      }
      if (!(c >= 48 && c <= 57)) return this.slowCell(t, p, n);
      let e = 0;
      while (c >= 48 && c <= 57) {
        if (e < 100000) e = e * 10 + (c - 48);
        c = ++i < n ? t.charCodeAt(i) : -1;
      }
      exp10 += eneg ? -e : e;
    }
    while (c === 32 || c === 9 || c === 13) c = ++i < n ? t.charCodeAt(i) : -1;
    if (c !== d && c !== -1) return this.slowCell(t, p, n);
    this.q = i;
    let v: number;
    if (m === 0) v = 0;
    else if (exp10 === 0) v = m;
    else if (exp10 > 0 && exp10 <= 22) v = m * POW10[exp10];
    else if (exp10 < 0 && exp10 >= -22) v = m / POW10[-exp10];
    else return this.slowCell(t, p, n);
    return neg ? -v : v;
  }

  private slowCell(t: string, p: number, n: number): number | undefined {
    let q = t.indexOf(this.delimChar, p);
    if (q < 0) q = n;
    this.q = q;
    return parseNumber(t.slice(p, q));
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
        line: this.splitter.currentLine,
      });
    } catch {
      // never throw out of push/end
    }
  }
}

function isBlank(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

function isBlankRange(t: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
