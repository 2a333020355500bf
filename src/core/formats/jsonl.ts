/**
 * JSON lines: one JSON object per line. Covers Detectron2 `metrics.json`, MMEngine
 * `vis_data/scalars.json`, legacy W&B `wandb-history.jsonl` / `wandb-events.jsonl` /
 * `wandb-summary.json`, fairseq-style objects with string numbers, and generic JSON lines.
 *
 * - Python's bare `NaN` / `Infinity` / `-Infinity` are accepted (see json5ish.ts).
 * - Step: the first of `_step`, `step`, `global_step`, `iteration`, `num_updates`, `iter`,
 *   `epoch` present with a number (numeric strings count). A line without any uses the last
 *   step seen; when no line of the file has one, the 0-based index of the record is the step.
 *   The key used as the step is not a series; other counters (`epoch`, `iter`) are.
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
 *   step E is moved to the last training step seen with epoch == E (or to the training step at
 *   the time), and a `note` says so.
 * - A line that is not a JSON object is reported once (`malformed`, with its line); reading
 *   goes on. A pretty-printed document (first line `{` or `[`) is read whole at the end.
 */
import { createRun, reportMalformed, seriesOf, type Run, type RunEvent, type Series } from '../model';
import { parseJsonTolerant, stringNumber } from './json5ish';
import { LineSplitter } from './lines';
import type { LogParser, ParserOptions } from './types';

const STEP_KEYS = ['_step', 'step', 'global_step', 'iteration', 'num_updates', 'iter', 'epoch'];
/** Keys that are never series (W&B bookkeeping). */
const NOT_SERIES = new Set(['_timestamp', '_runtime']);
const MAX_LINE = 16 << 20;
/** Largest pretty-printed document read whole. */
const MAX_DOCUMENT = 256 << 20;

type Restart = Extract<RunEvent, { type: 'restart' }>;

export class JsonLinesParser implements LogParser {
  readonly format = 'jsonl' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly splitter: LineSplitter;
  private ended = false;

  private records = 0;
  private lastStep = 0;
  private haveStep = false;
  /** A step key has been seen in some record of the file. */
  private stepKeySeen = false;

  // MMEngine epoch-based validation mapping
  private mmEpochBased = false;
  private mmLastTrainStep = NaN;
  private readonly mmTrainStepByEpoch = new Map<number, number>();
  private mmMapped = 0;
  private mmNote: { type: 'note'; message: string } | null = null;

  private prefixNote = false;
  /** Lines of a pretty-printed document, read whole at the end. */
  private doc: string[] | null = null;
  private docChars = 0;
  private docLine = 0;
  private docOverflow = false;
  private sawContent = false;

  // Per-record scratch
  private curStep = 0;
  private curWall: number | undefined = undefined;
  private curLine = 0;
  private curStepKey: string | undefined = undefined;
  private curWallKey: string | undefined = undefined;
  private curRestart: Restart | null = null;
  private readonly sink = (name: string, v: number): void => this.point(name, v);

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
    this.splitter = new LineSplitter((t, l, tr) => this.onLine(t, l, tr), {
      splitOnCR: false,
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
      if (this.doc) this.finishDocument();
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      this.internalError(e);
    }
  }

