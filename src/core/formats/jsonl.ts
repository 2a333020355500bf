/**
 * JSON lines: one JSON object per line. Covers Detectron2 `metrics.json`, MMEngine
 * `vis_data/scalars.json`, legacy W&B `wandb-history.jsonl` / `wandb-events.jsonl` /
 * `wandb-summary.json`, fairseq-style objects with string numbers, and generic JSON lines.
 *
 * - Python's bare `NaN` / `Infinity` / `-Infinity` are accepted (see json5ish.ts).
 * - Step: the first of `_step`, `step`, `global_step`, `iteration`, `num_updates`, `iter`,
 *   `epoch` present with a number (numeric strings count). A line without any uses the last
 *   step seen; when no line of the file has had one, the 0-based index of the record is the
 *   step. The key used as the step is not a series; other counters (`epoch`, `iter`) are.
 * - Every other numeric leaf is a point (`{"a":{"b":1}}` -> `a/b`; `"16.464"` -> 16.464);
 *   booleans, null, arrays, other strings and W&B media objects (`{"_type": ...}`) are not.
 * - Wall time (seconds): `_timestamp`, else `timestamp` / `wall_time` / `walltime` / `time`
 *   when the value looks like epoch seconds (or milliseconds). Detectron2's `time` (seconds per
 *   iteration) is not a wall time and stays a series. `_timestamp`, `_runtime` and a key used
 *   as the wall time are not series.
 * - A record whose step is lower than the previous record's is a restart (Detectron2 appends
 *   resumed runs to the same file): one `restart` event per backward jump.
 * - MMEngine `EpochBasedTrainLoop`: training lines carry `epoch` + `step` (= iteration) and
 *   validation lines (no `epoch` / `iter` / `loss`) carry `step` = EPOCH. Such a validation
 *   step E is moved to the last training step seen with epoch == E (or, when there is none, to
 *   the training step at the time if E is below it), and a `note` says so.
 * - A line that is not a JSON object is reported once (`malformed`, with its line); reading
 *   goes on. A line with text before the object (`... | INFO | train | {...}`) is read from its
 *   first `{`, with a note. A pretty-printed document (first line `{` or `[`) is read whole at
 *   the end.
 *
 * Speed: after the first chunk, lines are split on the bytes, and a flat object of plain numbers
 * (Detectron2, MMEngine, most JSON lines) is read in place from the bytes: each key is compared
 * with the key at the same position of the previous line (no string is made), each number is
 * converted by `scanJsonNumber`. Any other line (strings, nesting, NaN, escapes, duplicate or
 * array-index keys, invalid JSON) is decoded and goes through JSON.parse as before, so both
 * paths give the same records (a test compares them on the corpus). Key names map to a cached
 * `KeyInfo` (series, step/wall rank).
 */
import { createRun, reportMalformed, seriesOf, type Run, type RunEvent, type Series } from '../model';
import { ByteCarry } from './byteCarry';
import { NUM_OUT, scanJsonNumber } from './bytenum';
import { parseJsonTolerant, stringNumber } from './json5ish';
import { absorbPart, numKey, replayEvents, SplitMarker, type SplitPart, type SplitReader } from './split';
import type { LogParser, ParserOptions } from './types';
import { Utf8Stream } from './utf8';

/** Step keys, best first (rank = index + 1). */
const STEP_KEYS = ['_step', 'step', 'global_step', 'iteration', 'num_updates', 'iter', 'epoch'];
/** Wall-time keys, best first (`_timestamp` is always a wall time; the others when plausible). */
const WALL_KEYS = ['_timestamp', 'timestamp', 'wall_time', 'walltime', 'time'];
const MAX_LINE = 16 << 20;
/** Longest incomplete line the byte reader carries over between chunks. */
const MAX_BYTE_CARRY = 1 << 12;
/** Largest pretty-printed document read whole. */
const MAX_DOCUMENT = 256 << 20;

const F_NOT_SERIES = 1;
const F_EPOCH = 2;
const F_ITER = 4;
const F_LOSS = 8;
const F_OTHER_STEP = 16; // `iteration` / `_step`: not an MMEngine file

