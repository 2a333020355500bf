/**
 * Streaming per-series state. Every detector reads from this state, and the state is built by
 * feeding points one by one, so the batch engine (feed everything, then read) and the live
 * engine (feed what was appended, then read) are the same code: equal by construction.
 *
 * The series state keeps the series' own bookkeeping (O(1) amortised per point): non-finite and
 * non-positive values, restarts (steps going back), exact zeros and NaN steps (masked NaN, joined
 * across series by RunState), the log / linear mode, the initial values, running extrema and the
 * rounding quantum. The rest is done by trackers that live beside the detectors that read them,
 * each with its per-point update, its loop over a run of points, and read-only getters:
 *  - blocks (BlockTracker, blocks.ts): the coarse block summaries of the trend detectors, and the
 *    second differences;
 *  - localNoise (NoiseTracker, noise.ts): the local noise level, from those second differences;
 *  - spikes (SpikeTracker, spike.ts): loss and gradient-norm spikes;
 *  - level (LevelTracker, divergence.ts): the smoothed level and its best (divergence);
 *  - earlyStop (EarlyStopTracker, earlyStop.ts): the seed's early-stopping monitor.
 *
 * A fresh restart (steps jumping back to the start) ends the segment: the run state then starts
 * a new SeriesState for the same series (see RunState). A resume (a smaller jump back) continues.
 *
 * point() is the reference for one point. Runs of ordinary points (valid values, steps going
 * forward) take the fast path, run(): each tracker's own loop over the run (the same arithmetic
 * in the same order as its per-point update), done part by part over up to LOG_BLOCK points at a
 * time, so the state does not depend on how the points were chunked.
 */
import { Series, type Role } from '../model';
import { BlockTracker } from './blocks';
import { LevelTracker } from './divergence';
import { EarlyStopTracker } from './earlyStop';
import { LOG_BLOCK, NoiseTracker } from './noise';
import { resolveSettings, type DiagnoseSettings } from './settings';
import { RangeReader } from './reader';
import { SpikeTracker } from './spike';
import { medianInPlace } from './stats';

export const MODE_UNDECIDED = 0;
export const MODE_LOG = 1;
export const MODE_LINEAR = 2;

export interface RestartRecord {
  idx: number;
  fromStep: number;
  toStep: number;
}

const TAIL = 32;
const INIT_POINTS = 5;
const MAX_RESTARTS_KEPT = 1000;
const MAX_ZERO_STEPS = 100_000;
/** The logs of a block of points, taken in one go (shared: a block is consumed before the next). */
const LOGS = new Float64Array(LOG_BLOCK);

function isLossRole(r: Role): boolean {
  return r === 'train_loss' || r === 'val_loss' || r === 'loss_part';
}

export class SeriesState {
  readonly name: string;
  readonly role: Role;
  private consumed_: number;
  private splitAt_ = -1;
  /** For a segment that began at a fresh restart: the step before and after the jump. */
  freshRestart: RestartRecord | undefined;
  private mode = MODE_UNDECIDED;

  // ---- trackers ----
  /** Coarse block summaries (every analysed series). */
  readonly blocks: BlockTracker;
  /** Local noise level (every analysed series). */
  readonly localNoise: NoiseTracker;
  /** Spikes: losses and gradient norms. */
  readonly spikes: SpikeTracker | undefined;
  /** Smoothed level (divergence): training losses, loss terms and gradient norms. */
  readonly level: LevelTracker | undefined;
  /** Early-stopping monitor: validation losses. */
  readonly earlyStop: EarlyStopTracker | undefined;

  // ---- counts ----
  private valid_ = 0;
  private nonFinite_ = 0;
  private firstBadIdx_ = -1;
  private firstBadValue_ = NaN;
  private lastBadIdx_ = -1;
  /** The last point was non-finite (the next valid one goes through point()). */
  private inBad = false;
  private firstStep_ = NaN;
  private lastStep_ = NaN;
  private lastValidIdx_ = -1;

  // ---- restarts (steps going backwards inside this series) ----
  private readonly restarts_: RestartRecord[] = [];
  private restartCount_ = 0;

  // ---- exact zeros (masked NaN detection), by step ----
  readonly zeroSteps: Map<number, number> | undefined;
  /** Steps at which the value was NaN (gradient norms, for masked NaN detection). */
  readonly nanSteps: Set<number> | undefined;
  /** Zeros / NaN steps seen since the run state last joined them (cleared by RunState). */
  readonly freshZeros: number[] = [];
  readonly freshNans: number[] = [];
  /** Masked NaN: loss exactly 0 at a step where a gradient norm is NaN. */
  private maskedCount_ = 0;
  private maskedFirstIdx_ = -1;
  private maskedGrad_ = '';
  private readonly maskedIdx = new Set<number>();

