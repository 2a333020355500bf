/**
 * A loss logged as a running mean that starts again each epoch (AverageMeter's `(avg)`, a tqdm
 * postfix that averages the epoch so far, YOLO's `mloss`, `average_loss: y`): its first points
 * in an epoch are the means of one or a few batches (noisy, far from where the last epoch
 * ended), and it then settles towards that epoch's mean. Judged point by point it is a
 * sawtooth: each epoch start looks like a spike, and the noise, plateau and convergence rules
 * see the sawtooth instead of the trend.
 *
 * Recognised from the data, only for a loss series whose epochs are known, once per analysis
 * and incrementally (RunningMeanTracker: the points appended since the last analysis and the
 * epoch still open are read): the epoch of a point is its step on an epoch axis (fractional
 * epochs: `Epoch:[ 3 | 19 ] Batch:[ 100 | 2068 ]`), else the run's `epoch` series at its step
 * (the last value written at or before it, see EpochIndex). A point at a whole epoch on a
 * fractional axis may start an epoch (batch 0) or end one (batch n of n): both readings are
 * measured, and the one with the larger jumps kept. A reading whose epochs are mostly too
 * short to measure is given up (Side.dead).
 * In each epoch of at least `runningMeanEpochPoints` points, the mean |change| between
 * successive points over its first third is compared with that over its last third (a running
 * mean's changes shrink like 1/k with the batch index k; a per-batch series' do not), and the
 * jump into the epoch with the last third's mean |change| of the epoch before (a running mean
 * starts again far from where it ended). A series is a running mean when at least
 * `runningMeanMinEpochs` such epochs exist and the medians of both ratios reach
 * `runningMeanDecay` and `runningMeanJump`.
 *
 * Such a series is judged on its value at each epoch's end (the epoch's mean loss, a logged
 * value): the detectors see a SeriesState of those points (see RunState.judging()); the series
 * is still shown as logged.
 */
