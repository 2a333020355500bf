/**
 * The webview's copy of the runs: the snapshot's typed arrays (grown in place by appends) and
 * everything derived from them, each cached until the series changes: restart tracks, x values
 * per axis mode, smoothed values per setting, min/max pyramids, non-finite indices.
 */
import type { ForecastCurve } from '../src/core/forecast';
import type { Finding } from '../src/core/diagnose/types';
import type { FormatId, Role, RunEvent } from '../src/core/model';
import { smooth, type SmoothingMode } from '../src/core/smooth';
import type { RunPayload, RunSummary, SeriesPayload } from '../src/shared/protocol';
import { isSortedX, lowerBound, MinMaxPyramid, nonFiniteIndices } from './viewport';

export type XAxisMode = 'step' | 'epoch' | 'relative' | 'wall';

export type ChartGroup = 'loss' | 'lr' | 'grad' | 'acc' | 'other';

export interface SmoothingSetting {
  mode: SmoothingMode;
  /** EMA weight (0..0.999) for 'ema' / 'ema-x'. */
  weight: number;
  /** Window size in points for 'window'. */
  window: number;
}

export function smoothingKey(s: SmoothingSetting): string {
  switch (s.mode) {
    case 'off':
      return 'off';
    case 'ema':
    case 'ema-x':
      return `${s.mode}:${s.weight}`;
    case 'window':
      return `window:${s.window}`;
  }
}

/** A growable typed array that starts as the snapshot's array (no copy until it grows). */
class Column<T extends Float64Array | Uint32Array> {
  constructor(
    private buf: T,
    public length: number,
    private readonly make: (n: number) => T,
  ) {}
  get data(): T {
    return this.buf;
  }
  view(): T {
    return this.buf.subarray(0, this.length) as T;
  }
  append(src: ArrayLike<number>): void {
    const need = this.length + src.length;
    if (need > this.buf.length) {
      const next = this.make(Math.max(need, Math.ceil(this.buf.length * 1.5), 16));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    if (src.length) this.buf.set(src, this.length);
    this.length = need;
  }
  /** Pad with `fill` up to `n` entries. */
  padTo(n: number, fill: number): void {
    if (n <= this.length) return;
    this.append(new Array<number>(n - this.length).fill(fill));
  }
}

const f64 = (n: number) => new Float64Array(n);
const u32 = (n: number) => new Uint32Array(n);

/** A run of points to draw: the whole series, or the kept / superseded part of a restarted one. */
export interface Track {
  /** Source index of each track point; null when the track is the whole series. */
  src: Uint32Array | null;
  steps: Float64Array;
  values: Float64Array;
  n: number;
  /** For superseded tracks: a segment id per point (a gap is drawn between segments). */
  segment?: Uint32Array;
}

export interface Restart {
  /** Source index of the first point after the jump. */
  index: number;
  fromStep: number;
  toStep: number;
}

export interface TrackSet {
  /** The run as it finally went: strictly increasing steps when there were restarts. */
  main: Track;
  /** Points later re-run after a restart (drawn dashed), when there were restarts. */
  superseded: Track | null;
  restarts: Restart[];
}

interface Derived {
  version: number;
  tracks?: TrackSet;
  x: Map<string, { x: Float64Array; sorted: boolean }>;
  smoothed: Map<string, Float64Array>;
  pyramids: Map<string, MinMaxPyramid>;
  nonFinite: Map<string, Uint32Array>;
}

export class SeriesModel {
  readonly steps: Column<Float64Array>;
  readonly values: Column<Float64Array>;
  wallTimes: Column<Float64Array> | undefined;
  lines: Column<Uint32Array> | undefined;
  nonFinite = 0;
  /** Times the step went backwards, and steps that are NaN (one pass, kept up by appends). */
  private stepRestarts = 0;
  private nanSteps = 0;
  /** Indices of the non-finite values, collected by the same scan. */
  private nonFiniteIdx = new Uint32Array(0);
  version = 0;
  private derived: Derived = emptyDerived(0);

