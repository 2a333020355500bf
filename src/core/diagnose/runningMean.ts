/**
 * A loss logged as a running mean that starts again each epoch (AverageMeter's `(avg)`, a tqdm
 * postfix that averages the epoch so far, YOLO's `mloss`, `average_loss: y`): its first points
 * in an epoch are the means of one or a few batches (noisy, far from where the last epoch
 * ended), and it then settles towards that epoch's mean. Judged point by point it is a
 * sawtooth: each epoch start looks like a spike, and the noise, plateau and convergence rules
 * see the sawtooth instead of the trend.
 *
 * Recognised from the data, once per series at the end (O(points), only for a loss series
 * whose epochs are known): the epoch of a point is its step on an epoch axis (fractional
 * epochs: `Epoch:[ 3 | 19 ] Batch:[ 100 | 2068 ]`), else the run's `epoch` series at its step.
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

/** The run's `epoch` series, when it has one. */
export function epochSeries(run: Run): Series | undefined {
  for (const s of run.series.values()) if (s.role === 'other' && s.length >= 1 && /^epoch$/i.test(s.name)) return s;
  return undefined;
}

function median(a: number[]): number {
  if (a.length === 0) return NaN;
  const t = a.slice().sort((x, y) => x - y);
  const h = t.length >> 1;
  return t.length % 2 ? t[h] : (t[h - 1] + t[h]) / 2;
}

/**
 * The epochs of a series under one reading of whole epochs: a point at a whole epoch e (on a
 * fractional axis, e + i/n) is the start of epoch e (batch 0), or, `atEnd`, the end of epoch
 * e - 1 (batch n of n). With whole epochs only, both readings part the series alike.
 */
class Side {
  /** Start of the open (last) epoch: the points before it are in closed epochs. */
  a = 0;
  readonly ends: number[] = [];
  readonly counts: number[] = [];
  readonly decay: number[] = [];
  readonly jump: number[] = [];
  /** Mean |change| over the last third of the last closed epoch (NaN: too short to tell). */
  prevLate = NaN;

  constructor(readonly atEnd: boolean) {}

  epochOf(x: number): number {
    return this.atEnd ? Math.ceil(x) - 1 : Math.floor(x);
  }

  /** Close the epochs that ended in [a, n) (keys: the epochs of the points from `from`). */
  advance(vals: Series['values'], keys: Float64Array, from: number, n: number, minPts: number): void {
    for (let i = this.a + 1; i < n; i++) {
      if (this.epochOf(keys[i - from]) === this.epochOf(keys[i - 1 - from])) continue;
      this.close(vals, i, minPts, true);
    }
  }

  /** The statistics of the epoch [a, i); kept (and the epoch closed) when `keep`. */
  close(vals: Series['values'], i: number, minPts: number, keep: boolean): { decay: number; jump: number } {
    const a = this.a;
    const m = i - a;
    let decay = NaN;
    let jump = NaN;
    let late = NaN;
    if (m >= minPts) {
      const e1 = Math.floor(m / 3);
      const l0 = Math.ceil((2 * m) / 3);
      let es = 0;
      let ls = 0;
      for (let j = 1; j < m; j++) {
        const d = Math.abs(vals.get(a + j) - vals.get(a + j - 1));
        if (j <= e1) es += d;
        if (j >= l0) ls += d;
      }
      const early = es / e1;
      late = ls / (m - l0);
      if (early > 0 || late > 0) decay = late > 0 ? early / late : Infinity;
      const prev = this.prevLate;
      if (a > 0 && prev === prev) {
        const d = Math.abs(vals.get(a) - vals.get(a - 1));
        if (d > 0 || prev > 0) jump = prev > 0 ? d / prev : Infinity;
      }
    }
    if (keep) {
      this.ends.push(i - 1);
      this.counts.push(m);
      if (decay === decay) this.decay.push(decay);
      if (jump === jump) this.jump.push(jump);
      this.prevLate = late;
      this.a = i;
    }
    return { decay, jump };
  }

