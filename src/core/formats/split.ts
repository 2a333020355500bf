/**
 * Reading one file on two threads: the main thread reads the file up to a line boundary S as
 * usual, while a worker reads [S, end) with a parser of its own and hands over what it read
 * (a `SplitPart`). The worker's parser first reads the file's opening lines and the lines just
 * before S (so it knows the header, the step column, the last step), then notes its state at
 * S: the *split key*. A parser's split key holds everything that decides how the bytes after S
 * are read (counters such as line numbers excepted, which are shifted on joining). The main
 * thread joins the part only when its own key at S is the same string; the parser is a
 * deterministic function of its state and the bytes, so the joined result is then exactly the
 * one a single thread would have read. The part's restarts and malformed records are handed
 * over in order and reported again by the main thread, whose counts and caps then apply as on
 * one thread. Anything else (a different key, a worker error, a part in which something
 * happened that a key cannot carry: a note, a header change, a point before S replaced) means
 * the main thread simply reads on from S itself.
 *
 * Pure TypeScript (no Node APIs): the threads and the file access are in load.ts / parallel.ts.
 */
import { GrowableF64, GrowableU32, reportMalformed, reportMalformedMany, Series, type Role, type Run, type RunEvent } from '../model';

/** The points one series got after the split. */
export interface PartSeries {
  name: string;
  role: Role;
  /** The series was created after the split (it did not exist at S in the worker). */
  created: boolean;
  /** The points as consecutive arrays (the worker's storage, handed over without a copy). */
  steps: Float64Array[];
  values: Float64Array[];
  /** Wall times (NaN: none), when the series has them. */
  walls?: Float64Array[];
  /** Source lines in the worker's numbering (0: none), when the series has them. */
  lines?: Uint32Array[];
  /** The series' last step and value at the split in the worker (created: none). */
  before?: [step: number, value: number];
  /** Step decreases between consecutive points of the part (the first point not counted). */
  restartsAfterFirst: number;
  /** NaN / +-Inf values among the part's points. */
  nonFinite: number;
}

/** What a worker read from the split to the end of the file. */
export interface SplitPart {
  /** The worker parser's split key at S. */
  key: string;
  /** The worker parser's line counter at S (the line S starts). */
  line: number;
  series: PartSeries[];
  /** Series the part was read assuming they did not exist (looked up, not found). */
  absent: string[];
  /** Text logs: the part's restarts, in order, lines in the worker's numbering. */
  restarts: PartRestarts;
  /**
   * The events the part made, in order (restarts and malformed records only: anything else is
   * not joined), lines in the worker's numbering: `replayEvents` adds them as one thread would.
   */
  events: RunEvent[];
  /** Parser-specific counters and end state (rows read, last step, ...). */
  extra: Record<string, number>;
}

/** A parser whose reading can be split at a line boundary (CSV, JSON lines). */
export interface SplitReader {
  /**
   * The state that decides how the bytes from here on are read, as a string; null when the
   * parser is not at a point where a part can be joined (inside a record, no header yet,
   * state a key does not carry). Only called between pushes, at a line boundary.
   */
  splitKey(): string | null;
  /** Worker: the split is here; remember the run as it is. Returns the split key (or null). */
  splitMark(): string | null;
  /** Worker, after `end()`: what was read after the mark, or null when it cannot be joined. */
  splitExport(): SplitPart | null;
  /**
   * Main thread, at S with `splitKey() === part.key`: take the part's points as if read here
   * and finish the run (as `end()` would). False (nothing changed) when it cannot be joined.
   */
  splitAbsorb(part: SplitPart): boolean;
}

export function isSplitReader(p: object): p is SplitReader {
  return typeof (p as Partial<SplitReader>).splitKey === 'function';
}

/** Restarts as arrays (a text log may have hundreds of thousands: no object per restart). */
export interface PartRestarts {
  names: string[];
  /** Index into names. */
  series: Uint32Array;
  from: Float64Array;
  to: Float64Array;
  /** Source line (NaN: none). */
  lines: Float64Array;
  /** Restarts after the first `limit` ones, only counted. */
  dropped: number;
}