  constructor(
    readonly run: RunModel,
    readonly name: string,
    public role: Role,
    p: SeriesPayload,
  ) {
    const n = Math.min(p.steps.length, p.values.length);
    this.steps = new Column(p.steps, n, f64);
    this.values = new Column(p.values, n, f64);
    if (p.wallTimes) this.wallTimes = new Column(p.wallTimes, n, f64);
    if (p.lines) this.lines = new Column(p.lines, n, u32);
    this.scanNew(0, n);
  }

  /** Unique within the view. */
  get key(): string {
    return `${this.run.id}/${this.name}`;
  }
  /** Stable across reloads of the same sources (for persisted UI state). */
  get persistKey(): string {
    return `${this.run.source}|${this.name}`;
  }
  get length(): number {
    return this.values.length;
  }
  get group(): ChartGroup {
    return groupOf(this.role);
  }

  append(p: SeriesPayload): void {
    const n0 = this.length;
    const add = Math.min(p.steps.length, p.values.length);
    if (!add) return;
    this.steps.append(p.steps.subarray(0, add));
    this.values.append(p.values.subarray(0, add));
    if (p.wallTimes || this.wallTimes) {
      if (!this.wallTimes) this.wallTimes = new Column(new Float64Array(0), 0, f64);
      this.wallTimes.padTo(n0, NaN);
      if (p.wallTimes) this.wallTimes.append(p.wallTimes.subarray(0, add));
      else this.wallTimes.padTo(n0 + add, NaN);
    }
    if (p.lines || this.lines) {
      if (!this.lines) this.lines = new Column(new Uint32Array(0), 0, u32);
      this.lines.padTo(n0, 0);
      if (p.lines) this.lines.append(p.lines.subarray(0, add));
      else this.lines.padTo(n0 + add, 0);
    }
    this.scanNew(n0, n0 + add);
    this.version++;
  }

  /** Count non-finite values, restarts and NaN steps of points [from, to). */
  private scanNew(from: number, to: number): void {
    const st = this.steps.data;
    const va = this.values.data;
    let nf = 0;
    let rs = 0;
    let ns = 0;
    let prev = from > 0 ? st[from - 1] : NaN;
    let idx = this.nonFiniteIdx;
    let k = this.nonFinite;
    for (let i = from; i < to; i++) {
      const v = va[i];
      if (v - v !== 0) {
        nf++;
        if (k === idx.length) {
          const next = new Uint32Array(Math.max(64, idx.length * 2));
          next.set(idx);
          idx = next;
        }
        idx[k++] = i;
      }
      const s = st[i];
      if (s < prev) rs++;
      else if (s !== s) ns++;
      prev = s;
    }
    this.nonFiniteIdx = idx;
    this.nonFinite += nf;
    this.stepRestarts += rs;
    this.nanSteps += ns;
  }

  private d(): Derived {
    if (this.derived.version !== this.version) this.derived = emptyDerived(this.version);
    return this.derived;
  }

  /** Restart structure (cached). */
  tracks(): TrackSet {
    const d = this.d();
    if (!d.tracks) {
      d.tracks =
        this.stepRestarts === 0
          ? { main: { src: null, steps: this.steps.data, values: this.values.data, n: this.length }, superseded: null, restarts: [] }
          : computeTracks(this.steps.data, this.values.data, this.length);
    }
    return d.tracks;
  }

  /** x of each point of a track in the given axis mode (cached), and whether it is sorted. */
  trackX(which: 'main' | 'superseded', mode: XAxisMode): { x: Float64Array; sorted: boolean } {
    const d = this.d();
    const key = `${which}:${mode}`;
    let hit = d.x.get(key);
    if (hit) return hit;
    const t = which === 'main' ? this.tracks().main : this.tracks().superseded;
    if (!t) return { x: new Float64Array(0), sorted: true };
    let x: Float64Array;
    switch (mode) {
      case 'step':
        x = t.steps;
        break;
      case 'epoch':
        x = this.run.epochOf(t.steps, t.n);
        break;
      case 'relative':
      case 'wall': {
        x = new Float64Array(t.n);
        const wt = this.wallTimes?.data;
        const t0 = mode === 'relative' ? this.run.startTime() : 0;
        for (let i = 0; i < t.n; i++) {
          const src = t.src ? t.src[i] : i;
          x[i] = wt ? wt[src] - t0 : NaN;
        }
        break;
      }
    }
    // Main tracks in steps are increasing by construction (unless a step is NaN).
    const sorted = which === 'main' && (mode === 'step' ? this.nanSteps === 0 : isSortedX(x, t.n));
    hit = { x, sorted };
    d.x.set(key, hit);
    return hit;
  }