/** What a key name means to this reader; one per distinct name. */
class KeyInfo {
  series: Series | undefined = undefined;
  stepRank = 0;
  wallRank = 0;
  flags = 0;
  /** The key as its UTF-8 bytes appear in a line (no escapes), once seen there. */
  raw: Uint8Array | null = null;
  /** The byte reader's record number when this key was last read (duplicate keys). */
  stamp = 0;
  constructor(readonly name: string) {
    const s = STEP_KEYS.indexOf(name);
    if (s >= 0) this.stepRank = s + 1;
    const w = WALL_KEYS.indexOf(name);
    if (w >= 0) this.wallRank = w + 1;
    if (name === '_timestamp' || name === '_runtime') this.flags |= F_NOT_SERIES;
    if (name === 'epoch') this.flags |= F_EPOCH;
    if (name === 'iter') this.flags |= F_ITER;
    if (name === 'loss') this.flags |= F_LOSS;
    if (name === 'iteration' || name === '_step') this.flags |= F_OTHER_STEP;
  }
}

type Restart = Extract<RunEvent, { type: 'restart' }>;

export class JsonLinesParser implements LogParser, SplitReader {
  readonly format = 'jsonl' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly decoder = new Utf8Stream();
  private ended = false;

  // Line splitting
  private pending: string[] = [];
  private pendingChars = 0;
  private dropping = false;
  private lineNo = 1;

  // Records
  private readonly keys = new Map<string, KeyInfo>();
  /** The record being read: key infos and values (NaN-able numbers). */
  private rKeys: KeyInfo[] = [];
  private rVals: number[] = [];
  private rn = 0;
  private records = 0;
  private lastStep = 0;
  private haveStep = false;
  private stepKeySeen = false;

  // MMEngine epoch-based validation mapping
  private mmEpochBased = false;
  private mmLastTrainStep = NaN;
  private readonly mmTrainStepByEpoch = new Map<number, number>();
  private mmMapped = 0;
  private mmNote: { type: 'note'; message: string } | null = null;

  // Byte mode: once the first line has been read as text, lines are split and — for flat
  // objects of numbers — read straight from the bytes; any other line is decoded and read by
  // the text path (slowLine), so results are the same.
  private byteMode = false;
  private readonly bcarry = new ByteCarry();
  private readonly lineDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  /** The keys of the last line read from bytes, in order: the next line is matched to them. */
  private readonly shape: KeyInfo[] = [];
  private stamp = 0;
  /** Index of the sentinel in the buffer being read. */
  private bEnd = 0;

