/**
 * Streaming state of a learning-rate series: what the schedule did (warmup, step drops, warm
 * restarts, cycles), a compressed copy of it (knots, one per 5 % change) to look the LR up at
 * a step, and the statistics that recognise an LR range test. O(1) per point.
 */
import type { Series } from '../model';
import { RangeReader } from './reader';
import type { DiagnoseSettings } from './settings';

const MAX_EVENTS = 512;
const MAX_KNOTS = 4096;
const KNOT_LOG = Math.log(1.05);
const CYCLE_LOG = Math.log(1.2);
const EPS = 1e-9;

export interface RangeTest {
  lrStart: number;
  lrEnd: number;
  decades: number;
  r2: number;
}

export class LrState {
  readonly name: string;
  consumed: number;
  /** Feeding stopped at a fresh restart (see SeriesState.splitAt). */
  splitAt = -1;
  count = 0;
  positive = 0;
  firstY = NaN;
  prevY = NaN;
  minY = Infinity;
  maxY = -Infinity;
  firstStep = NaN;
  lastStep = NaN;
  inc = 0;
  dec = 0;
  restarts = 0;
  // regression of log(lr) on the positive-point index
  private sk = 0;
  private skk = 0;
  private sy = 0;
  private syy = 0;
  private sky = 0;
  // warmup: the initial non-decreasing phase
  private initialPhase = true;
  warmupEndIdx = -1;
  warmupEndStep = NaN;
  warmupPeakY = -Infinity;
  // single-step jumps
  readonly jumpsUp: number[] = [];
  readonly drops: number[] = [];
  jumpUpCount = 0;
  dropCount = 0;
  // knots
  readonly knotStep: number[] = [];
  readonly knotLr: number[] = [];
  private knotY = NaN;
  // cycles after warmup
  private dir = 0;
  private extreme = NaN;
  risePhases = 0;

  constructor(
    readonly series: Series,
    private readonly st: DiagnoseSettings,
    readonly startIdx = 0,
    private readonly reader: RangeReader = new RangeReader(),
  ) {
    this.name = series.name;
    this.consumed = startIdx;
  }

  feed(): void {
    if (this.splitAt >= 0) return;
    const s = this.series;
    const n = s.length;
    if (n <= this.consumed) return;
    const rd = this.reader;
    while (this.consumed < n) {
      const from = this.consumed;
      const to = rd.load(s, from, n);
      const vals = rd.vals;
      const steps = rd.steps;
      const off = rd.off;
      for (let i = from; i < to; i++) {
        const step = steps[i - off];
        if (this.count > 1 && step < this.lastStep && step <= this.firstStep + 0.05 * (this.lastStep - this.firstStep)) {
          this.consumed = i;
          this.splitAt = i;
          return;
        }
        this.point(i, step, vals[i - off]);
      }
      this.consumed = to;
    }
  }

  private point(i: number, step: number, x: number): void {
    if (!(x >= 0) || x === Infinity) return;
    if (this.count === 0) this.firstStep = step;
    else if (step < this.lastStep) this.restarts++;
    this.lastStep = step;
    this.count++;
    const y = x > 0 ? Math.log(x) : -Infinity;
    if (x > 0) {
      const k = this.positive++;
      this.sk += k;
      this.skk += k * k;
      this.sy += y;
      this.syy += y * y;
      this.sky += k * y;
      if (y < this.minY) this.minY = y;
      if (y > this.maxY) this.maxY = y;
    }
    const prev = this.prevY;
    if (this.count === 1) {
      this.firstY = y;
    } else {
      const d = y - prev;
      const up = d > EPS || (prev === -Infinity && y > -Infinity);
      const down = d < -EPS || (y === -Infinity && prev > -Infinity);
      if (up) this.inc++;
      else if (down) this.dec++;
      if (this.initialPhase) {
        if (up) {
          this.warmupEndIdx = i;
          this.warmupEndStep = step;
          this.warmupPeakY = y;
        } else if (down) {
          this.initialPhase = false;
          this.extreme = prev;
        }
      }
      if (!this.initialPhase) {
        const f = Math.log(Math.max(1, this.st.lrStepFactor));
        if (d > f || (prev === -Infinity && y > -Infinity)) {
          this.jumpUpCount++;
          if (this.jumpsUp.length < MAX_EVENTS) this.jumpsUp.push(step);
        } else if (d < -f || (y === -Infinity && prev > -Infinity)) {
          this.dropCount++;
          if (this.drops.length < MAX_EVENTS) this.drops.push(step);
        }
        this.cycle(y);
      }
    }
    if (this.knotStep.length === 0 || (this.knotStep.length < MAX_KNOTS && !(Math.abs(y - this.knotY) <= KNOT_LOG))) {
      this.knotStep.push(step);
      this.knotLr.push(x);
      this.knotY = y;
    }
    this.prevY = y;
  }

