/**
 * Streaming state of one run: a SeriesState per analysed series, an LrState per learning-rate
 * series, and the cross-series join for masked NaN (loss logged as exactly 0 at a step where a
 * gradient norm is NaN). The join is incremental and order-independent, so feeding the run in
 * any chunking gives the same state.
 */
import { promoteErrorLosses, type Run, type Series } from '../model';
import { LrState } from './lrState';
import { RangeReader } from './reader';
import { EpochIndex, epochSeries, RunningMeanTracker, stateOf, type RunningMean } from './runningMean';
import { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';

function pairKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|[^a-z])(train|training|val|valid|validation|eval|evaluation|test|dev)(?=[^a-z]|$)/g, '$1')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const ANALYSED = new Set(['train_loss', 'val_loss', 'loss_part', 'grad_norm', 'train_acc', 'val_acc']);
/**
 * Segments (fresh restarts, all series of the run together) kept per run; beyond this a
 * restart continues the last segment. 64 merged real logs of many runs (120 ablations in one
 * file; a detector with 40 loss terms that restart twice) into one curve; no bound at all cost
 * 2.7 minutes on a log whose step jumps back every other line (200,000 segments), 1.3 s so.
 */
const MAX_SEGMENTS = 1024;

export class RunState {
  /** The current segment of every analysed series. */
  readonly states = new Map<Series, SeriesState>();
  /** Segments closed by a fresh restart (steps back to the start), oldest first. */
  readonly closed: SeriesState[] = [];
  readonly lrs = new Map<Series, LrState>();
  private readonly reader = new RangeReader();
  private promoted = false;
  /** Series judged on their epoch ends (see judging()), by name. */
  readonly runningMeans = new Map<string, RunningMean>();
  /** The index of the run's `epoch` series (see epochIndex()). */
  private epochs: EpochIndex | undefined;
  /** judging()'s reading of each loss series, and the state of its epoch ends. */
  private readonly rm = new Map<Series, { tracker: RunningMeanTracker; read: RunningMean | null; state: SeriesState | null }>();

  constructor(
    readonly run: Run,
    readonly st: DiagnoseSettings,
  ) {}

  /** Consume everything appended to the run's series since the last call. */
  feed(): void {
    // (a regression that logs only an error measure: that measure is its loss)
    if (!this.promoted) this.promoted = promoteErrorLosses(this.run.series.values());
    for (const s of this.run.series.values()) {
      if (s.role === 'lr') {
        let l = this.lrs.get(s);
        if (!l) {
          l = new LrState(s, this.st, 0, this.reader);
          this.lrs.set(s, l);
        }
        l.feed();
        while (l.splitAt >= 0) {
          l = new LrState(s, this.st, l.splitAt, this.reader);
          this.lrs.set(s, l);
          l.feed();
        }
        continue;
      }
      let st = this.states.get(s);
      if (st && st.role !== s.role) {
        // the role was reassigned: start this series over
        this.states.delete(s);
        st = undefined;
      }
      if (!ANALYSED.has(s.role)) continue;
      if (!st) {
        st = new SeriesState(s, this.st, 0, true, this.reader);
        this.states.set(s, st);
      }
      st.feed();
      while (st.splitAt >= 0) {
        const prev: SeriesState = st;
        this.closed.push(prev);
        st = new SeriesState(s, this.st, prev.splitAt, this.closed.length < MAX_SEGMENTS, this.reader);
        st.freshRestart = { idx: prev.splitAt, fromStep: prev.lastStep, toStep: s.steps.get(prev.splitAt) };
        this.states.set(s, st);
        st.feed();
      }
    }
    this.joinMasked();
  }

  private joinMasked(): void {
    const losses: SeriesState[] = [];
    const grads: SeriesState[] = [];
    for (const s of this.states.values()) {
      if (s.zeroSteps) losses.push(s);
      if (s.nanSteps) grads.push(s);
    }
    if (grads.length > 0) {
      for (const l of losses) {
        if (l.freshZeros.length === 0) continue;
        for (const idx of l.freshZeros) {
          const step = l.stepAt(idx);
          for (const g of grads) {
            if (g.nanSteps!.has(step)) {
              l.addMasked(idx, g.name);
              break;
            }
          }
        }
      }
      for (const g of grads) {
        if (g.freshNans.length === 0) continue;
        for (const step of g.freshNans) {
          for (const l of losses) {
            const idx = l.zeroSteps!.get(step);
            if (idx !== undefined) l.addMasked(idx, g.name);
          }
        }
      }
    }
    for (const l of losses) l.freshZeros.length = 0;
    for (const g of grads) g.freshNans.length = 0;
  }