import { Series, type Run } from '../model';
import { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';

/** The running-mean reading of a series: its epoch ends, and the statistics that decided. */
export interface RunningMean {
  /** Indices of the points judged: the last point of each epoch (see Side.result). */
  ends: number[];
  /** Epochs measured (at least runningMeanEpochPoints points), median ratios. */
  epochs: number;
  decay: number;
  jump: number;
}

/** More epochs than this: not an epoch counter one can read a running mean by. */
const MAX_EPOCHS = 100_000;
/** Epochs closed before a reading is given up for epochs too short (see Side.dead). */
const SHORT_SLACK = 16;

/** The run's `epoch` series, when it has one. */
export function epochSeries(run: Run): Series | undefined {
  for (const s of run.series.values()) if (s.role === 'other' && s.length >= 1 && /^epoch$/i.test(s.name)) return s;
  return undefined;
}

/**
 * The run's `epoch` series read as the steps where the epoch in force changes (its whole part,
 * or the whole part of the epoch a whole value ends: see Side): the epoch in force at a step is
 * the last value written at or before it. Incremental (each call reads the values appended since
 * the last one); unusable (`ok` false) once its steps go back.
 */
export class EpochIndex {
  /** Steps where the epoch in force changes, and the value written there. */
  readonly steps: number[] = [];
  readonly values: number[] = [];
  ok = true;
  private done = 0;
  private lastStep = -Infinity;
  private lastA = NaN;
  private lastB = NaN;

  constructor(readonly series: Series) {}

  update(): void {
    const s = this.series;
    const n = s.length;
    if (!this.ok || n <= this.done) return;
    const vs = s.values.viewsFrom(this.done);
    const ss = s.steps.viewsFrom(this.done);
    const cs = this.steps;
    const cv = this.values;
    let lastStep = this.lastStep;
    let lastA = this.lastA;
    let lastB = this.lastB;
    // the parts of steps and values are read side by side, each at its own position
    let vp = 0;
    let vq = 0;
    let vcur = vs.length > 0 ? vs[0] : new Float64Array(0);
    for (const part of ss) {
      const len = part.length;
      for (let q = 0; q < len; q++) {
        if (vq === vcur.length) {
          vcur = vs[++vp];
          vq = 0;
        }
        const x = part[q];
        const v = vcur[vq++];
        if (x < lastStep) {
          this.ok = false;
          return;
        }
        lastStep = x;
        const ka = Math.floor(v);
        const kb = ka === v ? v - 1 : ka;
        if (ka !== lastA || kb !== lastB) {
          if (cs.length === MAX_EPOCHS) {
            this.ok = false;
            return;
          }
          cs.push(x);
          cv.push(v);
          lastA = ka;
          lastB = kb;
        }
      }
    }
    this.lastStep = lastStep;
    this.lastA = lastA;
    this.lastB = lastB;
    this.done = n;
  }
}

function median(a: number[]): number {
  if (a.length === 0) return NaN;
  const t = a.slice().sort((x, y) => x - y);
  const h = t.length >> 1;
  return t.length % 2 ? t[h] : (t[h - 1] + t[h]) / 2;
}

/** Sum of |v[i] - v[i - 1]| over the series indices i in [from, to) (from >= 1). */
function sumChanges(s: Series, from: number, to: number): number {
  let sum = 0;
  let prev = s.values.get(from - 1);
  let i = from;
  for (const part of s.values.viewsFrom(from)) {
    const k = Math.min(part.length, to - i);
    for (let q = 0; q < k; q++) {
      const v = part[q];
      sum += Math.abs(v - prev);
      prev = v;
    }
    i += k;
    if (i >= to) break;
  }
  return sum;
}

/** A growable list of point indices. */
class Indices {
  a = new Uint32Array(16);
  n = 0;
  push(i: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(2 * this.n);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = i;
  }
}

/** The statistics of one epoch (NaN: too short, or nothing moved). */
interface EpochStats {
  a: number;
  i: number;
  decay: number;
  late: number;
  /** |change| into the epoch (its first point from the last point before it). */
  into: number;
}

/** The statistics of the epoch [a, i): measured when it holds at least minPts points. */
function epochStats(s: Series, a: number, i: number, minPts: number): EpochStats {
  const m = i - a;
  if (m < minPts) return { a, i, decay: NaN, late: NaN, into: NaN };
  // changes j = 1 .. m - 1 of the epoch (the change into point a + j): first and last third
  const e1 = Math.floor(m / 3);
  const l0 = Math.ceil((2 * m) / 3);
  const early = sumChanges(s, a + 1, a + e1 + 1) / e1;
  const late = sumChanges(s, a + l0, a + m) / (m - l0);
  const decay = early > 0 || late > 0 ? (late > 0 ? early / late : Infinity) : NaN;
  const into = a > 0 ? Math.abs(s.values.get(a) - s.values.get(a - 1)) : NaN;
  return { a, i, decay, late, into };
}

/**
 * The epochs of a series under one reading of whole epochs: a point at a whole epoch e (on a
 * fractional axis, e + i/n) is the start of epoch e (batch 0), or, `atEnd`, the end of epoch
 * e - 1 (batch n of n). With whole epochs only, both readings part the series alike.
 */
class Side {
  /** Start of the open (last) epoch: the points before it are in closed epochs. */
  a = 0;
  /** Last point of each closed epoch. */
  readonly ends = new Indices();
  readonly decay: number[] = [];
  readonly jump: number[] = [];
  /** Mean |change| over the last third of the last closed epoch (NaN: too short to tell). */
  prevLate = NaN;
  /**
   * Given up: at some epoch's end, more epochs had closed than 2 / runningMeanEpochPoints of
   * the points so far (plus SHORT_SLACK), so most epochs were too short to measure (an epoch
   * counter that changes every few points, whole epochs on an epoch axis).
   */
  dead = false;

  constructor(readonly atEnd: boolean) {}

  /** The jump into an epoch over the last closed epoch's settled change (NaN: none). */
  jumpOf(e: EpochStats): number {
    const prev = this.prevLate;
    if (!(e.late === e.late) || !(e.into === e.into) || !(prev === prev)) return NaN;
    if (!(e.into > 0 || prev > 0)) return NaN;
    return prev > 0 ? e.into / prev : Infinity;
  }

  close(e: EpochStats): void {
    this.ends.push(e.i - 1);
    if (e.decay === e.decay) this.decay.push(e.decay);
    const j = this.jumpOf(e);
    if (j === j) this.jump.push(j);
    this.prevLate = e.late;
    this.a = e.i;
  }

  /** The reading of the series [0, n): closed epochs and the open one (`open`). */
  result(open: EpochStats, n: number, minEpochs: number): RunningMean | null {
    if (this.dead) return null;
    const decay = open.decay === open.decay ? [...this.decay, open.decay] : this.decay;
    if (decay.length < minEpochs) return null;
    const oj = this.jumpOf(open);
    const jump = oj === oj ? [...this.jump, oj] : this.jump;
    const ends = Array.from(this.ends.a.subarray(0, this.ends.n));
    ends.push(n - 1);
    const counts = ends.map((e, k) => e - (k > 0 ? ends[k - 1] : -1));
    // Judged: the end of each epoch that holds at least half as many points as the median
    // epoch (an epoch logged once or twice, or cut short at the end, is not its mean).
    const half = median(counts) / 2;
    const kept = ends.filter((_, k) => counts[k] >= half);
    return { ends: kept, epochs: decay.length, decay: median(decay), jump: median(jump) };
  }
}

/**
 * Reads a series as a running mean, incrementally: each call reads the points appended since
 * the last one and the epoch still open (O(new points + that epoch), memory O(epochs));
 * closed epochs are never read again, so a live run ends with what a batch run reads.
 */
export class RunningMeanTracker {
  private start = new Side(false);
  private end = new Side(true);
  /** Where the epochs come from (a change starts the reading over). */
  private source = '';
  private result_: RunningMean | null = null;
  private seen = -1;

  /**
   * The running-mean reading of `s` (finite values, steps that never go back: the caller
   * checks), or null when it is not one or its epochs are not known. `epochs`: the index of
   * the run's `epoch` series, updated (see EpochIndex); made here when not given.
   */
  update(run: Run, s: Series, st: DiagnoseSettings, epochs?: EpochIndex | null): RunningMean | null {
    const n = s.length;
    const byStep = run.meta.stepUnit === 'epoch';
    let ep: EpochIndex | undefined;
    if (!byStep) {
      if (epochs === undefined) {
        const e = epochSeries(run);
        if (e) {
          ep = new EpochIndex(e);
          ep.update();
        }
      } else ep = epochs ?? undefined;
      if (ep && !ep.ok) ep = undefined;
    }
    const source = byStep ? 'step' : ep ? 'series' : '';
    const stamp = n + (ep ? ep.steps.length * 4294967296 : 0);
    if (source === this.source && stamp === this.seen) return this.result_;
    if (source !== this.source) {
      this.start = new Side(false);
      this.end = new Side(true);
      this.source = source;
    }
    this.seen = stamp;
    this.result_ = null;
    const minPts = st.runningMeanEpochPoints;
    if (source === '' || n < minPts * st.runningMeanMinEpochs) return null;
    this.scan(s, ep, n, minPts);
    let best: RunningMean | null = null;
    let last: EpochStats | undefined;
    for (const side of [this.start, this.end]) {
      if (side.dead) continue;
      const open = last && last.a === side.a ? last : epochStats(s, side.a, n, minPts);
      last = open;
      const r = side.result(open, n, st.runningMeanMinEpochs);
      // the reading of whole epochs that shows a running mean more clearly
      if (r && (!best || r.jump > best.jump || !(best.jump === best.jump))) best = r;
    }
    if (!best) return null;
    if (!(best.decay >= st.runningMeanDecay && best.jump >= st.runningMeanJump)) return null;
    this.result_ = best;
    return best;
  }

  /** Read the epochs of [from, n), from the start of the oldest open epoch on, closing those
   * that ended (their statistics read once for both readings when they agree). */
  private scan(s: Series, ep: EpochIndex | undefined, n: number, minPts: number): void {
    const A = this.start;
    const B = this.end;
    if (A.dead && B.dead) return;
    const from = Math.min(A.dead ? n : A.a, B.dead ? n : B.a);
    // the epoch in force at a point: the last change of the epoch series at or before its step
    const cs = ep ? ep.steps : [];
    const cv = ep ? ep.values : [];
    const cn = cs.length;
    let c = 0;
    let k = NaN;
    if (ep) {
      const x0 = s.steps.get(from);
      let lo = 0;
      let hi = cn;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cs[mid] <= x0) lo = mid + 1;
        else hi = mid;
      }
      k = cn > 0 ? cv[Math.max(0, lo - 1)] : NaN;
      c = lo;
    }
    let next = c < cn ? cs[c] : Infinity;
    let prevA = NaN;
    let prevB = NaN;
    let last: EpochStats | undefined;
    const closeAt = (side: Side, i: number): void => {
      if (side.ends.n + 1 > (2 * i) / minPts + SHORT_SLACK) {
        side.dead = true;
        return;
      }
      const e = last && last.a === side.a && last.i === i ? last : epochStats(s, side.a, i, minPts);
      last = e;
      side.close(e);
    };
    let i = from;
    for (const part of s.steps.viewsFrom(from)) {
      const len = Math.min(part.length, n - i);
      for (let q = 0; q < len; q++, i++) {
        const x = part[q];
        if (!ep) k = x;
        else if (x >= next) {
          while (c < cn && cs[c] <= x) k = cv[c++];
          next = c < cn ? cs[c] : Infinity;
        }
        const ka = Math.floor(k);
        const kb = ka === k ? k - 1 : ka;
        if (i > from) {
          if (ka !== prevA && i > A.a && !A.dead) closeAt(A, i);
          if (kb !== prevB && i > B.a && !B.dead) closeAt(B, i);
        }
        prevA = ka;
        prevB = kb;
      }
      if (i >= n || (A.dead && B.dead)) break;
    }
  }
}

/** A SeriesState of the points of `s` at `idx` (same name and role), fed. */
export function stateOf(s: Series, idx: number[], st: DiagnoseSettings): SeriesState {
  const d = new Series(s.name, s.role);
  for (const i of idx) {
    const w = s.wallTimes?.get(i);
    const l = s.lines?.get(i);
    d.push(s.steps.get(i), s.values.get(i), w === undefined || w !== w ? undefined : w, l ? l : undefined);
  }
  const state = new SeriesState(d, st, 0, false);
  state.feed();
  return state;
}