  // ---- initial values ----
  private readonly init = new Float64Array(INIT_POINTS);
  private initN = 0;

  // ---- running extrema (y units) ----
  private minY_ = Infinity;
  private minIdx_ = -1;
  private maxY_ = -Infinity;
  private maxIdx_ = -1;

  // ---- quantisation: smallest non-zero step between consecutive values (raw units) ----
  private quantum = Infinity;
  private xPrev = NaN;

  // ---- the window of points being fed (RangeReader): values, steps, index of [0] ----
  private vv: Float64Array = new Float64Array(0);
  private sv: Float64Array = new Float64Array(0);
  private vOff = 0;
  /** Series index of LOGS[0] (the block being fed). */
  private lgOff = 0;

  constructor(
    readonly series: Series,
    st: DiagnoseSettings,
    /** First series index of this segment (0, or the index of a fresh restart). */
    readonly startIdx = 0,
    /** Whether a fresh restart may end this segment (false once too many segments exist). */
    private readonly allowSplit = true,
    /** Shared reader of new points (one per run state). */
    private readonly reader: RangeReader = new RangeReader(),
  ) {
    this.consumed_ = startIdx;
    this.name = series.name;
    this.role = series.role;
    const r = this.role;
    const isGrad = r === 'grad_norm';
    this.localNoise = new NoiseTracker(st.noiseWindow, st.noiseFloor);
    this.blocks = new BlockTracker(series, st, startIdx, this.localNoise.window);
    this.spikes = isLossRole(r) || isGrad ? new SpikeTracker(st, isGrad, startIdx) : undefined;
    this.level = r === 'train_loss' || r === 'loss_part' || isGrad ? new LevelTracker(st) : undefined;
    this.earlyStop = r === 'val_loss' ? new EarlyStopTracker(st) : undefined;
    if (r === 'train_acc' || r === 'val_acc' || r === 'other') this.setMode(MODE_LINEAR);
    if (isLossRole(r)) this.zeroSteps = new Map();
    if (isGrad) this.nanSteps = new Set();
  }

  /** The mode is decided (at the first valid point, or by the role): the trackers follow. */
  private setMode(mode: number): void {
    this.mode = mode;
    const isLog = mode === MODE_LOG;
    this.localNoise.isLog = isLog;
    this.blocks.isLog = isLog;
    if (this.spikes) this.spikes.isLog = isLog;
    if (this.level) this.level.isLog = isLog;
  }

  /**
   * Consume the points appended since the last call. O(new points) amortised. Stops at a fresh
   * restart (the step jumps back to within 5 % of this segment's start): `splitAt` then tells
   * where the next segment begins. A resume (a smaller jump back) continues the segment.
   */
  feed(): void {
    if (this.splitAt_ >= 0) return;
    const s = this.series;
    const n = s.length;
    if (n <= this.consumed_) return;
    const allowSplit = this.allowSplit;
    const rd = this.reader;
    while (this.consumed_ < n) {
      const from = this.consumed_;
      const to = rd.load(s, from, n);
      // point() reads the window through fields: passing doubles as arguments would box them
      this.vv = rd.vals;
      this.sv = rd.steps;
      this.vOff = rd.off;
      const steps = this.sv;
      const off = this.vOff;
      const vals = this.vv;
      for (let a = from; a < to; a += LOG_BLOCK) {
        const b = Math.min(to, a + LOG_BLOCK);
        // the logs of a block in a loop of their own (the main loop then makes no call)
        if (this.mode !== MODE_LINEAR) logBlock(vals, a - off, b - a);
        this.lgOff = a;
        let i = a;
        while (i < b) {
          // the common points in a tight loop; the others (a segment's first point, steps
          // going back, non-finite or non-positive values, zeros) one by one through point()
          i = this.run(i, b);
          if (i >= b) break;
          const step = steps[i - off];
          if (step < this.lastStep_ && allowSplit && i > this.startIdx + 1) {
            if (step <= this.firstStep_ + 0.05 * (this.lastStep_ - this.firstStep_)) {
              this.consumed_ = i;
              this.splitAt_ = i;
              return;
            }
          }
          this.point(i);
          i++;
        }
      }
      this.consumed_ = to;
    }
  }

  /** Points in this segment. */
  get points(): number {
    return this.consumed_ - this.startIdx;
  }