/** The restarts of a part, in order: the first `limit` in full, the others counted. */
class RestartLog {
  /** A reader that lists only its first N restarts sets this to N (text logs). */
  limit = Infinity;
  private dropped = 0;
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly series = new GrowableU32();
  private readonly from = new GrowableF64();
  private readonly to = new GrowableF64();
  private readonly lines = new GrowableF64();

  add(series: string, fromStep: number, toStep: number, line: number | undefined): void {
    if (this.series.length >= this.limit) {
      this.dropped++;
      return;
    }
    let k = this.index.get(series);
    if (k === undefined) {
      k = this.names.length;
      this.names.push(series);
      this.index.set(series, k);
    }
    this.series.push(k);
    this.from.push(fromStep);
    this.to.push(toStep);
    this.lines.push(line ?? NaN);
  }

  export(): PartRestarts {
    const n = this.series.length;
    return {
      names: this.names,
      series: this.series.copyRange(0, n),
      from: this.from.copyRange(0, n),
      to: this.to.copyRange(0, n),
      lines: this.lines.copyRange(0, n),
      dropped: this.dropped,
    };
  }
}

/** The part's restarts listed in full, as the main thread's own (lines and steps shifted), in order. */
export function forEachRestart(
  part: SplitPart,
  lineOffset: number,
  stepShift: number,
  f: (series: string, fromStep: number, toStep: number, line: number | undefined) => void,
): void {
  const r = part.restarts;
  for (let i = 0; i < r.series.length; i++) {
    const line = r.lines[i];
    f(r.names[r.series[i]], r.from[i] + stepShift, r.to[i] + stepShift, Number.isNaN(line) ? undefined : line + lineOffset);
  }
}

/**
 * Main thread: add the part's events to the run in order, as one thread would have made them
 * (lines and restart steps shifted; malformed records through reportMalformed, so its cap and
 * counts come out the same; the worker's own cap folded its later reports into a count).
 */
export function replayEvents(run: Run, part: SplitPart, lineOffset: number, stepShift = 0): void {
  for (const e of part.events) {
    const line = e.type !== 'note' && e.line !== undefined ? { line: e.line + lineOffset } : {};
    if (e.type === 'restart') {
      run.events.push({ ...e, fromStep: e.fromStep + stepShift, toStep: e.toStep + stepShift, ...line });
    } else if (e.type === 'malformed') {
      const where = { ...(e.offset !== undefined ? { offset: e.offset } : {}), ...line };
      // (An entry the worker folded later reports into is '(and more) …' with a count: listed
      // here, it would be prefixed by the same count anyway.)
      reportMalformed(run, e.message, where);
      if (e.count && e.count > 1) reportMalformedMany(run, e.count - 1);
    }
  }
}