  private prefixNote = false;
  /** Lines of a pretty-printed document, read whole at the end. */
  private doc: string[] | null = null;
  private docChars = 0;
  private docLine = 0;
  private docOverflow = false;
  private sawContent = false;
  /** Reading a later part of the file on another thread (see split.ts). */
  private marker: SplitMarker | null = null;
  private markRecords = 0;

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
  }

  // -------------------------------------------------------------------------------------------
  // Split reading (split.ts)

  splitKey(): string | null {
    if (this.ended || !this.sawContent || this.doc || this.dropping || this.decoder.pending()) return null;
    if (this.byteMode ? this.bcarry.length !== 0 : this.pending.length !== 0) return null;
    // Steps from the record index, and MMEngine's epoch map, are more than a key can carry.
    if (!this.stepKeySeen || this.mmEpochBased) return null;
    return JSON.stringify([this.haveStep, numKey(this.lastStep), this.prefixNote]);
  }

  splitMark(): string | null {
    const key = this.splitKey();
    if (key === null) return null;
    this.marker = new SplitMarker(this.run, key, this.lineNo);
    this.markRecords = this.records;
    return key;
  }

  splitExport(): SplitPart | null {
    if (!this.marker || !this.ended) return null;
    return this.marker.export({
      records: this.records - this.markRecords,
      lines: this.lineNo - this.marker.line,
      lastStep: this.lastStep,
    });
  }

  splitAbsorb(part: SplitPart): boolean {
    if (this.ended || this.splitKey() !== part.key) return false;
    const lineOffset = this.lineNo - part.line;
    if (!absorbPart(this.run, part, lineOffset)) return false;
    replayEvents(this.run, part, lineOffset);
    this.records += part.extra.records;
    this.lineNo += part.extra.lines;
    this.lastStep = part.extra.lastStep;
    this.ended = true;
    for (const s of this.run.series.values()) s.trim();
    return true;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      if (this.crMode !== 1) chunk = this.bareCR(chunk);
      if (this.byteMode) {
        this.pushBytes(chunk);
        return;
      }
      const s = this.decoder.decode(chunk);
      if (s.length) this.feed(s);
      this.maybeByteMode();
    } catch (e) {
      this.internalError(e);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.byteMode) {
        this.byteMode = false;
        if (this.bcarry.length) {
          const t = this.lineDecoder.decode(this.bcarry.take());
          this.onLine(t, 0, t.length, this.lineNo);
        }
      }
      const s = this.decoder.end();
      if (s.length) this.feed(s);
      if (this.pending.length && !this.dropping) {
        const t = this.pending.join('');
        this.pending = [];
        this.onLine(t, 0, t.length, this.lineNo);
      }
      if (this.doc) this.finishDocument();
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      this.internalError(e);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Bare CR line ends (old Mac style, or a writer that ends lines with '\r' only)

  /** 0: no CR seen yet; 1: the first CR ended a CRLF (nothing to do); 2: bare CRs end lines. */
  private crMode = 0;
  /** A CR at the end of the last chunk, waiting to see whether an LF follows. */
  private crHeld = false;

  /**
   * A JSON line cannot hold a raw CR (strings escape it), so a CR not followed by LF ends a line:
   * it becomes '\n'. Decided by the first CR of the file; CRLF files pay nothing after that.
   */
  private bareCR(chunk: Uint8Array): Uint8Array {
    let i = this.crHeld ? 0 : chunk.indexOf(13);
    if (i < 0) return chunk;
    if (this.crMode === 0 && !this.crHeld) {
      if (i === chunk.length - 1) {
        // Cannot tell yet: hold the CR back.
        this.crHeld = true;
        return chunk.subarray(0, i);
      }
      this.crMode = chunk[i + 1] === 10 ? 1 : 2;
      if (this.crMode === 1) return chunk;
    }
    let b: Uint8Array;
    if (this.crHeld) {
      b = new Uint8Array(chunk.length + 1);
      b[0] = 13;
      b.set(chunk, 1);
      this.crHeld = false;
      if (this.crMode === 0) {
        if (chunk.length === 0) {
          this.crHeld = true;
          return chunk;
        }
        this.crMode = chunk[0] === 10 ? 1 : 2;
        if (this.crMode === 1) return b;
      }
    } else b = chunk.slice();
    let n = b.length;
    for (; i >= 0; i = b.indexOf(13, i + 1)) {
      if (i >= n - 1) {
        this.crHeld = true;
        n = i;
        break;
      }
      if (b[i + 1] !== 10) b[i] = 10;
    }
    return n === b.length ? b : b.subarray(0, n);
  }

  // -------------------------------------------------------------------------------------------
  // Byte mode

  private maybeByteMode(): void {
    if (!this.sawContent || this.doc || this.dropping || this.decoder.pending()) return;
    if (this.pendingChars > MAX_BYTE_CARRY) return;
    const carry = new TextEncoder().encode(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
    this.bcarry.keep(carry, 0, carry.length);
    this.byteMode = true;
  }

  private pushBytes(chunk: Uint8Array): void {
    // carry + chunk + a sentinel '\n', so that every scan stops inside the buffer.
    const n = this.bcarry.length + chunk.length;
    const b = this.bcarry.join(chunk);
    this.bEnd = n;
    const p = this.linesBytes(b, n);
    if (n - p > MAX_BYTE_CARRY) {
      // A long line still open: the text path carries it on (and drops it when over-long);
      // re-reading it from the bytes at every small chunk would be quadratic.
      this.byteMode = false;
      const s = this.decoder.decode(b.subarray(p, n));
      if (s.length) this.feed(s);
      return;
    }
    this.bcarry.keep(b, p, n);
  }

  /** Read the complete lines of b[0, n); returns where the incomplete one left starts. */
  private linesBytes(b: Uint8Array, n: number): number {
    let p = 0;
    for (;;) {
      const e = this.lineBytes(b, p);
      if (e >= n) return p;
      this.lineNo++;
      p = e + 1;
    }
  }

  /**
   * The line at b[p]: a flat object of numbers is read here, anything else is decoded and
   * read by the text path. Returns the index of the '\n' that ends the line (a return at the
   * sentinel means the line is incomplete and nothing was read).
   */
  private lineBytes(b: Uint8Array, p: number): number {
    let i = p;
    let c = b[i];
    while (c === 32 || c === 9) c = b[++i];
    if (c !== 123) return this.slowBytes(b, p);
    c = b[++i];
    while (c === 32 || c === 9 || c === 13) c = b[++i];
    if (c !== 34) return this.slowBytes(b, p);
    const stamp = ++this.stamp;
    const shape = this.shape;
    this.rn = 0;
    for (let j = 0; ; j++) {
      // b[i] is the key's opening quote.
      const ks = ++i;
      let k: KeyInfo | undefined = j < shape.length ? shape[j] : undefined;
      const raw = k !== undefined ? k.raw! : null;
      let same = raw !== null && b[ks + raw.length] === 34;
      if (same) {
        for (let x = 0; x < raw!.length; x++) {
          if (b[ks + x] !== raw![x]) {
            same = false;
            break;
          }
        }
      }
      if (same) {
        i = ks + raw!.length + 1;
      } else {
        let ke = ks;
        for (;;) {
          c = b[ke];
          if (c === 34) break;
          if (c === 92 || c < 32) return this.slowBytes(b, p); // escapes, control chars, the line end
          ke++;
        }
        c = b[ks];
        // Array-index keys come first in an object's key order: the text path keeps that order.
        if (c >= 48 && c <= 57) return this.slowBytes(b, p);
        k = this.info(this.lineDecoder.decode(b.subarray(ks, ke)));
        if (k.raw === null) k.raw = b.slice(ks, ke);
        if (j < shape.length) shape[j] = k;
        else shape.push(k);
        i = ke + 1;
      }
      if (k!.stamp === stamp) return this.slowBytes(b, p); // a duplicate key: the last one wins
      k!.stamp = stamp;
      c = b[i];
      while (c === 32 || c === 9 || c === 13) c = b[++i];
      if (c !== 58) return this.slowBytes(b, p);
      c = b[++i];
      while (c === 32 || c === 9 || c === 13) c = b[++i];
      const q = scanJsonNumber(b, i);
      if (q < 0) return this.slowBytes(b, p); // strings, null, objects, NaN, ...
      this.add(k!, NUM_OUT[0]);
      i = q;
      c = b[i];
      while (c === 32 || c === 9 || c === 13) c = b[++i];
      if (c === 125) break;
      if (c !== 44) return this.slowBytes(b, p);
      c = b[++i];
      while (c === 32 || c === 9 || c === 13) c = b[++i];
      if (c !== 34) return this.slowBytes(b, p);
    }
    c = b[++i];
    while (c === 32 || c === 9 || c === 13) c = b[++i];
    if (c !== 10) return this.slowBytes(b, p);
    if (i >= this.bEnd) return i; // incomplete: read again with the next chunk
    this.emit(this.lineNo);
    return i;
  }

  /** The line at b[p], decoded and read by the text path (or left for the next chunk). */
  private slowBytes(b: Uint8Array, p: number): number {
    const e = b.indexOf(10, p);
    if (e >= this.bEnd) return e;
    const t = this.lineDecoder.decode(b.subarray(p, e));
    this.onLine(t, 0, t.length, this.lineNo);
    return e;
  }

  // -------------------------------------------------------------------------------------------
  // Lines

  private feed(s: string): void {
    let p = 0;
    const n = s.length;
    if (this.pending.length || this.dropping) {
      const nl = s.indexOf('\n');
      if (nl < 0) {
        this.addPending(s);
        return;
      }
      if (this.dropping) {
        this.dropping = false;
      } else {
        this.pending.push(s.slice(0, nl));
        const t = this.pending.join('');
        this.pending = [];
        this.pendingChars = 0;
        this.onLine(t, 0, t.length, this.lineNo);
      }
      this.lineNo++;
      p = nl + 1;
    }
    while (p < n) {
      const nl = s.indexOf('\n', p);
      if (nl < 0) {
        this.addPending(s.slice(p));
        return;
      }
      this.onLine(s, p, nl, this.lineNo);
      this.lineNo++;
      p = nl + 1;
    }
  }

  private addPending(s: string): void {
    if (this.dropping) return;
    this.pending.push(s);
    this.pendingChars += s.length;
    if (this.pendingChars > MAX_LINE) {
      reportMalformed(this.run, `line longer than ${MAX_LINE} characters; skipped`, { line: this.lineNo });
      this.pending = [];
      this.pendingChars = 0;
      this.dropping = true;
    }
  }

  /** One line: t[a, b). */
  private onLine(t: string, a: number, b: number, line: number): void {
    if (b > a && t.charCodeAt(b - 1) === 13) b--;
    if (this.doc) {
      this.addDocLine(t.slice(a, b), line);
      return;
    }
    let c = t.charCodeAt(a);
    if (c !== 123) {
      while (a < b && (c === 32 || c === 9 || c === 13 || c === 0xfeff)) c = t.charCodeAt(++a);
      if (a >= b) return; // blank
    }
    if (!this.sawContent) {
      this.sawContent = true;
      const tr = t.slice(a, b).trim();
      if (tr === '{' || tr === '[') {
        this.doc = [tr];
        this.docChars = 1;
        this.docLine = line;
        return;
      }
    }
    this.slowLine(t.slice(a, b), line);
  }

  private addDocLine(text: string, line: number): void {
    if (this.docOverflow) return;
    this.docChars += text.length + 1;
    if (this.docChars > MAX_DOCUMENT) {
      this.docOverflow = true;
      this.run.events.push({
        type: 'truncated',
        message: `JSON document larger than ${MAX_DOCUMENT >> 20} MiB; the rest was not read`,
        line,
      });
      return;
    }
    this.doc!.push(text);
  }

  private slowLine(text: string, line: number): void {
    let r = parseJsonTolerant(text);
    if (!r.ok) {
      // A text prefix before the object (`2020-12-10 ... | INFO | train | {...}`).
      const a = text.indexOf('{');
      const b = text.lastIndexOf('}');
      if (a > 0 && b > a && text.slice(b + 1).trim() === '') {
        const r2 = parseJsonTolerant(text.slice(a, b + 1));
        if (r2.ok && isObject(r2.value)) {
          r = r2;
          if (!this.prefixNote) {
            this.prefixNote = true;
            this.run.events.push({
              type: 'note',
              message: `lines have text before the JSON object (first at line ${line}); the object was read`,
            });
          }
        }
      }
    }
    if (!r.ok) {
      reportMalformed(this.run, `not valid JSON: ${r.error}`, { line });
      return;
    }
    if (!isObject(r.value)) {
      reportMalformed(this.run, 'not a JSON object', { line });
      return;
    }
    this.fromObject(r.value, line);
  }

  private finishDocument(): void {
    const lines = this.doc!;
    this.doc = null;
    const r = parseJsonTolerant(lines.join('\n'));
    if (!r.ok) {
      reportMalformed(this.run, `not valid JSON: ${r.error}`, { line: this.docLine });
      return;
    }
    const v = r.value;
    if (isObject(v)) {
      this.fromObject(v, this.docLine);
    } else if (Array.isArray(v)) {
      let bad = 0;
      for (const e of v) {
        if (isObject(e)) this.fromObject(e, this.docLine);
        else bad++;
      }
      if (bad > 0) reportMalformed(this.run, `${bad} array elements are not JSON objects`, { line: this.docLine });
    } else {
      reportMalformed(this.run, 'not a JSON object', { line: this.docLine });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reading a record into (rKeys, rVals)

  private info(name: string): KeyInfo {
    let k = this.keys.get(name);
    if (k === undefined) {
      k = new KeyInfo(name);
      this.keys.set(name, k);
    }
    return k;
  }

  private add(k: KeyInfo, v: number): void {
    const i = this.rn++;
    this.rKeys[i] = k;
    this.rVals[i] = v;
  }

  /** Read a parsed object (nested keys joined with '/'). */
  private fromObject(o: Record<string, unknown>, line: number): void {
    this.rn = 0;
    this.flatten('', o, 0);
    this.emit(line);
  }

  private flatten(prefix: string, o: Record<string, unknown>, depth: number): void {
    for (const key in o) {
      const v = o[key];
      const name = prefix.length ? prefix + '/' + key : key;
      if (typeof v === 'number') {
        this.add(this.info(name), v);
      } else if (typeof v === 'string') {
        const n = stringNumber(v);
        if (n !== undefined) this.add(this.info(name), n);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 32) {
        const sub = v as Record<string, unknown>;
        if (sub._type === undefined) this.flatten(name, sub, depth + 1);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // A record -> points

  private emit(line: number): void {
    const n = this.rn;
    const ks = this.rKeys;
    const vs = this.rVals;
    let stepIdx = -1;
    let stepRank = 1e9;
    let wallIdx = -1;
    let wallRank = 1e9;
    let flags = 0;
    let epoch = NaN;
    for (let j = 0; j < n; j++) {
      const k = ks[j];
      if (k.stepRank !== 0 && k.stepRank < stepRank && !Number.isNaN(vs[j])) {
        stepRank = k.stepRank;
        stepIdx = j;
      }
      if (k.wallRank !== 0 && k.wallRank < wallRank) {
        const v = vs[j];
        if (k.wallRank === 1 ? Number.isFinite(v) : v >= 1e9 && v < 1e14) {
          wallRank = k.wallRank;
          wallIdx = j;
        }
      }
      if (k.flags !== 0) {
        flags |= k.flags;
        if (k.flags & F_EPOCH) epoch = vs[j];
      }
    }
    let step: number;
    if (stepIdx >= 0 && !Number.isFinite(vs[stepIdx])) {
      // `{"step": 1e309}` parses as Infinity: not a place on any axis.
      this.records++;
      reportMalformed(this.run, `the step (${ks[stepIdx].name}) is not a finite number; record skipped`, { line });
      return;
    }
    if (stepIdx >= 0) {
      step = vs[stepIdx];
      if (stepRank === 2 && !(flags & F_OTHER_STEP)) step = this.mmengine(step, flags, epoch);
      this.stepKeySeen = true;
    } else {
      step = this.stepKeySeen ? this.lastStep : this.records;
    }
    this.records++;
    let wall: number | undefined;
    if (wallIdx >= 0) {
      const v = vs[wallIdx];
      wall = v >= 1e11 ? v / 1000 : v;
    }
    let restart: Restart | null = null;
    if (this.haveStep && step < this.lastStep) {
      restart = {
        type: 'restart',
        series: stepIdx >= 0 ? ks[stepIdx].name : '(record)',
        fromStep: this.lastStep,
        toStep: step,
        line,
      };
      this.run.events.push(restart);
    }
    this.lastStep = step;
    this.haveStep = true;
    for (let j = 0; j < n; j++) {
      if (j === stepIdx || j === wallIdx) continue;
      const k = ks[j];
      if (k.flags & F_NOT_SERIES) continue;
      let s = k.series;
      if (s === undefined) s = k.series = seriesOf(this.run, k.name);
      s.push(step, vs[j], wall, line);
      if (restart) {
        restart.series = k.name;
        restart = null;
      }
    }
  }

  /**
   * MMEngine: under EpochBasedTrainLoop, validation lines give the epoch as `step`. Returns the
   * step to use for this record.
   */
  private mmengine(step: number, flags: number, epoch: number): number {
    if (flags & F_EPOCH) {
      // A training line of an epoch-based loop.
      this.mmEpochBased = true;
      this.mmLastTrainStep = step;
      this.mmTrainStepByEpoch.set(epoch, step);
      return step;
    }
    if (!this.mmEpochBased || flags & (F_ITER | F_LOSS)) return step;
    // A validation line: `step` is the epoch.
    let mapped = this.mmTrainStepByEpoch.get(step);
    if (mapped === undefined) mapped = step < this.mmLastTrainStep ? this.mmLastTrainStep : step;
    if (mapped !== step) {
      this.mmMapped++;
      const message =
        `MMEngine epoch-based loop: ${this.mmMapped} validation line(s) give the epoch as 'step'; ` +
        'their points were placed at the last training step of that epoch (or the training step at the time)';
      if (!this.mmNote) {
        this.mmNote = { type: 'note', message };
        this.run.events.push(this.mmNote);
      } else {
        this.mmNote.message = message;
      }
    }
    return mapped;
  }

  private internalError(e: unknown): void {
    try {
      reportMalformed(this.run, `JSON lines reader error: ${e instanceof Error ? e.message : String(e)}`, {
        line: this.lineNo,
      });
    } catch {
      // never throw out of push/end
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