  /** Value of y (log or raw) back in raw units. */
  raw(y: number): number {
    return this.mode === MODE_LOG ? Math.exp(y) : y;
  }

  get isLog(): boolean {
    return this.mode === MODE_LOG;
  }

  // ---- read-only state for the run state and the detectors ----

  /** Index of the next point to consume (global series index). */
  get consumed(): number {
    return this.consumed_;
  }
  /**
   * Set when feeding stopped at a fresh restart (steps jumped back to the start of this
   * segment): the index where the next segment begins. -1 otherwise.
   */
  get splitAt(): number {
    return this.splitAt_;
  }
  /** Valid points (finite; positive in log mode). */
  get valid(): number {
    return this.valid_;
  }
  /** Non-finite values, the first (its index and value) and the last. */
  get nonFinite(): number {
    return this.nonFinite_;
  }
  get firstBadIdx(): number {
    return this.firstBadIdx_;
  }
  get firstBadValue(): number {
    return this.firstBadValue_;
  }
  get lastBadIdx(): number {
    return this.lastBadIdx_;
  }
  /** Steps of the segment's first and last points. */
  get firstStep(): number {
    return this.firstStep_;
  }
  get lastStep(): number {
    return this.lastStep_;
  }
  /** Last valid point, -1 before. */
  get lastValidIdx(): number {
    return this.lastValidIdx_;
  }
  /** Resumes (steps going back, not to the start), the first MAX_RESTARTS_KEPT. */
  get restarts(): readonly RestartRecord[] {
    return this.restarts_;
  }
  /** Resumes, all of them. */
  get restartCount(): number {
    return this.restartCount_;
  }
  /** Masked NaN (see addMasked): count, first point, and the gradient series that showed it. */
  get maskedCount(): number {
    return this.maskedCount_;
  }
  get maskedFirstIdx(): number {
    return this.maskedFirstIdx_;
  }
  get maskedGrad(): string {
    return this.maskedGrad_;
  }
  /** Running extrema (y units) and their first points. */
  get minY(): number {
    return this.minY_;
  }
  get minIdx(): number {
    return this.minIdx_;
  }
  get maxY(): number {
    return this.maxY_;
  }
  get maxIdx(): number {
    return this.maxIdx_;
  }

  /**
   * point() for a run of common points, from `from` up to `to`: a decided mode, steps not going
   * back, valid values (finite; positive in log mode; non-zero where zeros are recorded), not the
   * segment's first point, no non-finite run to close. Returns the index of the first point not
   * consumed (`to`, or an uncommon point for point()).
   *
   * The parts of point() that do not depend on each other run as separate loops over the run:
   * blockPass() (steps, quantum and extrema; the blocks with their second differences; the noise
   * levels, which record the points where they change: EV_* in noise.ts), then the early-stop
   * monitor, the spike detector and the smoothed level, each over the whole run with the noise
   * levels in effect at each point. The logs were taken beforehand (LOGS, see feed()).
   */
  private run(from: number, to: number): number {
    const mode = this.mode;
    if (mode === MODE_UNDECIDED || this.inBad || from === this.startIdx) return from;
    const isLog = mode === MODE_LOG;
    const ys = isLog ? LOGS : this.vv;
    const yOff = isLog ? this.lgOff : this.vOff;
    const quantum0 = this.quantum;
    const xPrev0 = this.xPrev;
    const noise = this.localNoise;
    const spikeSigma0 = noise.spikeSigma;
    const sigma0 = noise.sigma;
    const e = this.blockPass(from, to, ys, yOff);
    if (e === from) return from;
    if (this.earlyStop) this.earlyStop.run(this.vv, this.vOff, from, e);
    this.valid_ += e - from;
    this.lastValidIdx_ = e - 1;
    let initN = this.initN;
    for (let i = from; initN < INIT_POINTS && i < e; i++) this.init[initN++] = ys[i - yOff];
    this.initN = initN;
    const nev = noise.events;
    if (this.spikes) this.spikes.run(from, e, ys, yOff, this.vv, this.vOff, nev, spikeSigma0, quantum0, xPrev0);
    if (this.level) this.level.run(from, e, ys, yOff, nev, sigma0);
    return e;
  }