  /** The reading of the series [0, n): closed epochs and the open one. */
  result(vals: Series['values'], n: number, minPts: number): RunningMean | null {
    const open = this.close(vals, n, minPts, false);
    const decay = open.decay === open.decay ? [...this.decay, open.decay] : this.decay;
    const jump = open.jump === open.jump ? [...this.jump, open.jump] : this.jump;
    if (decay.length === 0) return null;
    const ends = [...this.ends, n - 1];
    const counts = [...this.counts, n - this.a];
    // Judged: the end of each epoch that holds at least half as many points as the median
    // epoch (an epoch logged once or twice, or cut short at the end, is not its mean).
    const half = median(counts) / 2;
    const kept = ends.filter((_, k) => counts[k] >= half);
    return { ends: kept, epochs: decay.length, decay: median(decay), jump: median(jump) };
  }
}

/**
 * Reads a series as a running mean, incrementally: each call looks at the points appended
 * since the last one and at the epoch still open (O(new points + that epoch)), and closed
 * epochs are never read again, so a live run costs what a batch run does.
 */
export class RunningMeanTracker {
  private readonly sides = [new Side(false), new Side(true)];
  /** Where the epochs come from (a change starts the reading over). */
  private source = '';
  private result_: RunningMean | null = null;
  private seen = -1;

  /**
   * The running-mean reading of `s` (finite values, steps that never go back: the caller
   * checks), or null when it is not one or its epochs are not known. `epochs`: the run's
   * `epoch` series when already looked up (see epochSeries()), null when not.
   */
  update(run: Run, s: Series, st: DiagnoseSettings, epochs: Series | undefined | null = null): RunningMean | null {
    const n = s.length;
    const ep = run.meta.stepUnit === 'epoch' ? undefined : epochs === null ? epochSeries(run) : epochs;
    const source = run.meta.stepUnit === 'epoch' ? 'step' : ep ? 'series' : '';
    const stamp = n + (ep ? ep.length * 4294967296 : 0);
    if (source === this.source && stamp === this.seen) return this.result_;
    if (source !== this.source) {
      this.sides[0] = new Side(false);
      this.sides[1] = new Side(true);
      this.source = source;
    }
    this.seen = stamp;
    this.result_ = null;
    if (source === '' || n < st.runningMeanEpochPoints * st.runningMeanMinEpochs) return null;
    const minPts = st.runningMeanEpochPoints;
    const from = Math.min(this.sides[0].a, this.sides[1].a);
    const keys = keysOf(s, ep, from, n);
    let best: RunningMean | null = null;
    for (const side of this.sides) {
      side.advance(s.values, keys, from, n, minPts);
      const r = side.result(s.values, n, minPts);
      // the reading of whole epochs that shows a running mean more clearly
      if (r && r.jump === r.jump && (!best || !(best.jump === best.jump) || r.jump > best.jump)) best = r;
      else if (!best) best = r;
    }
    if (!best || best.epochs < st.runningMeanMinEpochs) return null;
    if (!(best.decay >= st.runningMeanDecay && best.jump >= st.runningMeanJump)) return null;
    this.result_ = best;
    return best;
  }
}

/** The epoch (as written, maybe fractional) of the points [from, n) of a series. */
function keysOf(s: Series, ep: Series | undefined, from: number, n: number): Float64Array {
  const out = new Float64Array(n - from);
  if (!ep) {
    for (let i = from; i < n; i++) out[i - from] = s.steps.get(i);
    return out;
  }
  // the epoch in force at a point: the last `epoch` value written at or before its step
  const ks = ep.steps;
  const kn = ep.length;
  const x0 = s.steps.get(from);
  let lo = 0;
  let hi = kn;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ks.get(mid) <= x0) lo = mid + 1;
    else hi = mid;
  }
  let j = lo - 1;
  for (let i = from; i < n; i++) {
    const x = s.steps.get(i);
    while (j + 1 < kn && ks.get(j + 1) <= x) j++;
    out[i - from] = ep.values.get(j >= 0 ? j : 0);
  }
  return out;
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