  private cycle(y: number): void {
    if (this.extreme !== this.extreme) this.extreme = y;
    if (this.dir >= 0) {
      if (y > this.extreme) this.extreme = y;
      else if (y < this.extreme - CYCLE_LOG) {
        this.dir = -1;
        this.extreme = y;
      }
    } else if (y < this.extreme) {
      this.extreme = y;
    } else if (y > this.extreme + CYCLE_LOG) {
      this.dir = 1;
      this.risePhases++;
      this.extreme = y;
    }
  }

  /** The warmup (initial LR rise by at least 2x) ended at this step; NaN when there was none. */
  warmupEnd(): number {
    if (this.warmupEndIdx < 0) return NaN;
    if (this.firstY === -Infinity || this.warmupPeakY - this.firstY >= Math.log(2)) return this.warmupEndStep;
    return NaN;
  }

  /** The LR rises and falls repeatedly (cyclic / warm-restart schedule). */
  isCyclic(): boolean {
    return this.risePhases >= 2;
  }

  /** LR in effect at a step (from the knots, within 5 %). */
  lrAt(step: number): number {
    const ks = this.knotStep;
    for (let j = ks.length - 1; j >= 0; j--) if (ks[j] <= step) return this.knotLr[j];
    return ks.length ? this.knotLr[0] : NaN;
  }

  /** Any single-step LR increase (warm restart) in [from, to]. */
  jumpUpIn(from: number, to: number): boolean {
    for (const s of this.jumpsUp) if (s >= from && s <= to) return true;
    return false;
  }

  /** Any single-step LR drop in [from, to]. */
  dropIn(from: number, to: number): boolean {
    for (const s of this.drops) if (s >= from && s <= to) return true;
    return false;
  }

  /** Recognise an LR range test: log(LR) rising linearly (geometric LR) over the whole series. */
  rangeTest(): RangeTest | null {
    const st = this.st;
    const n = this.positive;
    if (n < st.lrRangeMinPoints || n > st.lrRangeMaxPoints) return null;
    if (this.restarts > 0) return null;
    const decades = (this.maxY - this.minY) / Math.LN10;
    if (!(decades >= st.lrRangeMinDecades)) return null;
    const moves = this.inc + this.dec;
    if (moves < 0.5 * n || this.inc < 0.9 * moves) return null;
    if (this.prevY < this.maxY - Math.log(1.1)) return null;
    const cov = n * this.sky - this.sk * this.sy;
    const vk = n * this.skk - this.sk * this.sk;
    const vy = n * this.syy - this.sy * this.sy;
    if (!(vk > 0 && vy > 0)) return null;
    const r2 = (cov * cov) / (vk * vy);
    if (!(r2 >= st.lrRangeMinR2) || cov <= 0) return null;
    return { lrStart: Math.exp(this.firstY), lrEnd: Math.exp(this.prevY), decades, r2 };
  }
}