  /** Smoothed values of a track (cached per setting); the raw values when smoothing is off. */
  smoothedValues(which: 'main' | 'superseded', s: SmoothingSetting): Float64Array {
    const t = which === 'main' ? this.tracks().main : this.tracks().superseded;
    if (!t) return new Float64Array(0);
    if (s.mode === 'off') return t.values;
    const d = this.d();
    const key = `${which}:${smoothingKey(s)}`;
    let v = d.smoothed.get(key);
    if (!v) {
      const param = s.mode === 'window' ? s.window : s.weight;
      v = smooth(s.mode, t.steps, t.values, param, t.n);
      d.smoothed.set(key, v);
    }
    return v;
  }

  /** Min/max pyramid over a track's raw ('raw') or smoothed values (cached). */
  pyramid(which: 'main' | 'superseded', kind: string, y: Float64Array, n: number): MinMaxPyramid {
    const d = this.d();
    const key = `${which}:${kind}`;
    let p = d.pyramids.get(key);
    if (!p) {
      p = new MinMaxPyramid(y, n);
      d.pyramids.set(key, p);
    }
    return p;
  }

  /** Track-local indices of the non-finite values (cached). */
  nonFiniteOf(which: 'main' | 'superseded'): Uint32Array {
    const d = this.d();
    let v = d.nonFinite.get(which);
    if (!v) {
      const t = which === 'main' ? this.tracks().main : this.tracks().superseded;
      if (!t || this.nonFinite === 0) v = new Uint32Array(0);
      // The whole series: the scan's list; a restart track: its own.
      else if (!t.src) v = this.nonFiniteIdx.subarray(0, this.nonFinite);
      else v = nonFiniteIndices(t.values, t.n);
      d.nonFinite.set(which, v);
    }
    return v;
  }

  /** Source line of a point (1-based), when known. */
  lineAt(src: number): number | undefined {
    const l = this.lines?.data[src];
    return l ? l : undefined;
  }
}

function emptyDerived(version: number): Derived {
  return { version, x: new Map(), smoothed: new Map(), pyramids: new Map(), nonFinite: new Map() };
}

/**
 * Split a series at restarts (steps going backwards): the main track keeps every point no
 * later point re-ran (strictly increasing steps), the superseded track the rest.
 */
export function computeTracks(steps: Float64Array, values: Float64Array, n: number): TrackSet {
  const restarts: Restart[] = [];
  for (let i = 1; i < n; i++) {
    if (steps[i] < steps[i - 1]) restarts.push({ index: i, fromStep: steps[i - 1], toStep: steps[i] });
  }
  if (!restarts.length) {
    return { main: { src: null, steps, values, n }, superseded: null, restarts };
  }
  const superseded = new Uint8Array(n);
  let kept = 0;
  let minLater = Infinity;
  for (let i = n - 1; i >= 0; i--) {
    const s = steps[i];
    if (s >= minLater) superseded[i] = 1;
    else kept++;
    if (s < minLater) minLater = s;
  }
  const main = gather(steps, values, superseded, 0, kept);
  const sup = gather(steps, values, superseded, 1, n - kept);
  // Segments of the superseded track: a new one wherever the source indices are not adjacent
  // or the steps go back (attempts that were all re-run).
  const seg = new Uint32Array(sup.n);
  let id = 0;
  for (let k = 1; k < sup.n; k++) {
    if (sup.src![k] !== sup.src![k - 1] + 1 || sup.steps[k] < sup.steps[k - 1]) id++;
    seg[k] = id;
  }
  sup.segment = seg;
  return { main, superseded: sup.n ? sup : null, restarts };
}

function gather(
  steps: Float64Array,
  values: Float64Array,
  mask: Uint8Array,
  want: 0 | 1,
  count: number,
): Track {
  const src = new Uint32Array(count);
  const st = new Float64Array(count);
  const va = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== want) continue;
    src[k] = i;
    st[k] = steps[i];
    va[k++] = values[i];
  }
  return { src, steps: st, values: va, n: count };
}