/** A key part for a double that keeps -0, NaN and infinities apart. */
export function numKey(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * The worker side's memory of the run at the split: series lengths and last points, events
 * and meta, so that the export can take what came after and refuse a part that changed
 * anything before the split.
 */
export class SplitMarker {
  private readonly lens = new Map<string, number>();
  private readonly lastPoints = new Map<string, string>();
  private readonly roles = new Map<string, Role>();
  private readonly counts = new Map<string, [restarts: number, nonFinite: number, prevStep: number]>();
  /** The run's events at the mark (the run gets a fresh list for the part's own). */
  private readonly before: RunEvent[];
  private readonly events: string;
  private readonly meta: string;
  /** Series looked up after the mark and not found (the parser tells, see `absent`). */
  readonly absent = new Set<string>();
  /**
   * Restarts after the mark, kept here instead of in the run's events (the main thread adds
   * them, in order, as its own reading would have: see SplitPart.restarts).
   */
  readonly restarts = new RestartLog();

  constructor(
    private readonly run: Run,
    readonly key: string,
    readonly line: number,
  ) {
    for (const [name, s] of run.series) {
      this.lens.set(name, s.length);
      this.roles.set(name, s.role);
      this.lastPoints.set(name, lastPoint(s));
      this.counts.set(name, [s.restarts, s.nonFinite, s.lastPushedStep]);
    }
    this.before = run.events;
    this.events = JSON.stringify(run.events);
    this.meta = JSON.stringify(run.meta);
    run.events = [];
  }

  /**
   * The points and events after the mark; null when earlier events, meta, roles or points
   * changed, or the part made an event other than a restart or a malformed record (or any
   * event, without `allowEvents`).
   */
  export(extra: Record<string, number>, allowEvents = true): SplitPart | null {
    const run = this.run;
    if (JSON.stringify(this.before) !== this.events || JSON.stringify(run.meta) !== this.meta) return null;
    const events = run.events;
    if (allowEvents ? events.some(e => e.type !== 'restart' && e.type !== 'malformed') : events.length > 0) return null;
    const series: PartSeries[] = [];
    for (const [name, s] of run.series) {
      const from = this.lens.get(name);
      if (from !== undefined) {
        if (this.roles.get(name) !== s.role) return null;
        // A point before the split replaced in place (a redraw): not joinable.
        if (from > 0 && lastPointAt(s, from - 1) !== this.lastPoints.get(name)) return null;
      }
      const a = from ?? 0;
      const b = s.length;
      if (from !== undefined && a === b) continue;
      const [restarts0, nonFinite0, prev0] = this.counts.get(name) ?? [0, 0, -Infinity];
      const firstJump = s.steps.get(a) < prev0 ? 1 : 0;
      const before: [number, number] | undefined = a > 0 ? [s.steps.get(a - 1), s.values.get(a - 1)] : undefined;
      series.push({
        name,
        role: s.role,
        created: from === undefined,
        before,
        steps: s.steps.viewsFrom(a),
        values: s.values.viewsFrom(a),
        walls: s.wallTimes?.viewsFrom(a),
        lines: s.lines?.viewsFrom(a),
        restartsAfterFirst: s.restarts - restarts0 - firstJump,
        nonFinite: s.nonFinite - nonFinite0,
      });
    }
    return { key: this.key, line: this.line, series, absent: [...this.absent], restarts: this.restarts.export(), events, extra };
  }
}

function lastPoint(s: Series): string {
  return s.length > 0 ? lastPointAt(s, s.length - 1) : '';
}

function lastPointAt(s: Series, i: number): string {
  return `${numKey(s.steps.get(i))} ${numKey(s.values.get(i))} ${s.lines ? s.lines.get(i) : ''}`;
}

/**
 * Main thread: add a part's points to the run (lines shifted by `lineOffset`, steps by
 * `stepShift`, both in place: the part's arrays become the run's). Checks first, so that a refused part changes nothing: a series the worker had
 * before the split must exist here with the same role.
 */
export function absorbPart(run: Run, part: SplitPart, lineOffset: number, stepShift = 0): boolean {
  for (const p of part.series) {
    const s = run.series.get(p.name);
    if (p.created ? s !== undefined : s === undefined || s.role !== p.role) return false;
    // The series must end here as it ended in the worker (steps are compared with it).
    if (s && p.before && (s.length === 0 || !sameNum(s.steps.last(), p.before[0] + stepShift) || !sameNum(s.values.last(), p.before[1]))) {
      return false;
    }
  }
  for (const name of part.absent) if (run.series.has(name)) return false;
  for (const p of part.series) {
    let s = run.series.get(p.name);
    if (!s) {
      s = new Series(p.name, p.role);
      run.series.set(p.name, s);
    }
    if (stepShift !== 0) for (const a of p.steps) for (let i = 0; i < a.length; i++) a[i] += stepShift;
    s.appendPart(p.steps, p.values, p.walls, p.lines, lineOffset, p);
  }
  return true;
}

function sameNum(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** The buffers under a part's arrays (each once), for a zero-copy transfer between threads. */
export function partBuffers(part: SplitPart): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const r = part.restarts;
  for (const a of [r.series, r.from, r.to, r.lines]) out.add(a.buffer as ArrayBuffer);
  for (const s of part.series) {
    for (const list of [s.steps, s.values, s.walls, s.lines]) {
      if (list) for (const a of list) out.add(a.buffer as ArrayBuffer);
    }
  }
  return [...out];
}