  /**
   * From `from` up to `to` while the points are common (see run()), a piece of the current
   * block at a time: steps, quantum and extrema (scanPiece), the block and its second
   * differences, the noise samples, completing blocks on the way. Returns the end of the common
   * points; the noise tracker recorded the points where its levels changed (EV_*).
   */
  private blockPass(from: number, to: number, ys: Float64Array, yOff: number): number {
    const blocks = this.blocks;
    const noise = this.localNoise;
    noise.beginRun();
    let p = from;
    let e = to;
    while (p < e) {
      // the piece of the current block: [p, q)
      const last = blocks.lastIdx;
      let q = last < e ? last + 1 : e;
      const i = this.scanPiece(p, q, ys, yOff);
      if (i < q) e = q = i;
      if (q === p) break;
      const ns = blocks.piece(p, q, ys, yOff);
      if (ns > 0) noise.samples(ns);
      if (q === last + 1) blocks.complete(last, this.sv[last - this.vOff], noise.takeWindowMean());
      p = q;
    }
    return e;
  }

  // In the loop below, numbers from fields, arguments and module constants are taken into
  // locals once with + (doubles) or | 0 (indices and counts), and the loop makes no calls: the
  // compiler then keeps its state in registers.

  /**
   * Common points of [p, q), from p on (see run()): steps, quantum and extrema (the first index
   * of a minimum / maximum, as point-by-point strict comparisons give) into the series and the
   * block. Returns the end of the common points.
   */
  private scanPiece(p: number, q: number, ys: Float64Array, yOff: number): number {
    const vals = this.vv;
    const steps = this.sv;
    const off = this.vOff | 0;
    const yo = yOff | 0;
    const end = q | 0;
    const isLog = this.mode === MODE_LOG;
    const zeroMap = this.zeroSteps !== undefined;
    let lastStep = +this.lastStep_;
    let quantum = +this.quantum;
    let xPrev = +this.xPrev;
    let pMin = Infinity;
    let pMinIdx = -1;
    let pMax = -Infinity;
    let pMaxIdx = -1;
    let i = p | 0;
    for (; i < end; i++) {
      const step = steps[i - off];
      if (step < lastStep) break;
      const x = vals[i - off];
      if (isLog ? !(x > 0 && x < Infinity) : !(x - x === 0) || (x === 0 && zeroMap)) break;
      lastStep = step;
      // |x - xPrev|, the same double as point()'s (x > xPrev ? x - xPrev : xPrev - x)
      const dx = Math.abs(x - xPrev);
      if (dx > 0 && dx < quantum) quantum = dx;
      xPrev = x;
      const y = ys[i - yo];
      if (y < pMin) {
        pMin = y;
        pMinIdx = i;
      }
      if (y > pMax) {
        pMax = y;
        pMaxIdx = i;
      }
    }
    this.lastStep_ = lastStep;
    this.quantum = quantum;
    this.xPrev = xPrev;
    if (pMin < this.minY_) {
      this.minY_ = pMin;
      this.minIdx_ = pMinIdx;
    }
    if (pMax > this.maxY_) {
      this.maxY_ = pMax;
      this.maxIdx_ = pMaxIdx;
    }
    this.blocks.extrema(pMin, pMinIdx, pMax, i - p);
    return i;
  }

  private point(i: number): void {
    const step = this.sv[i - this.vOff];
    const x = this.vv[i - this.vOff];
    if (i === this.startIdx) {
      this.firstStep_ = step;
    } else if (step < this.lastStep_) {
      this.restartCount_++;
      if (this.restarts_.length < MAX_RESTARTS_KEPT) {
        this.restarts_.push({ idx: i, fromStep: this.lastStep_, toStep: step });
      }
      // a resumed run: an excursion in progress cannot "recover" across the jump
      if (this.spikes) this.spikes.restart(i);
    }
    this.lastStep_ = step;

    let valid = true;
    if (x !== x || x === Infinity || x === -Infinity) {
      this.nonFinite_++;
      if (this.firstBadIdx_ < 0) {
        this.firstBadIdx_ = i;
        this.firstBadValue_ = x;
      }
      this.lastBadIdx_ = i;
      this.inBad = true;
      if (x !== x && this.nanSteps && this.nanSteps.size < MAX_ZERO_STEPS && !this.nanSteps.has(step)) {
        this.nanSteps.add(step);
        this.freshNans.push(step);
      }
      valid = false;
    } else {
      this.inBad = false;
      if (x === 0 && this.zeroSteps && this.zeroSteps.size < MAX_ZERO_STEPS && !this.zeroSteps.has(step)) {
        this.zeroSteps.set(step, i);
        this.freshZeros.push(i);
      }
      if (this.mode === MODE_UNDECIDED && x !== 0) this.setMode(x > 0 ? MODE_LOG : MODE_LINEAR);
      if (this.mode !== MODE_LINEAR && x <= 0) valid = false;
    }
    if (this.earlyStop) this.earlyStop.update(i, x);

    const blocks = this.blocks;
    const noise = this.localNoise;
    if (!valid) {
      blocks.gap();
      if (blocks.full(i)) blocks.complete(i, step, noise.takeWindowMean());
      return;
    }
    const y = this.mode === MODE_LOG ? Math.log(x) : x;
    const dx = x > this.xPrev ? x - this.xPrev : this.xPrev - x;
    if (dx > 0 && dx < this.quantum) this.quantum = dx;
    this.xPrev = x;
    this.valid_++;
    this.lastValidIdx_ = i;
    if (this.initN < INIT_POINTS) this.init[this.initN++] = y;
    if (y < this.minY_) {
      this.minY_ = y;
      this.minIdx_ = i;
    }
    if (y > this.maxY_) {
      this.maxY_ = y;
      this.maxIdx_ = i;
    }
    const d = blocks.point(i, y);
    if (d >= 0) noise.sample(d);
    if (this.spikes) this.spikes.update(i, y, noise.spikeSigma, x, this.quantum);
    if (this.level) this.level.update(i, y, noise.sigma);
    if (blocks.full(i)) blocks.complete(i, step, noise.takeWindowMean());
  }