function groupOf(role: Role): ChartGroup {
  switch (role) {
    case 'train_loss':
    case 'val_loss':
    case 'loss_part':
      return 'loss';
    case 'lr':
      return 'lr';
    case 'grad_norm':
      return 'grad';
    case 'train_acc':
    case 'val_acc':
      return 'acc';
    case 'other':
      return 'other';
  }
}

const EPOCH_NAME_RE = /^(epoch|epochs|train[/_.]epoch|trainer\/epoch)$/i;

class RunModel {
  readonly series = new Map<string, SeriesModel>();
  events: RunEvent[];
  live: boolean;
  /** The run's steps are epochs (run.meta.stepUnit === 'epoch'). */
  readonly stepsAreEpochs: boolean;
  /** Where its losses are heading (host-computed, as of the snapshot). */
  readonly forecasts: ForecastCurve[];
  private epochMap: { version: number; steps: Float64Array; epochs: Float64Array } | undefined;
  private t0: { version: number; value: number } | undefined;

  constructor(
    readonly id: string,
    readonly index: number,
    readonly source: string,
    readonly name: string,
    readonly format: FormatId,
    p: RunPayload,
  ) {
    this.events = [...p.events];
    this.live = p.live === true;
    this.stepsAreEpochs = p.stepUnit === 'epoch';
    this.forecasts = p.forecasts ?? [];
    for (const s of p.series) this.series.set(s.name, new SeriesModel(this, s.name, s.role, s));
  }

  /** The version of everything in the run (changes on any append). */
  get version(): number {
    let v = 0;
    for (const s of this.series.values()) v += s.version + s.length;
    return v;
  }

  epochSeries(): SeriesModel | undefined {
    for (const s of this.series.values()) if (EPOCH_NAME_RE.test(s.name) && s.length >= 1) return s;
    return undefined;
  }

  hasWallTimes(): boolean {
    for (const s of this.series.values()) if (s.wallTimes && Number.isFinite(firstFinite(s.wallTimes.view()))) return true;
    return false;
  }

  /** The earliest wall time of the run (seconds). */
  startTime(): number {
    const v = this.version;
    if (this.t0 && this.t0.version === v) return this.t0.value;
    let t = Infinity;
    for (const s of this.series.values()) {
      const w = s.wallTimes?.view();
      if (!w) continue;
      for (let i = 0; i < w.length; i++) if (w[i] < t) t = w[i];
    }
    this.t0 = { version: v, value: Number.isFinite(t) ? t : 0 };
    return this.t0.value;
  }

  /**
   * Epoch at each step, by linear interpolation over the run's epoch series (flat beyond its
   * ends). NaN everywhere when the run has no epoch series.
   */
  epochOf(steps: Float64Array, n: number): Float64Array {
    const out = new Float64Array(n);
    if (this.stepsAreEpochs && !this.epochSeries()) {
      out.set(steps.subarray(0, n));
      return out;
    }
    const map = this.epochTable();
    if (!map || map.steps.length === 0) {
      out.fill(NaN);
      return out;
    }
    const ms = map.steps;
    const me = map.epochs;
    const m = ms.length;
    for (let i = 0; i < n; i++) {
      const s = steps[i];
      const j = lowerBound(ms, m, s);
      if (j <= 0) out[i] = me[0];
      else if (j >= m) out[i] = me[m - 1];
      else {
        const s0 = ms[j - 1];
        const s1 = ms[j];
        out[i] = s1 > s0 ? me[j - 1] + ((s - s0) / (s1 - s0)) * (me[j] - me[j - 1]) : me[j];
      }
    }
    return out;
  }