  private onLine(text: string, line: number, truncated: boolean): void {
    if (this.doc) {
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
      this.doc.push(text);
      return;
    }
    if (truncated) {
      reportMalformed(this.run, `line longer than ${MAX_LINE} characters; skipped`, { line });
      return;
    }
    // Fast check for a blank line.
    const c0 = text.charCodeAt(0);
    if (c0 !== 123 && isBlank(text)) return;
    if (!this.sawContent) {
      this.sawContent = true;
      const tr = text.trim().replace(/^\uFEFF/, '');
      if (tr === '{' || tr === '[') {
        this.doc = [text];
        this.docChars = text.length;
        this.docLine = line;
        return;
      }
    }
    let r = parseJsonTolerant(text);
    if (!r.ok) {
      // A text prefix before the object (`2020-12-10 ... | INFO | train | {...}`).
      const a = text.indexOf('{');
      const b = text.lastIndexOf('}');
      if (a > 0 && b > a && isBlank(text.slice(b + 1))) {
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
    this.record(r.value, line);
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
      this.record(v, this.docLine);
    } else if (Array.isArray(v)) {
      let bad = 0;
      for (const e of v) {
        if (isObject(e)) this.record(e, this.docLine);
        else bad++;
      }
      if (bad > 0) reportMalformed(this.run, `${bad} array elements are not JSON objects`, { line: this.docLine });
    } else {
      reportMalformed(this.run, 'not a JSON object', { line: this.docLine });
    }
  }

  private record(o: Record<string, unknown>, line: number): void {
    // Step
    let stepKey: string | undefined;
    let step = NaN;
    for (let i = 0; i < STEP_KEYS.length; i++) {
      const v = o[STEP_KEYS[i]];
      if (v === undefined) continue;
      const s = typeof v === 'number' ? v : typeof v === 'string' ? stringNumber(v) : undefined;
      if (s !== undefined && !Number.isNaN(s)) {
        stepKey = STEP_KEYS[i];
        step = s;
        break;
      }
    }
    if (stepKey === 'step') step = this.mmengine(o, step);
    if (stepKey === undefined) {
      step = this.stepKeySeen ? this.lastStep : this.records;
    } else {
      this.stepKeySeen = true;
    }
    this.records++;

    // Wall time
    let wall: number | undefined;
    let wallKey: string | undefined;
    const ts = o._timestamp;
    if (typeof ts === 'number') {
      wall = ts > 1e11 ? ts / 1000 : ts;
      wallKey = '_timestamp';
    } else {
      for (const k of WALL_KEYS) {
        const v = o[k];
        if (typeof v === 'number' && v >= 1e9 && v < 1e14) {
          wall = v >= 1e11 ? v / 1000 : v;
          wallKey = k;
          break;
        }
      }
    }

    let restart: Restart | null = null;
    if (this.haveStep && step < this.lastStep) {
      restart = { type: 'restart', series: stepKey ?? '(record)', fromStep: this.lastStep, toStep: step, line };
      this.run.events.push(restart);
    }
    this.lastStep = step;
    this.haveStep = true;

    this.curStep = step;
    this.curWall = wall;
    this.curLine = line;
    this.curStepKey = stepKey;
    this.curWallKey = wallKey;
    this.curRestart = restart;
    // Flatten inline (the common case: flat objects of numbers).
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'number') {
        this.point(k, v);
      } else if (typeof v === 'string') {
        const n = stringNumber(v);
        if (n !== undefined) this.point(k, n);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const sub = v as Record<string, unknown>;
        if (sub._type === undefined) flattenInto(k, sub, this.sink, 1);
      }
    }
  }

  private point(name: string, v: number): void {
    if (name === this.curStepKey || name === this.curWallKey || NOT_SERIES.has(name)) return;
    let s: Series | undefined = this.run.series.get(name);
    if (s === undefined) s = seriesOf(this.run, name);
    s.push(this.curStep, v, this.curWall, this.curLine);
    if (this.curRestart) {
      this.curRestart.series = name;
      this.curRestart = null;
    }
  }

  /**
   * MMEngine: under EpochBasedTrainLoop, validation lines give the epoch as `step`. Returns the
   * step to use for this record.
   */
  private mmengine(o: Record<string, unknown>, step: number): number {
    const epoch = o.epoch;
    if (o.iteration !== undefined || o._step !== undefined) return step;
    if (typeof epoch === 'number') {
      // A training line of an epoch-based loop.
      this.mmEpochBased = true;
      this.mmLastTrainStep = step;
      this.mmTrainStepByEpoch.set(epoch, step);
      return step;
    }
    if (!this.mmEpochBased || o.iter !== undefined || o.loss !== undefined) return step;
    // A validation line: `step` is the epoch.
    let mapped = this.mmTrainStepByEpoch.get(step);
    if (mapped === undefined) mapped = step < this.mmLastTrainStep ? this.mmLastTrainStep : step;
    if (mapped !== step) {
      this.mmMapped++;
      const message =
        `MMEngine epoch-based loop: ${this.mmMapped} validation line(s) give the epoch as 'step'; ` +
        'their points were placed at the last training step of that epoch';
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
        line: this.splitter.currentLine,
      });
    } catch {
      // never throw out of push/end
    }
  }
}

const WALL_KEYS = ['timestamp', 'wall_time', 'walltime', 'time'];

function flattenInto(
  prefix: string,
  obj: Record<string, unknown>,
  sink: (name: string, v: number) => void,
  depth: number,
): void {
  for (const k in obj) {
    const v = obj[k];
    const name = prefix + '/' + k;
    if (typeof v === 'number') sink(name, v);
    else if (typeof v === 'string') {
      const n = stringNumber(v);
      if (n !== undefined) sink(name, n);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 32) {
      const sub = v as Record<string, unknown>;
      if (sub._type === undefined) flattenInto(name, sub, sink, depth + 1);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isBlank(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}