  /**
   * The state the detectors judge: this one, or — where a loss series is a running mean that
   * starts again each epoch (runningMean.ts) — a copy in which that series' state is one of its
   * epoch ends. Only a series read in one piece (no restart or resume, every value valid) is
   * looked at. O(new points) per call (see RunningMeanTracker).
   */
  judging(): RunState {
    let view: RunState | undefined;
    let epochs: EpochIndex | null | undefined;
    for (const [ser, s] of this.states) {
      if (s.role !== 'train_loss' && s.role !== 'val_loss' && s.role !== 'loss_part') continue;
      if (s.freshRestart || s.restartCount > 0 || s.nonFinite > 0 || s.valid !== s.points || s.startIdx !== 0) continue;
      if (this.closed.some(c => c.series === ser)) continue;
      let c = this.rm.get(ser);
      if (!c) {
        c = { tracker: new RunningMeanTracker(), read: null, state: null };
        this.rm.set(ser, c);
      }
      if (epochs === undefined) epochs = this.epochIndex();
      const read = c.tracker.update(this.run, ser, this.st, epochs);
      if (read !== c.read) {
        c.read = read;
        c.state = read ? stateOf(ser, read.ends, this.st) : null;
      }
      if (!c.read || !c.state) continue;
      if (!view) {
        view = new RunState(this.run, this.st);
        for (const [k, v] of this.states) view.states.set(k, v);
        view.closed.push(...this.closed);
        for (const [k, v] of this.lrs) view.lrs.set(k, v);
      }
      view.states.set(ser, c.state);
      view.runningMeans.set(ser.name, c.read);
    }
    return view ?? this;
  }

  /** The run's `epoch` series as an index of its changes, updated; null when it has none. */
  private epochIndex(): EpochIndex | null {
    const e = epochSeries(this.run);
    if (!e) return null;
    if (!this.epochs || this.epochs.series !== e) this.epochs = new EpochIndex(e);
    this.epochs.update();
    return this.epochs;
  }

  /** Every segment of a series (closed ones first, then the current one). */
  segments(s: SeriesState): SeriesState[] {
    const out = this.closed.filter(c => c.series === s.series);
    out.push(s);
    return out;
  }

  /**
   * The segment of a series to judge a whole-run property on (no learning, balance of parts):
   * the current one, unless it has fewer than `minValid` valid points (a log that ends with a
   * short aborted restart); then the one with the most.
   */
  judged(s: SeriesState, minValid: number): SeriesState {
    if (s.valid >= minValid) return s;
    let best = s;
    for (const seg of this.segments(s)) if (seg.valid > best.valid) best = seg;
    return best;
  }

  /** Series states with a role, in the run's series order. */
  byRole(role: string): SeriesState[] {
    const out: SeriesState[] = [];
    for (const s of this.states.values()) if (s.role === role) out.push(s);
    return out;
  }

  /** The learning-rate series with the most points (the schedule). */
  primaryLr(): LrState | undefined {
    let best: LrState | undefined;
    for (const l of this.lrs.values()) if (!best || l.count > best.count) best = l;
    return best && best.count > 0 ? best : undefined;
  }

  /**
   * The training series to compare a validation series with: the training loss or loss term
   * with the same name once train/val words are removed (val/box_loss <-> train/box_loss,
   * eval_loss <-> loss), else the main training loss.
   */
  trainFor(val: SeriesState): SeriesState | undefined {
    const key = pairKey(val.name);
    for (const s of this.states.values()) {
      if ((s.role === 'train_loss' || s.role === 'loss_part') && s.valid > 0 && pairKey(s.name) === key) return s;
    }
    return this.primary('train_loss');
  }

  /** The series of a role with the most valid points. */
  primary(role: string): SeriesState | undefined {
    let best: SeriesState | undefined;
    for (const s of this.states.values()) {
      if (s.role === role && s.valid > 0 && (!best || s.valid > best.valid)) best = s;
    }
    return best;
  }
}