  /** Sorted (step, epoch) pairs; for a step logged twice the last epoch wins. */
  private epochTable(): { steps: Float64Array; epochs: Float64Array } | undefined {
    const es = this.epochSeries();
    if (!es) return undefined;
    if (this.epochMap && this.epochMap.version === es.version + es.length) return this.epochMap;
    const st = es.steps.view();
    const va = es.values.view();
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < st.length; i++) {
      if (Number.isFinite(st[i]) && Number.isFinite(va[i])) pairs.push([st[i], va[i]]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const steps: number[] = [];
    const epochs: number[] = [];
    for (const [s, e] of pairs) {
      if (steps.length && steps[steps.length - 1] === s) epochs[epochs.length - 1] = e;
      else {
        steps.push(s);
        epochs.push(e);
      }
    }
    this.epochMap = {
      version: es.version + es.length,
      steps: Float64Array.from(steps),
      epochs: Float64Array.from(epochs),
    };
    return this.epochMap;
  }
}

function firstFinite(v: Float64Array): number {
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) return v[i];
  return NaN;
}

/** Everything the webview knows. */
export class ViewModel {
  runs: RunModel[] = [];
  findings: Finding[] = [];
  summaries: RunSummary[] = [];
  problems: Array<{ source: string; message: string }> = [];
  title = '';

  load(runs: RunPayload[]): void {
    this.runs = runs.map((p, i) => new RunModel(p.id, i, p.source, p.name, p.format, p));
  }

  run(id: string): RunModel | undefined {
    return this.runs.find(r => r.id === id);
  }

  runBySource(source: string | undefined): RunModel | undefined {
    if (source === undefined) return this.runs[0];
    return this.runs.find(r => r.source === source) ?? this.runs[0];
  }

  /** Apply an 'append': new points per series, new series, events. */
  append(runId: string, series: SeriesPayload[], events: RunEvent[] | undefined, done: boolean | undefined): boolean {
    const run = this.run(runId);
    if (!run) return false;
    for (const p of series) {
      const s = run.series.get(p.name);
      if (s) s.append(p);
      else run.series.set(p.name, new SeriesModel(run, p.name, p.role, p));
    }
    if (events?.length) run.events.push(...events);
    if (done) run.live = false;
    return true;
  }

  allSeries(): SeriesModel[] {
    const out: SeriesModel[] = [];
    for (const r of this.runs) for (const s of r.series.values()) out.push(s);
    return out;
  }

  /** The x-axis modes the data allows. */
  availableXModes(): XAxisMode[] {
    const modes: XAxisMode[] = ['step'];
    if (this.runs.some(r => r.epochSeries() !== undefined || r.stepsAreEpochs)) modes.push('epoch');
    if (this.runs.some(r => r.hasWallTimes())) modes.push('relative', 'wall');
    return modes;
  }

  /**
   * x of a step in an axis mode, for annotations: epoch by interpolation, times from the
   * nearest point of the reference series.
   */
  stepToX(run: RunModel | undefined, seriesName: string | undefined, step: number, mode: XAxisMode): number {
    if (mode === 'step' || !run) return step;
    if (mode === 'epoch') return run.epochOf(Float64Array.of(step), 1)[0];
    const s = (seriesName && run.series.get(seriesName)) || longest(run);
    if (!s) return NaN;
    const t = s.tracks().main;
    const { x } = s.trackX('main', mode);
    if (!t.n) return NaN;
    let j = lowerBound(t.steps, t.n, step);
    if (j >= t.n) j = t.n - 1;
    // Nearest point with a finite x.
    for (let d = 0; d < t.n; d++) {
      if (j + d < t.n && Number.isFinite(x[j + d])) return x[j + d];
      if (j - d >= 0 && Number.isFinite(x[j - d])) return x[j - d];
    }
    return NaN;
  }
}

function longest(run: RunModel): SeriesModel | undefined {
  let best: SeriesModel | undefined;
  for (const s of run.series.values()) if (!best || s.length > best.length) best = s;
  return best;
}