  // ------------------------------------------------------------------------------------------
  // Read-only helpers for detectors (bounded work). The coarse summaries are blocks'.

  /** Step of a point index. */
  stepAt(idx: number): number {
    return idx >= 0 && idx < this.series.length ? this.series.steps.get(idx) : NaN;
  }

  /** 1-based source line of a point, when known. */
  lineAt(idx: number): number | undefined {
    const l = this.series.lines;
    if (!l || idx < 0 || idx >= l.length) return undefined;
    const v = l.get(idx);
    return v > 0 ? v : undefined;
  }

  /** Median of the initial valid values (y units). */
  initialLevel(): number {
    if (this.initN === 0) return NaN;
    const t = this.init.slice(0, this.initN);
    return medianInPlace(t, this.initN);
  }

  /**
   * The last k valid values of this segment in order, oldest first (y units), k <= 32. Read
   * from the series at the end (bounded: at most 8k points are looked at).
   */
  tailValues(k = TAIL): { y: Float64Array } {
    const out: number[] = [];
    const vals = this.series.values;
    const stop = Math.max(this.startIdx, this.lastValidIdx_ - 8 * k);
    for (let i = this.lastValidIdx_; i >= stop && out.length < k; i--) {
      const x = vals.get(i);
      if (!(x === x && x !== Infinity && x !== -Infinity)) continue;
      if (this.mode === MODE_LOG) {
        if (x > 0) out.push(Math.log(x));
      } else out.push(x);
    }
    out.reverse();
    return { y: Float64Array.from(out) };
  }

  /** Median of the last k valid values (y units), k <= 32. */
  tailMedian(k = TAIL): number {
    const t = this.tailValues(k).y;
    return medianInPlace(t, t.length);
  }

  /** Whether the series ends on a non-finite value (ignores trailing non-positive in log mode). */
  endsNonFinite(): boolean {
    return this.lastBadIdx_ >= 0 && this.lastBadIdx_ > this.lastValidIdx_;
  }

  /** Record a masked NaN at point idx (idempotent). */
  addMasked(idx: number, grad: string): void {
    if (this.maskedIdx.has(idx)) return;
    this.maskedIdx.add(idx);
    this.maskedCount_++;
    if (this.maskedFirstIdx_ < 0 || idx < this.maskedFirstIdx_) {
      this.maskedFirstIdx_ = idx;
      this.maskedGrad_ = grad;
    }
  }
}

/** LOGS[0, n) = log(vals[from, from + n)). */
function logBlock(vals: Float64Array, from: number, n: number): void {
  const lg = LOGS;
  const at = from | 0;
  const len = n | 0;
  for (let j = 0; j < len; j++) lg[j] = Math.log(vals[at + j]);
}

/**
 * One SeriesState (and its trackers) for the life of the module. V8 drops the hidden classes of
 * a class whose instances are all gone (at a garbage collection), and with them the compiled
 * code of every method: without this, between two diagnoses everything would be compiled again,
 * and the next diagnosis would start in the interpreter. (Fields whose representation would
 * change on the way are doubles from the start for the same reason, see SpikeTracker.pPeakY.)
 */
const keepCompiled: SeriesState[] = [];
keepCompiled.push(new SeriesState(new Series('', 'train_loss'), resolveSettings({})));
