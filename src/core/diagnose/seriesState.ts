/**
 * Streaming per-series state. Every detector reads from this state, and the state is built by
 * feeding points one by one, so the batch engine (feed everything, then read) and the live
 * engine (feed what was appended, then read) are the same code: equal by construction.
 *
 * Per point (O(1) amortised): non-finite bookkeeping, log transform, a local robust noise level
 * over fixed windows, a spike detector with a clipped moving average, a smoothed level with its
 * running minimum (divergence), the seed's early-stopping monitor, running extrema, and a block
 * summariser: the series is cut into blocks whose size doubles whenever `coarsePoints` blocks
 * are complete, so there are always at most `coarsePoints` robust block medians ("coarse points")
 * for the trend detectors, whatever the length of the series. Blocks of more than 1024 points
 * take their median over an even subsample of 1024.
 *
 * A fresh restart (steps jumping back to the start) ends the segment: the run state then starts
 * a new SeriesState for the same series (see RunState). A resume (a smaller jump back) continues.
 *
 * point() is the reference for one point. Runs of ordinary points (valid values, steps going
 * forward) take the fast path, run(): the same arithmetic in the same order, done part by part
 * over up to LOG_BLOCK points at a time in tight loops, so the state does not depend on how
 * the points were chunked.
 */
import { Series, type Role } from '../model';
import { resolveSettings, type DiagnoseSettings } from './settings';
import { RangeReader } from './reader';
import { D2_TO_SIGMA, MEDIAN_SD_FACTOR, medianInPlace } from './stats';

export const MODE_UNDECIDED = 0;
export const MODE_LOG = 1;
export const MODE_LINEAR = 2;

/** A confirmed, recovered spike (indices into the series). */
export interface SpikeRecord {
  start: number;
  peak: number;
  end: number;
  /** Peak height above the pre-spike level, in log units (or raw units in linear mode). */
  height: number;
  /** Height in noise units. */
  z: number;
  /** Pre-spike local level (y units). */
  base: number;
  /** Threshold in noise units in effect at the start (spikeZ, the Gaussian maximum, the tail). */
  thresholdZ: number;
}

export interface RestartRecord {
  idx: number;
  fromStep: number;
  toStep: number;
}

const TAIL = 32;
const NOISE_RING = 9;
/** The recent noise is recomputed every this many sampled |d2| (every 32 points). */
const RECENT_REFRESH = 16;
/** Histogram of upward deviations from the local level, in noise units: bin width and count. */
const TAIL_BIN = 0.25;
const TAIL_BINS = 96;
/** Quantile of the upward deviations that measures the series' own tail. */
const TAIL_Q = 0.995;
/** Deviations recorded before the tail guard applies. */
const TAIL_MIN_POINTS = 128;
const INIT_POINTS = 5;
const MAX_SPIKES_KEPT = 1000;
const MAX_RESTARTS_KEPT = 1000;
const MAX_ZERO_STEPS = 100_000;
/**
 * Block medians of larger blocks are taken over an evenly strided subsample of at most this many
 * points (the median of 1024 points is within about 4 % of a noise sd of the full median).
 */
const MAX_BLOCK_SAMPLE = 1024;
/** Points whose logs are taken in one go (LOGS, shared: a block is consumed before the next). */
const LOG_BLOCK = 4096;
const LOGS = new Float64Array(LOG_BLOCK);
/** Points of a run (at most LOG_BLOCK) where the noise levels changed, and their new values. */
const EV_IDX = new Int32Array(LOG_BLOCK);
const EV_SPIKE = new Float64Array(LOG_BLOCK);
const EV_THR = new Float64Array(LOG_BLOCK);
/** The noise samples (every second |d2|) of a piece of a block, and their points. */
const SAMPLE = new Float64Array(LOG_BLOCK);
const SAMPLE_IDX = new Int32Array(LOG_BLOCK);
/** The pair of a compare-exchange in sort16. */
const CE = new Float64Array(2);

function isLossRole(r: Role): boolean {
  return r === 'train_loss' || r === 'val_loss' || r === 'loss_part';
}

export class SeriesState {
  readonly name: string;
  readonly role: Role;
  /** Index of the next point to consume (global series index). */
  consumed: number;
  /**
   * Set when feeding stopped at a fresh restart (steps jumped back to the start of this
   * segment): the index where the next segment begins. -1 otherwise.
   */
  splitAt = -1;
  /** For a segment that began at a fresh restart: the step before and after the jump. */
  freshRestart: RestartRecord | undefined;
  mode = MODE_UNDECIDED;

  // ---- counts ----
  valid = 0;
  nonFinite = 0;
  nonPositive = 0;
  firstBadIdx = -1;
  firstBadValue = NaN;
  lastBadIdx = -1;
  /** Non-finite values that were followed by a finite one (isolated). */
  badRuns = 0;
  private inBad = false;
  firstStep = NaN;
  lastStep = NaN;
  lastValidIdx = -1;

  // ---- restarts (steps going backwards inside this series) ----
  restarts: RestartRecord[] = [];
  restartCount = 0;
  lastRestartIdx = -1e15;

  // ---- exact zeros (masked NaN detection), by step ----
  zeroSteps: Map<number, number> | undefined;
  /** Steps at which the value was NaN (gradient norms, for masked NaN detection). */
  nanSteps: Set<number> | undefined;
  /** Zeros / NaN steps seen since the run state last joined them (cleared by RunState). */
  freshZeros: number[] = [];
  freshNans: number[] = [];
  /** Masked NaN: loss exactly 0 at a step where a gradient norm is NaN. */
  maskedCount = 0;
  maskedFirstIdx = -1;
  maskedGrad = '';
  readonly maskedIdx = new Set<number>();

  // ---- initial values ----
  readonly init = new Float64Array(INIT_POINTS);
  initN = 0;

  // ---- running extrema (y units) ----
  minY = Infinity;
  minIdx = -1;
  maxY = -Infinity;
  maxIdx = -1;

  // ---- tail ring of valid points ----

  // ---- d2 chain and local noise ----
  private y1 = NaN;
  private y2 = NaN;
  private readonly nwBuf: Float64Array;
  private nwPos = 0;
  /** Every second |d2| enters the noise window (halves the selection work). */
  private nwSkip = 0;
  private readonly nwRing = new Float64Array(NOISE_RING);
  /** The values of nwRing[0, nwRingN), sorted. */
  private readonly nwSorted = new Float64Array(NOISE_RING);
  private nwRingN = 0;
  private nwRingPos = 0;
  /** Local noise level (log units), NaN until the first window is complete. */
  sigma = NaN;
  /**
   * Recent noise: the median of the last `noiseWindow` sampled |d2| (a sliding window, refreshed
   * every RECENT_REFRESH samples). The window medians above lag by several windows; when the
   * noise grows (a loss falling fast has a growing relative, log-space noise), only this keeps
   * up with it.
   */
  recentSigma = NaN;
  /** Noise scale of the spike detector: max(sigma, recentSigma); NaN until sigma exists. */
  spikeSigma = NaN;
  private readonly rcBuf: Float64Array;
  private readonly rcTmp: Float64Array;
  private rcN = 0;
  private rcPos = 0;
  private rcSince = 0;
  /** The default window (2 * RECENT_REFRESH): the median comes from two sorted halves. */
  private readonly halves: boolean;
  /** Sorted copies of the two halves of rcBuf (same positions). */
  private readonly rcSorted: Float64Array;
  /** Points of the run in progress where the noise levels changed (EV_*). */
  private nev = 0;
  /** spikeLevelPass: the next event, the noise scale and the divergence threshold in effect. */
  private lpEv = 0;
  private lpSig = NaN;
  private lpThr = NaN;
  /** Median of the recent window at the last refresh (|d2| units). */
  private rcMed = NaN;

  // ---- quantisation: smallest non-zero step between consecutive values (raw units) ----
  quantum = Infinity;
  private xPrev = NaN;

  // ---- spike detector ----
  private readonly spikesOn: boolean;
  private readonly spikeZ: number;
  private readonly spikeMinH: number;
  private readonly tailFactor: number;
  /**
   * Upward deviations from the local level in noise units, (y - level) / noise, one per point
   * outside spikes (negative ones in bin 0): the series' own tail, so that blips which are
   * common in this series (heavy-tailed minibatch noise) are not called spikes.
   */
  private readonly tailHist = new Float64Array(TAIL_BINS + 1);
  private tailN = 0;
  private readonly alphaBase: number;
  private readonly clipZ: number;
  private readonly recoverZ: number;
  private readonly recoveryPoints: number;
  private readonly guard: number;
  private base = NaN;
  private pending = false;
  private pStart = 0;
  private pPeak = 0;
  // (doubles from the start: a field that changes representation (an integer first, a double
  // later) changes the object's hidden class, and the compiled code of the engine is thrown
  // away and compiled again; the same for yNow and cNwSum)
  private pPeakY = NaN;
  private pBase = NaN;
  private pSigma = NaN;
  private pThr = NaN;
  private pLen = 0;
  spikes: SpikeRecord[] = [];
  spikeCount = 0;
  /** Upward excursions that did not recover within the recovery window. */
  shiftCount = 0;
  lastShiftIdx = -1;

  // ---- smoothed level (divergence) ----
  private readonly levelOn: boolean;
  private readonly alphaLvl: number;
  private readonly emaNoise: number;
  private readonly divZ: number;
  private readonly divMinLog: number;
  private readonly floor: number;
  level = NaN;
  bestLevel = Infinity;
  bestLevelIdx = -1;
  /** Last index at which the smoothed level was within half the divergence threshold of its best. */
  lastNearIdx = -1;
  /** Divergence threshold (y units) at the last point. */
  divThreshold = NaN;

  // ---- early stopping (seed LossMonitor) ----
  private readonly esOn: boolean;
  esBest = Infinity;
  esBestIdx = -1;
  esWait = 0;
  esStopped = false;
  esStopIdx = -1;
  esBestAtStop = NaN;
  esBestIdxAtStop = -1;
  esBeatenAfterStop = false;
  esEvals = 0;

  // ---- blocks ----
  readonly maxBlocks: number;
  blockSize = 1;
  nb = 0;
  readonly bMed: Float64Array;
  readonly bD2: Float64Array;
  readonly bMin: Float64Array;
  readonly bMinIdx: Float64Array;
  readonly bMax: Float64Array;
  readonly bStartIdx: Float64Array;
  readonly bEndIdx: Float64Array;
  readonly bStartStep: Float64Array;
  readonly bEndStep: Float64Array;
  readonly bTurn: Float64Array;
  readonly bTrip: Float64Array;
  readonly bCount: Float64Array;
  private curStart = 0;
  private vv: Float64Array = new Float64Array(0);
  private yNow = NaN;
  private vOff = 0;
  /** Series index of LOGS[0] (the block being fed). */
  private lgOff = 0;
  private sv: Float64Array = new Float64Array(0);
  private yBuf: Float64Array;
  private dBuf: Float64Array;
  /** Valid values seen in the current block, values kept in yBuf (every `stride`-th one). */
  private cN = 0;
  private cKept = 0;
  private stride = 1;
  /** Valid values until the next one is kept in yBuf. */
  private strideLeft = 1;
  private cD = 0;
  /** Noise-window medians completed during the current block (used when blocks are large). */
  /** (-0 is +0 in sums, but a double from the start, see pPeakY) */
  private cNwSum = -0;
  private cNwN = 0;
  private cTurn = 0;
  private cTrip = 0;
  private cMin = Infinity;
  private cMinIdx = -1;
  private cMax = -Infinity;

  constructor(
    readonly series: Series,
    private readonly st: DiagnoseSettings,
    /** First series index of this segment (0, or the index of a fresh restart). */
    readonly startIdx = 0,
    /** Whether a fresh restart may end this segment (false once too many segments exist). */
    private readonly allowSplit = true,
    /** Shared reader of new points (one per run state). */
    private readonly reader: RangeReader = new RangeReader(),
  ) {
    this.consumed = startIdx;
    this.name = series.name;
    this.role = series.role;
    const r = this.role;
    if (r === 'train_acc' || r === 'val_acc' || r === 'other') this.mode = MODE_LINEAR;
    this.nwBuf = new Float64Array(Math.max(4, st.noiseWindow | 0));
    this.rcBuf = new Float64Array(this.nwBuf.length);
    this.rcTmp = new Float64Array(this.nwBuf.length);
    // (halves of 16: see sort16)
    this.halves = this.rcBuf.length === 2 * RECENT_REFRESH && RECENT_REFRESH === 16;
    this.rcSorted = new Float64Array(this.halves ? this.rcBuf.length : 0);
    const isGrad = r === 'grad_norm';
    this.spikesOn = isLossRole(r) || isGrad;
    this.spikeZ = isGrad ? st.gradSpikeZ : st.spikeZ;
    this.spikeMinH = Math.log(Math.max(1, isGrad ? st.gradSpikeMinRatio : st.spikeMinRatio));
    this.tailFactor = st.spikeTailFactor;
    this.alphaBase = 2 / (Math.max(1, st.spikeBaselineSpan) + 1);
    this.clipZ = st.spikeBaselineClip;
    this.recoverZ = st.spikeRecoverZ;
    this.recoveryPoints = st.spikeRecoveryPoints;
    this.guard = st.scheduleGuardPoints;
    this.divZ = st.divergenceNoiseZ;
    this.divMinLog = Math.log(Math.max(1, st.divergenceMinRatio));
    this.floor = st.noiseFloor;
    this.levelOn = r === 'train_loss' || r === 'loss_part' || isGrad;
    this.alphaLvl = 2 / (Math.max(1, st.divergenceSpan) + 1);
    this.emaNoise = Math.sqrt(this.alphaLvl / (2 - this.alphaLvl));
    this.esOn = r === 'val_loss';
    if (isLossRole(r)) this.zeroSteps = new Map();
    if (isGrad) this.nanSteps = new Set();
    let mb = Math.max(16, st.coarsePoints | 0);
    if (mb % 2 === 1) mb++;
    this.maxBlocks = mb;
    this.bMed = new Float64Array(mb);
    this.bD2 = new Float64Array(mb);
    this.bMin = new Float64Array(mb);
    this.bMinIdx = new Float64Array(mb);
    this.bMax = new Float64Array(mb);
    this.bStartIdx = new Float64Array(mb);
    this.bEndIdx = new Float64Array(mb);
    this.bStartStep = new Float64Array(mb);
    this.bEndStep = new Float64Array(mb);
    this.bTurn = new Float64Array(mb);
    this.bTrip = new Float64Array(mb);
    this.bCount = new Float64Array(mb);
    this.yBuf = new Float64Array(4);
    this.dBuf = new Float64Array(4);
  }

  /**
   * Consume the points appended since the last call. O(new points) amortised. Stops at a fresh
   * restart (the step jumps back to within 5 % of this segment's start): `splitAt` then tells
   * where the next segment begins. A resume (a smaller jump back) continues the segment.
   */
  feed(): void {
    if (this.splitAt >= 0) return;
    const s = this.series;
    const n = s.length;
    if (n <= this.consumed) return;
    const allowSplit = this.allowSplit;
    const rd = this.reader;
    while (this.consumed < n) {
      const from = this.consumed;
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
          if (step < this.lastStep && allowSplit && i > this.startIdx + 1) {
            if (step <= this.firstStep + 0.05 * (this.lastStep - this.firstStep)) {
              this.consumed = i;
              this.splitAt = i;
              return;
            }
          }
          this.point(i);
          i++;
        }
      }
      this.consumed = to;
    }
  }

  /** Points in this segment. */
  get points(): number {
    return this.consumed - this.startIdx;
  }

  /** Value of y (log or raw) back in raw units. */
  raw(y: number): number {
    return this.mode === MODE_LOG ? Math.exp(y) : y;
  }

  get isLog(): boolean {
    return this.mode === MODE_LOG;
  }

  /**
   * point() for a run of common points, from `from` up to `to`: a decided mode, steps not going
   * back, valid values (finite; positive in log mode; non-zero where zeros are recorded), not the
   * segment's first point, no non-finite run to close. Returns the index of the first point not
   * consumed (`to`, or an uncommon point for point()).
   *
   * The parts of point() that do not depend on each other run as separate tight loops over the
   * run, each with its state in locals written back once: steps, quantum and extrema; second
   * differences and the noise samples, then the noise levels (which record the points where they
   * change); the spike detector with the smoothed level. The logs were taken beforehand (LOGS,
   * see feed()). Exactly the arithmetic of point(), in the same order within each part, so the
   * state is the same whichever path a point takes (the batch / live equality holds as before).
   */
  private run(from: number, to: number): number {
    const mode = this.mode;
    if (mode === MODE_UNDECIDED || this.inBad || from === this.startIdx) return from;
    const isLog = mode === MODE_LOG;
    const ys = isLog ? LOGS : this.vv;
    const yOff = isLog ? this.lgOff : this.vOff;
    const quantum0 = this.quantum;
    const xPrev0 = this.xPrev;
    const spikeSigma0 = this.spikeSigma;
    const thr0 = this.levelOn ? this.divThresholdOf(this.sigma) : NaN;
    const e = this.blockPass(from, to, ys, yOff);
    if (e === from) return from;
    if (this.esOn) for (let i = from; i < e; i++) this.earlyStop(i);
    this.valid += e - from;
    this.lastValidIdx = e - 1;
    let initN = this.initN;
    for (let i = from; initN < INIT_POINTS && i < e; i++) this.init[initN++] = ys[i - yOff];
    this.initN = initN;
    if (this.spikesOn || this.levelOn) this.spikeLevelPass(from, e, ys, yOff, spikeSigma0, quantum0, xPrev0, thr0);
    return e;
  }

  /**
   * From `from` up to `to` while the points are common (see run()): steps, quantum, extrema,
   * block statistics and buffers, second differences and the noise levels, completing blocks
   * on the way. Records in EV_* every point where the noise levels changed (their count in
   * `nev`), for spikeLevelPass. Returns the end of the common points.
   */
  private blockPass(from: number, to: number, ys: Float64Array, yOff: number): number {
    const nwL = this.nwBuf.length;
    this.nev = 0;
    let p = from;
    let e = to;
    while (p < e) {
      // the piece of the current block: [p, q)
      const last = this.curStart + this.blockSize - 1;
      let q = last < e ? last + 1 : e;
      const i = this.scanPiece(p, q, ys, yOff);
      if (i < q) e = q = i;
      if (q === p) break;

      // block buffer: every `stride`-th valid value
      const stride = this.stride;
      let k = p + this.strideLeft - 1;
      if (k < q) {
        let cKept = this.cKept;
        const need = cKept + Math.ceil((q - k) / stride);
        while (this.yBuf.length < need) this.yBuf = grow(this.yBuf);
        const yBuf = this.yBuf;
        for (; k < q; k += stride) yBuf[cKept++] = ys[k - yOff];
        this.cKept = cKept;
      }
      this.strideLeft = k - q + 1;

      const keepD = this.blockSize <= nwL;
      if (keepD) while (this.dBuf.length < this.cD + (q - p)) this.dBuf = grow(this.dBuf);
      const ns = this.d2Piece(p, q, ys, yOff, keepD);
      if (ns > 0) this.samples(ns);
      if (q === last + 1) this.completeBlock(last);
      p = q;
    }
    return e;
  }

  // In the loops below, numbers from fields, arguments and module constants are taken into
  // locals once with + (doubles) or | 0 (indices and counts), and the loops make no calls: the
  // compiler then keeps their state in registers.

  /**
   * Common points of [p, q), from p on (see run()): steps, quantum and extrema (the first index
   * of a minimum / maximum, as point-by-point strict comparisons give) into the block and the
   * series. Returns the end of the common points.
   */
  private scanPiece(p: number, q: number, ys: Float64Array, yOff: number): number {
    const vals = this.vv;
    const steps = this.sv;
    const off = this.vOff | 0;
    const yo = yOff | 0;
    const end = q | 0;
    const isLog = this.mode === MODE_LOG;
    const zeroMap = this.zeroSteps !== undefined;
    let lastStep = +this.lastStep;
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
    this.lastStep = lastStep;
    this.quantum = quantum;
    this.xPrev = xPrev;
    if (pMin < this.minY) {
      this.minY = pMin;
      this.minIdx = pMinIdx;
    }
    if (pMax > this.maxY) {
      this.maxY = pMax;
      this.maxIdx = pMaxIdx;
    }
    if (pMin < this.cMin) {
      this.cMin = pMin;
      this.cMinIdx = pMinIdx;
    }
    if (pMax > this.cMax) this.cMax = pMax;
    this.cN += i - p;
    return i;
  }

  /**
   * Second differences and turning points of the common points [p, q) (|d2| kept in dBuf when
   * keepD); every second |d2| is a noise sample, put in SAMPLE (its point in SAMPLE_IDX).
   * Returns the number of samples.
   */
  private d2Piece(p: number, q: number, ys: Float64Array, yOff: number, keepD: boolean): number {
    const yo = yOff | 0;
    const end = q | 0;
    const dBuf = this.dBuf;
    const sample = SAMPLE;
    const sampleIdx = SAMPLE_IDX;
    let y1 = +this.y1;
    let y2 = +this.y2;
    let nwSkip = this.nwSkip | 0;
    let cD = this.cD | 0;
    let cTrip = this.cTrip | 0;
    let cTurn = this.cTurn | 0;
    let ns = 0;
    for (let j = p | 0; j < end; j++) {
      const y = ys[j - yo];
      if (y2 === y2 && y1 === y1) {
        const d = Math.abs(y - 2 * y1 + y2);
        if (keepD) dBuf[cD++] = d;
        // as point(), without branches (noise makes them unpredictable): a triple of distinct
        // neighbours, and a turning point when y1 is above both or below both
        const trip = +(y1 !== y2) & +(y1 !== y);
        cTrip += trip;
        cTurn += trip & (+(y1 > y2) ^ +(y1 < y));
        if ((nwSkip ^= 1) === 1) {
          sample[ns] = d;
          sampleIdx[ns++] = j;
        }
      }
      y2 = y1;
      y1 = y;
    }
    this.y1 = y1;
    this.y2 = y2;
    this.nwSkip = nwSkip;
    this.cD = cD;
    this.cTrip = cTrip;
    this.cTurn = cTurn;
    return ns;
  }

  /**
   * The noise samples SAMPLE[0, ns) (at points SAMPLE_IDX): recentSample(d) then the noise
   * window, as point() does. Appends the points where the noise levels changed to EV_*.
   */
  private samples(ns: number): void {
    if (this.halves) {
      this.sampleHalves(ns);
      return;
    }
    const nwBuf = this.nwBuf;
    const nwL = nwBuf.length;
    const rcBuf = this.rcBuf;
    const rcL = rcBuf.length;
    let nwPos = this.nwPos;
    let rcPos = this.rcPos;
    let rcN = this.rcN;
    let rcSince = this.rcSince;
    let nev = this.nev;
    for (let k = 0; k < ns; k++) {
      const d = SAMPLE[k];
      rcBuf[rcPos] = d;
      rcPos = rcPos + 1 === rcL ? 0 : rcPos + 1;
      if (rcN < rcL) rcN++;
      let changed = false;
      if (++rcSince >= RECENT_REFRESH && rcN >= rcL >> 1) {
        rcSince = 0;
        this.rcN = rcN;
        this.rcPos = rcPos;
        this.refreshRecent();
        changed = true;
      }
      nwBuf[nwPos++] = d;
      if (nwPos === nwL) {
        this.nwPos = nwPos;
        this.rcSince = rcSince;
        this.noiseWindowDone();
        nwPos = this.nwPos;
        changed = true;
      }
      if (changed) {
        EV_IDX[nev] = SAMPLE_IDX[k];
        EV_SPIKE[nev] = this.spikeSigma;
        EV_THR[nev] = this.divThresholdOf(this.sigma);
        nev++;
      }
    }
    this.nwPos = nwPos;
    this.rcPos = rcPos;
    this.rcN = rcN;
    this.rcSince = rcSince;
    this.nev = nev;
  }

  /**
   * samples() with the default window (two halves of RECENT_REFRESH samples, see
   * refreshRecent()). Counting samples from the segment's start, the refreshes fall on the
   * samples that complete a half and the noise windows on those that complete the window (rcPos
   * and nwPos are the count modulo the window, rcSince modulo the half): the samples go into
   * the window a half at most at a time, then the refresh (and the noise window). nwBuf is not
   * used: the noise window's median is the refresh's.
   */
  private sampleHalves(ns: number): void {
    const rcBuf = this.rcBuf;
    const L = rcBuf.length | 0;
    const half = RECENT_REFRESH | 0;
    const sample = SAMPLE;
    const n = ns | 0;
    let nev = this.nev | 0;
    for (let k = 0; k < n; ) {
      const rcSince = this.rcSince | 0;
      const take = Math.min(n - k, half - rcSince);
      const rcPos = this.rcPos | 0;
      for (let j = 0; j < take; j++) rcBuf[rcPos + j] = sample[k + j];
      k += take;
      this.rcPos = rcPos + take === L ? 0 : rcPos + take;
      this.rcN = Math.min(L, this.rcN + take);
      this.nwPos += take;
      if (rcSince + take < half) {
        this.rcSince = rcSince + take;
        continue;
      }
      this.rcSince = 0;
      this.refreshRecent();
      if (this.nwPos === L) this.noiseWindowDone();
      EV_IDX[nev] = SAMPLE_IDX[k - 1];
      EV_SPIKE[nev] = this.spikeSigma;
      EV_THR[nev] = this.divThresholdOf(this.sigma);
      nev++;
    }
    this.nev = nev;
  }

  /**
   * The spike detector and the smoothed level over common points [from, e), with the noise
   * scale and the threshold in effect at each point (from the events of blockPass). The common
   * case in a loop of its own; spike() sees the state it would see point by point (the noise
   * scale and the quantum at that point).
   */
  private spikeLevelPass(
    from: number,
    e: number,
    ys: Float64Array,
    yOff: number,
    spikeSigma0: number,
    quantum0: number,
    xPrev0: number,
    thr0: number,
  ): void {
    const spikesOn = this.spikesOn;
    const spikeSigmaEnd = this.spikeSigma;
    const quantumEnd = this.quantum;
    this.lpSig = spikeSigma0;
    this.lpThr = thr0;
    this.lpEv = 0;
    // the quantum at a point, for spike(): advanced on demand
    let qPos = from;
    let quantum = quantum0;
    let xPrev = xPrev0;
    let i = from;
    while (i < e) {
      if (!spikesOn || (!this.pending && this.base === this.base)) {
        i = this.spikeLevelRun(i, e, ys, yOff);
        if (i >= e) break;
      } else if (this.lpEv < this.nev && EV_IDX[this.lpEv] === i) {
        this.lpSig = EV_SPIKE[this.lpEv];
        this.lpThr = EV_THR[this.lpEv++];
      }
      // a trigger, a spike in progress or no local level yet: spike() at point i
      const y = ys[i - yOff];
      const vals = this.vv;
      const off = this.vOff;
      for (; qPos <= i; qPos++) {
        const x = vals[qPos - off];
        const dx = Math.abs(x - xPrev);
        if (dx > 0 && dx < quantum) quantum = dx;
        xPrev = x;
      }
      this.quantum = quantum;
      this.spikeSigma = this.lpSig;
      this.yNow = y;
      this.spike(i);
      if (this.levelOn) {
        let level = this.level;
        level = level === level ? level + this.alphaLvl * (y - level) : y;
        this.level = level;
        if (level < this.bestLevel) {
          this.bestLevel = level;
          this.bestLevelIdx = i;
        }
        if (level <= this.bestLevel + this.lpThr / 2) this.lastNearIdx = i;
      }
      i++;
    }
    if (spikesOn) {
      this.spikeSigma = spikeSigmaEnd;
      this.quantum = quantumEnd;
    }
    if (this.levelOn) this.divThreshold = this.lpThr;
  }

  /**
   * The common case of spikeLevelPass from `from` on: no spike in progress, no trigger. Returns
   * where it stopped: `end`, or a point for spike() (its event already taken).
   */
  private spikeLevelRun(from: number, end: number, ys: Float64Array, yOff: number): number {
    const spikesOn = this.spikesOn;
    const levelOn = this.levelOn;
    const tailHist = this.tailHist;
    const evIdx = EV_IDX;
    const evSpike = EV_SPIKE;
    const evThr = EV_THR;
    const yo = yOff | 0;
    const e = end | 0;
    const nev = this.nev | 0;
    const alphaBase = +this.alphaBase;
    const spikeZ = +this.spikeZ;
    const clipZ = +this.clipZ;
    const alphaLvl = +this.alphaLvl;
    // z / TAIL_BIN === z * perBin exactly: TAIL_BIN is a power of two
    const perBin = +(1 / TAIL_BIN);
    const lastBin = TAIL_BINS | 0;
    const zMax = +(2 * TAIL_BINS);
    let sig = +this.lpSig;
    let zSig = spikeZ * sig;
    let capSig = clipZ * sig;
    let thr = +this.lpThr;
    let halfThr = thr / 2;
    let ev = this.lpEv | 0;
    let nextEv = ev < nev ? evIdx[ev] : -1;
    let base = +this.base;
    let tailN = this.tailN;
    let level = +this.level;
    let bestLevel = +this.bestLevel;
    let bestLevelIdx = this.bestLevelIdx | 0;
    let lastNearIdx = this.lastNearIdx | 0;
    let i = from | 0;
    for (; i < e; i++) {
      if (i === nextEv) {
        sig = evSpike[ev];
        zSig = spikeZ * sig;
        capSig = clipZ * sig;
        thr = evThr[ev++];
        halfThr = thr / 2;
        nextEv = ev < nev ? evIdx[ev] : -1;
      }
      const y = ys[i - yo];
      if (spikesOn) {
        const delta = y - base;
        if (sig === sig) {
          if (!(delta <= zSig)) break;
          // tailRecord(delta / sig) without the unpredictable branch on the sign: the bin
          // truncated to an integer (floor for positive values; the rare far ones clamped first
          // so that the truncation is exact), negative ones to bin 0 by a mask
          let zb = (delta / sig) * perBin;
          if (zb < -1e9) zb = -1;
          else if (zb > zMax) zb = zMax;
          let b = zb | 0;
          b &= ~(b >> 31);
          tailHist[b > lastBin ? lastBin : b]++;
          tailN++;
          base = base + alphaBase * (delta > capSig ? capSig : delta);
        } else {
          base = base + alphaBase * delta;
        }
      }
      if (levelOn) {
        level = level === level ? level + alphaLvl * (y - level) : y;
        if (level < bestLevel) {
          bestLevel = level;
          bestLevelIdx = i;
        }
        if (level <= bestLevel + halfThr) lastNearIdx = i;
      }
    }
    this.lpSig = sig;
    this.lpThr = thr;
    this.lpEv = ev;
    this.base = base;
    this.tailN = tailN;
    this.level = level;
    this.bestLevel = bestLevel;
    this.bestLevelIdx = bestLevelIdx;
    this.lastNearIdx = lastNearIdx;
    return i;
  }

  /** Divergence threshold (y units) for a local noise level. */
  private divThresholdOf(sig: number): number {
    let thr = this.divZ * (sig === sig ? sig : this.floor) * this.emaNoise;
    if (thr < this.divMinLog && this.mode === MODE_LOG) thr = this.divMinLog;
    return thr;
  }

  private point(i: number): void {
    const step = this.sv[i - this.vOff];
    const x = this.vv[i - this.vOff];
    if (i === this.startIdx) {
      this.firstStep = step;
      this.curStart = i;
    } else if (step < this.lastStep) {
      this.restartCount++;
      if (this.restarts.length < MAX_RESTARTS_KEPT) {
        this.restarts.push({ idx: i, fromStep: this.lastStep, toStep: step });
      }
      this.lastRestartIdx = i;
      // a resumed run: an excursion in progress cannot "recover" across the jump
      if (this.pending) {
        this.pending = false;
        this.base = NaN;
      }
    }
    this.lastStep = step;

    let valid = true;
    if (x !== x || x === Infinity || x === -Infinity) {
      this.nonFinite++;
      if (this.firstBadIdx < 0) {
        this.firstBadIdx = i;
        this.firstBadValue = x;
      }
      this.lastBadIdx = i;
      this.inBad = true;
      if (x !== x && this.nanSteps && this.nanSteps.size < MAX_ZERO_STEPS && !this.nanSteps.has(step)) {
        this.nanSteps.add(step);
        this.freshNans.push(step);
      }
      valid = false;
    } else {
      if (this.inBad) {
        this.badRuns++;
        this.inBad = false;
      }
      if (x === 0 && this.zeroSteps && this.zeroSteps.size < MAX_ZERO_STEPS && !this.zeroSteps.has(step)) {
        this.zeroSteps.set(step, i);
        this.freshZeros.push(i);
      }
      if (this.mode === MODE_UNDECIDED && x !== 0) this.mode = x > 0 ? MODE_LOG : MODE_LINEAR;
      if (this.mode !== MODE_LINEAR && x <= 0) {
        this.nonPositive++;
        valid = false;
      }
    }
    if (this.esOn) this.earlyStop(i);

    if (!valid) {
      this.y1 = NaN;
      this.y2 = NaN;
      if (i + 1 - this.curStart >= this.blockSize) this.completeBlock(i);
      return;
    }
    const y = this.mode === MODE_LOG ? Math.log(x) : x;
    const dx = x > this.xPrev ? x - this.xPrev : this.xPrev - x;
    if (dx > 0 && dx < this.quantum) this.quantum = dx;
    this.xPrev = x;
    this.valid++;
    this.lastValidIdx = i;
    if (this.initN < INIT_POINTS) this.init[this.initN++] = y;
    if (y < this.minY) {
      this.minY = y;
      this.minIdx = i;
    }
    if (y > this.maxY) {
      this.maxY = y;
      this.maxIdx = i;
    }

    // block buffers (strided subsample for large blocks)
    if (--this.strideLeft === 0) {
      this.strideLeft = this.stride;
      if (this.cKept === this.yBuf.length) this.yBuf = grow(this.yBuf);
      this.yBuf[this.cKept++] = y;
    }
    this.cN++;
    if (y < this.cMin) {
      this.cMin = y;
      this.cMinIdx = i;
    }
    if (y > this.cMax) this.cMax = y;

    // second differences, turning points, local noise
    const y1 = this.y1;
    const y2 = this.y2;
    if (y2 === y2 && y1 === y1) {
      const d = Math.abs(y - 2 * y1 + y2);
      if (this.blockSize <= this.nwBuf.length) {
        if (this.cD === this.dBuf.length) this.dBuf = grow(this.dBuf);
        this.dBuf[this.cD++] = d;
      }
      if (y1 !== y2 && y1 !== y) {
        this.cTrip++;
        if ((y1 > y2 && y1 > y) || (y1 < y2 && y1 < y)) this.cTurn++;
      }
      if ((this.nwSkip ^= 1) === 1) {
        // the recent noise first: a noise window completes on a refresh of the recent noise
        // (with the default window) and then takes its median from it; the state after both is
        // the same in either order (spikeSigma is recomputed from both)
        this.recentSample(d);
        this.nwBuf[this.nwPos++] = d;
        if (this.nwPos === this.nwBuf.length) this.noiseWindowDone();
      }
    }
    this.y2 = y1;
    this.y1 = y;

    // y goes to the helpers through a field: double arguments would be boxed per call
    this.yNow = y;
    if (this.spikesOn) {
      // common case inline: no spike in progress, no trigger -> update the clipped local level
      const base = this.base;
      const sig = this.spikeSigma;
      if (!this.pending && base === base && (sig !== sig || y - base <= this.spikeZ * sig)) {
        const cap = this.clipZ * sig;
        const delta = y - base;
        if (sig === sig) this.tailRecord(delta / sig);
        this.base = base + this.alphaBase * (sig === sig && delta > cap ? cap : delta);
      } else {
        this.spike(i);
      }
    }
    if (this.levelOn) {
      let level = this.level;
      level = level === level ? level + this.alphaLvl * (y - level) : y;
      this.level = level;
      const thr = this.divThresholdOf(this.sigma);
      this.divThreshold = thr;
      if (level < this.bestLevel) {
        this.bestLevel = level;
        this.bestLevelIdx = i;
      }
      if (level <= this.bestLevel + thr / 2) this.lastNearIdx = i;
    }
    if (i + 1 - this.curStart >= this.blockSize) this.completeBlock(i);
  }

  private noiseWindowDone(): void {
    // With the default window the noise window is the window of the recent noise refreshed at
    // this very sample (the same 32 samples): its median is already known.
    const m = this.halves && this.rcSince === 0 ? this.rcMed : medianInPlace(this.nwBuf, this.nwPos);
    this.nwPos = 0;
    this.cNwSum += m;
    this.cNwN++;
    // the ring of window medians, also kept sorted (nwSorted): its median without a selection
    const srt = this.nwSorted;
    let n = this.nwRingN;
    if (n === NOISE_RING) {
      // the median leaving the ring
      const old = this.nwRing[this.nwRingPos];
      let r = 0;
      while (r < n && srt[r] !== old) r++;
      if (r === n) {
        // (cannot happen: the ring and its sorted copy hold the same values)
        srt.set(this.nwRing);
        srt.sort();
        r = 0;
        while (r < n && srt[r] !== old) r++;
      }
      for (; r < n - 1; r++) srt[r] = srt[r + 1];
      n--;
    }
    let j = n - 1;
    while (j >= 0 && srt[j] > m) {
      srt[j + 1] = srt[j];
      j--;
    }
    srt[j + 1] = m;
    n++;
    this.nwRing[this.nwRingPos] = m;
    this.nwRingPos = (this.nwRingPos + 1) % NOISE_RING;
    this.nwRingN = n;
    // as medianInPlace: the middle one, or the mean of the two middle ones
    const k = (n - 1) >>> 1;
    const med = n % 2 === 1 ? srt[k] : (srt[k] + srt[k + 1]) / 2;
    this.sigma = this.floorSigma(med * D2_TO_SIGMA);
    this.updateSpikeSigma();
  }

  private recentSample(d: number): void {
    const L = this.rcBuf.length;
    this.rcBuf[this.rcPos] = d;
    this.rcPos = this.rcPos + 1 === L ? 0 : this.rcPos + 1;
    if (this.rcN < L) this.rcN++;
    if (++this.rcSince < RECENT_REFRESH || this.rcN < L >> 1) return;
    this.rcSince = 0;
    this.refreshRecent();
  }

  private refreshRecent(): void {
    const L = this.rcBuf.length;
    const rcPos = this.rcPos;
    let m: number;
    if (this.halves && (rcPos === 0 || rcPos === RECENT_REFRESH) && (this.rcN === L || this.rcN === RECENT_REFRESH)) {
      // The window is two halves of RECENT_REFRESH samples, refreshed each time a half is
      // complete (always so with the default window, see sampleHalves): sort the half just
      // completed (the other one was sorted at the last refresh), then the median of the two
      // sorted halves: the same order statistics as medianInPlace over the window.
      const h = rcPos === 0 ? RECENT_REFRESH : 0;
      const srt = this.rcSorted;
      sort16(this.rcBuf, h, srt, h);
      m =
        this.rcN === L
          ? medianOfHalves(srt, 0, RECENT_REFRESH)
          : (srt[h + (RECENT_REFRESH >> 1) - 1] + srt[h + (RECENT_REFRESH >> 1)]) / 2;
    } else {
      this.rcTmp.set(this.rcBuf);
      m = medianInPlace(this.rcTmp, this.rcN);
    }
    this.rcMed = m;
    this.recentSigma = this.floorSigma(m * D2_TO_SIGMA);
    this.updateSpikeSigma();
  }

  private updateSpikeSigma(): void {
    const s = this.sigma;
    const r = this.recentSigma;
    this.spikeSigma = s !== s ? NaN : r === r && r > s ? r : s;
  }

  private floorSigma(s: number): number {
    if (this.mode === MODE_LOG) return Math.max(s, this.floor);
    return s > 0 ? s : Number.MIN_VALUE;
  }

  private spike(i: number): void {
    const y = this.yNow;
    if (this.base !== this.base) {
      this.base = y;
      return;
    }
    const sig = this.spikeSigma;
    if (!this.pending) {
      if (sig === sig && i - this.lastRestartIdx >= this.guard) {
        const dev = y - this.base;
        if (
          dev > this.spikeZ * sig &&
          (this.mode !== MODE_LOG || dev > this.spikeMinH) &&
          // long series: at least the expected maximum of Gaussian noise over the points so far
          dev > (Math.sqrt(2 * Math.log(Math.max(2, i - this.startIdx))) + 1) * sig &&
          // heavy-tailed series: well beyond the deviations that are common in this series
          dev > this.tailFactor * this.tailQuantile() * sig &&
          // rounded logs (e.g. 4 decimals): a jump of a few quanta is rounding, not a spike
          this.vv[i - this.vOff] - this.raw(this.base) > 3 * this.quantum
        ) {
          this.pending = true;
          this.pStart = i;
          this.pPeak = i;
          this.pPeakY = y;
          this.pBase = this.base;
          this.pSigma = sig;
          this.pThr = Math.max(
            this.spikeZ,
            Math.sqrt(2 * Math.log(Math.max(2, i - this.startIdx))) + 1,
            this.tailFactor * this.tailQuantile(),
          );
          this.pLen = 1;
          return;
        }
      }
      let delta = y - this.base;
      if (sig === sig) {
        this.tailRecord(delta / sig);
        const cap = this.clipZ * sig;
        if (delta > cap) delta = cap;
      }
      this.base += this.alphaBase * delta;
      return;
    }
    this.pLen++;
    if (y > this.pPeakY) {
      this.pPeakY = y;
      this.pPeak = i;
    }
    if (y - this.pBase <= this.recoverZ * this.pSigma) {
      this.spikeCount++;
      if (this.spikes.length < MAX_SPIKES_KEPT) {
        const h = this.pPeakY - this.pBase;
        this.spikes.push({ start: this.pStart, peak: this.pPeak, end: i, height: h, z: h / this.pSigma, base: this.pBase, thresholdZ: this.pThr });
      }
      this.pending = false;
      this.base = this.pBase + this.alphaBase * (y - this.pBase);
    } else if (this.pLen > this.recoveryPoints) {
      this.pending = false;
      this.shiftCount++;
      this.lastShiftIdx = this.pStart;
      this.base = y;
    }
  }

  private tailRecord(z: number): void {
    const b = z > 0 ? Math.min(TAIL_BINS, Math.floor(z / TAIL_BIN)) : 0;
    this.tailHist[b]++;
    this.tailN++;
  }

  /**
   * The TAIL_Q quantile of the recorded upward deviations (noise units; the upper edge of its
   * bin), 0 until TAIL_MIN_POINTS were recorded. O(TAIL_BINS), only called at a candidate spike.
   */
  tailQuantile(): number {
    if (this.tailN < TAIL_MIN_POINTS) return 0;
    const need = Math.ceil(TAIL_Q * this.tailN);
    let c = 0;
    for (let b = 0; b <= TAIL_BINS; b++) {
      c += this.tailHist[b];
      if (c >= need) return (b + 1) * TAIL_BIN;
    }
    return (TAIL_BINS + 1) * TAIL_BIN;
  }

  private earlyStop(i: number): void {
    const x = this.vv[i - this.vOff];
    this.esEvals++;
    const st = this.st;
    const finite = x === x && x !== Infinity && x !== -Infinity;
    if (!this.esStopped) {
      if (finite && improves(x, this.esBest, st)) {
        this.esBest = x;
        this.esBestIdx = i;
        this.esWait = 0;
      } else {
        this.esWait++;
      }
      if (this.esWait >= st.earlyStopPatience) {
        this.esStopped = true;
        this.esStopIdx = i;
        this.esBestAtStop = this.esBest;
        this.esBestIdxAtStop = this.esBestIdx;
      }
    } else if (finite && !this.esBeatenAfterStop && improves(x, this.esBestAtStop, st)) {
      this.esBeatenAfterStop = true;
    }
  }

  private completeBlock(i: number): void {
    const step = this.sv[i - this.vOff];
    const k = this.nb;
    this.bMed[k] = this.cKept > 0 ? medianInPlace(this.yBuf, this.cKept) : NaN;
    // small blocks: median |d2| of the block; large ones: mean of the noise-window medians
    this.bD2[k] = this.cD > 0 ? medianInPlace(this.dBuf, this.cD) : this.cNwN > 0 ? this.cNwSum / this.cNwN : NaN;
    this.bMin[k] = this.cN > 0 ? this.cMin : NaN;
    this.bMinIdx[k] = this.cMinIdx;
    this.bMax[k] = this.cN > 0 ? this.cMax : NaN;
    this.bStartIdx[k] = this.curStart;
    this.bEndIdx[k] = i + 1;
    this.bStartStep[k] = this.series.steps.get(this.curStart);
    this.bEndStep[k] = step;
    this.bTurn[k] = this.cTurn;
    this.bTrip[k] = this.cTrip;
    this.bCount[k] = this.cN;
    this.nb = k + 1;
    this.curStart = i + 1;
    this.cN = 0;
    this.cKept = 0;
    this.strideLeft = 1;
    this.cD = 0;
    this.cNwSum = 0;
    this.cNwN = 0;
    this.cTurn = 0;
    this.cTrip = 0;
    this.cMin = Infinity;
    this.cMinIdx = -1;
    this.cMax = -Infinity;
    if (this.nb === this.maxBlocks) this.mergeBlocks();
  }

  private mergeBlocks(): void {
    const h = this.maxBlocks / 2;
    for (let j = 0; j < h; j++) {
      const a = 2 * j;
      const b = a + 1;
      this.bMed[j] = mean2(this.bMed[a], this.bMed[b]);
      this.bD2[j] = mean2(this.bD2[a], this.bD2[b]);
      const ma = this.bMin[a];
      const mb = this.bMin[b];
      if (!(mb < ma) || mb !== mb) {
        this.bMin[j] = ma === ma ? ma : mb;
        this.bMinIdx[j] = ma === ma ? this.bMinIdx[a] : this.bMinIdx[b];
      } else {
        this.bMin[j] = mb;
        this.bMinIdx[j] = this.bMinIdx[b];
      }
      this.bMax[j] = max2(this.bMax[a], this.bMax[b]);
      this.bStartIdx[j] = this.bStartIdx[a];
      this.bEndIdx[j] = this.bEndIdx[b];
      this.bStartStep[j] = this.bStartStep[a];
      this.bEndStep[j] = this.bEndStep[b];
      this.bTurn[j] = this.bTurn[a] + this.bTurn[b];
      this.bTrip[j] = this.bTrip[a] + this.bTrip[b];
      this.bCount[j] = this.bCount[a] + this.bCount[b];
    }
    this.nb = h;
    this.blockSize *= 2;
    this.stride = Math.max(1, Math.ceil(this.blockSize / MAX_BLOCK_SAMPLE));
  }

  // ------------------------------------------------------------------------------------------
  // Read-only helpers for detectors (bounded work).

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

  /** Block start step (first point's step). */
  blockStartStep(j: number): number {
    return this.bStartStep[j];
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
    const stop = Math.max(this.startIdx, this.lastValidIdx - 8 * k);
    for (let i = this.lastValidIdx; i >= stop && out.length < k; i--) {
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

  /** Robust point noise level of the whole series (y units), from the block medians of |d2|. */
  noise(): number {
    const t = new Float64Array(this.nb);
    let m = 0;
    for (let j = 0; j < this.nb; j++) if (this.bD2[j] === this.bD2[j]) t[m++] = this.bD2[j];
    if (m === 0) return NaN;
    return this.floorSigma(medianInPlace(t, m) * D2_TO_SIGMA);
  }

  /** Noise of one coarse point (a block median) given the point noise. */
  coarseNoise(pointNoise = this.noise()): number {
    const b = this.blockSize;
    return b >= 3 ? (MEDIAN_SD_FACTOR * pointNoise) / Math.sqrt(b) : pointNoise / Math.sqrt(b);
  }

  /** Indices of complete blocks with a finite median. */
  coarseIndices(): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.nb; j++) if (this.bMed[j] === this.bMed[j]) out.push(j);
    return out;
  }

  /** Median of the medians of the last k complete blocks (y units). */
  coarseTail(k: number): number {
    const t = new Float64Array(k);
    let m = 0;
    for (let j = this.nb - 1; j >= 0 && m < k; j--) if (this.bMed[j] === this.bMed[j]) t[m++] = this.bMed[j];
    return medianInPlace(t, m);
  }

  /**
   * Coarse level near a step: median of the block medians around the last block whose step range
   * contains the step (or the nearest one). Linear scan over at most `coarsePoints` blocks.
   */
  coarseAtStep(step: number, halfWidth = 1): number {
    let best = -1;
    let bestDist = Infinity;
    for (let j = 0; j < this.nb; j++) {
      if (this.bMed[j] !== this.bMed[j]) continue;
      const a = this.blockStartStep(j);
      const b = this.bEndStep[j];
      const d = step < a ? a - step : step > b ? step - b : 0;
      if (d <= bestDist) {
        bestDist = d;
        best = j;
      }
    }
    if (best < 0) return NaN;
    const t = new Float64Array(2 * halfWidth + 1);
    let m = 0;
    for (let j = Math.max(0, best - halfWidth); j <= Math.min(this.nb - 1, best + halfWidth); j++) {
      if (this.bMed[j] === this.bMed[j]) t[m++] = this.bMed[j];
    }
    return medianInPlace(t, m);
  }

  /** Whether the series ends on a non-finite value (ignores trailing non-positive in log mode). */
  endsNonFinite(): boolean {
    return this.lastBadIdx >= 0 && this.lastBadIdx > this.lastValidIdx;
  }

  /** Record a masked NaN at point idx (idempotent). */
  addMasked(idx: number, grad: string): void {
    if (this.maskedIdx.has(idx)) return;
    this.maskedIdx.add(idx);
    this.maskedCount++;
    if (this.maskedFirstIdx < 0 || idx < this.maskedFirstIdx) {
      this.maskedFirstIdx = idx;
      this.maskedGrad = grad;
    }
  }

  /** A pending (unconfirmed) spike at the end, if any: its start index. */
  pendingSpikeStart(): number {
    return this.pending ? this.pStart : -1;
  }
}

function improves(x: number, best: number, st: DiagnoseSettings): boolean {
  if (best === Infinity) return true;
  if (st.earlyStopMinDeltaMode === 'rel') return x < best - Math.abs(best) * st.earlyStopMinDelta;
  return x < best - st.earlyStopMinDelta;
}

/**
 * Sorts src[from, from + 16) into dst[at, at + 16): Batcher's odd-even merge sorting network
 * (63 compare-exchanges), unrolled so that the 16 values stay in registers, each exchange
 * without a branch (the comparisons of noise are unpredictable): the pair goes through CE and
 * comes back in order. About three times faster than an insertion sort here.
 */
function sort16(src: Float64Array, from: number, dst: Float64Array, at: number): void {
  const f = from | 0;
  const ce = CE;
  let s = 0;
  let v0 = src[f + 0];
  let v1 = src[f + 1];
  let v2 = src[f + 2];
  let v3 = src[f + 3];
  let v4 = src[f + 4];
  let v5 = src[f + 5];
  let v6 = src[f + 6];
  let v7 = src[f + 7];
  let v8 = src[f + 8];
  let v9 = src[f + 9];
  let v10 = src[f + 10];
  let v11 = src[f + 11];
  let v12 = src[f + 12];
  let v13 = src[f + 13];
  let v14 = src[f + 14];
  let v15 = src[f + 15];
  s = +(v1 < v0); ce[0] = v0; ce[1] = v1; v0 = ce[s]; v1 = ce[1 - s];
  s = +(v3 < v2); ce[0] = v2; ce[1] = v3; v2 = ce[s]; v3 = ce[1 - s];
  s = +(v5 < v4); ce[0] = v4; ce[1] = v5; v4 = ce[s]; v5 = ce[1 - s];
  s = +(v7 < v6); ce[0] = v6; ce[1] = v7; v6 = ce[s]; v7 = ce[1 - s];
  s = +(v9 < v8); ce[0] = v8; ce[1] = v9; v8 = ce[s]; v9 = ce[1 - s];
  s = +(v11 < v10); ce[0] = v10; ce[1] = v11; v10 = ce[s]; v11 = ce[1 - s];
  s = +(v13 < v12); ce[0] = v12; ce[1] = v13; v12 = ce[s]; v13 = ce[1 - s];
  s = +(v15 < v14); ce[0] = v14; ce[1] = v15; v14 = ce[s]; v15 = ce[1 - s];
  s = +(v2 < v0); ce[0] = v0; ce[1] = v2; v0 = ce[s]; v2 = ce[1 - s];
  s = +(v3 < v1); ce[0] = v1; ce[1] = v3; v1 = ce[s]; v3 = ce[1 - s];
  s = +(v6 < v4); ce[0] = v4; ce[1] = v6; v4 = ce[s]; v6 = ce[1 - s];
  s = +(v7 < v5); ce[0] = v5; ce[1] = v7; v5 = ce[s]; v7 = ce[1 - s];
  s = +(v10 < v8); ce[0] = v8; ce[1] = v10; v8 = ce[s]; v10 = ce[1 - s];
  s = +(v11 < v9); ce[0] = v9; ce[1] = v11; v9 = ce[s]; v11 = ce[1 - s];
  s = +(v14 < v12); ce[0] = v12; ce[1] = v14; v12 = ce[s]; v14 = ce[1 - s];
  s = +(v15 < v13); ce[0] = v13; ce[1] = v15; v13 = ce[s]; v15 = ce[1 - s];
  s = +(v2 < v1); ce[0] = v1; ce[1] = v2; v1 = ce[s]; v2 = ce[1 - s];
  s = +(v6 < v5); ce[0] = v5; ce[1] = v6; v5 = ce[s]; v6 = ce[1 - s];
  s = +(v10 < v9); ce[0] = v9; ce[1] = v10; v9 = ce[s]; v10 = ce[1 - s];
  s = +(v14 < v13); ce[0] = v13; ce[1] = v14; v13 = ce[s]; v14 = ce[1 - s];
  s = +(v4 < v0); ce[0] = v0; ce[1] = v4; v0 = ce[s]; v4 = ce[1 - s];
  s = +(v5 < v1); ce[0] = v1; ce[1] = v5; v1 = ce[s]; v5 = ce[1 - s];
  s = +(v6 < v2); ce[0] = v2; ce[1] = v6; v2 = ce[s]; v6 = ce[1 - s];
  s = +(v7 < v3); ce[0] = v3; ce[1] = v7; v3 = ce[s]; v7 = ce[1 - s];
  s = +(v12 < v8); ce[0] = v8; ce[1] = v12; v8 = ce[s]; v12 = ce[1 - s];
  s = +(v13 < v9); ce[0] = v9; ce[1] = v13; v9 = ce[s]; v13 = ce[1 - s];
  s = +(v14 < v10); ce[0] = v10; ce[1] = v14; v10 = ce[s]; v14 = ce[1 - s];
  s = +(v15 < v11); ce[0] = v11; ce[1] = v15; v11 = ce[s]; v15 = ce[1 - s];
  s = +(v4 < v2); ce[0] = v2; ce[1] = v4; v2 = ce[s]; v4 = ce[1 - s];
  s = +(v5 < v3); ce[0] = v3; ce[1] = v5; v3 = ce[s]; v5 = ce[1 - s];
  s = +(v12 < v10); ce[0] = v10; ce[1] = v12; v10 = ce[s]; v12 = ce[1 - s];
  s = +(v13 < v11); ce[0] = v11; ce[1] = v13; v11 = ce[s]; v13 = ce[1 - s];
  s = +(v2 < v1); ce[0] = v1; ce[1] = v2; v1 = ce[s]; v2 = ce[1 - s];
  s = +(v4 < v3); ce[0] = v3; ce[1] = v4; v3 = ce[s]; v4 = ce[1 - s];
  s = +(v6 < v5); ce[0] = v5; ce[1] = v6; v5 = ce[s]; v6 = ce[1 - s];
  s = +(v10 < v9); ce[0] = v9; ce[1] = v10; v9 = ce[s]; v10 = ce[1 - s];
  s = +(v12 < v11); ce[0] = v11; ce[1] = v12; v11 = ce[s]; v12 = ce[1 - s];
  s = +(v14 < v13); ce[0] = v13; ce[1] = v14; v13 = ce[s]; v14 = ce[1 - s];
  s = +(v8 < v0); ce[0] = v0; ce[1] = v8; v0 = ce[s]; v8 = ce[1 - s];
  s = +(v9 < v1); ce[0] = v1; ce[1] = v9; v1 = ce[s]; v9 = ce[1 - s];
  s = +(v10 < v2); ce[0] = v2; ce[1] = v10; v2 = ce[s]; v10 = ce[1 - s];
  s = +(v11 < v3); ce[0] = v3; ce[1] = v11; v3 = ce[s]; v11 = ce[1 - s];
  s = +(v12 < v4); ce[0] = v4; ce[1] = v12; v4 = ce[s]; v12 = ce[1 - s];
  s = +(v13 < v5); ce[0] = v5; ce[1] = v13; v5 = ce[s]; v13 = ce[1 - s];
  s = +(v14 < v6); ce[0] = v6; ce[1] = v14; v6 = ce[s]; v14 = ce[1 - s];
  s = +(v15 < v7); ce[0] = v7; ce[1] = v15; v7 = ce[s]; v15 = ce[1 - s];
  s = +(v8 < v4); ce[0] = v4; ce[1] = v8; v4 = ce[s]; v8 = ce[1 - s];
  s = +(v9 < v5); ce[0] = v5; ce[1] = v9; v5 = ce[s]; v9 = ce[1 - s];
  s = +(v10 < v6); ce[0] = v6; ce[1] = v10; v6 = ce[s]; v10 = ce[1 - s];
  s = +(v11 < v7); ce[0] = v7; ce[1] = v11; v7 = ce[s]; v11 = ce[1 - s];
  s = +(v4 < v2); ce[0] = v2; ce[1] = v4; v2 = ce[s]; v4 = ce[1 - s];
  s = +(v5 < v3); ce[0] = v3; ce[1] = v5; v3 = ce[s]; v5 = ce[1 - s];
  s = +(v8 < v6); ce[0] = v6; ce[1] = v8; v6 = ce[s]; v8 = ce[1 - s];
  s = +(v9 < v7); ce[0] = v7; ce[1] = v9; v7 = ce[s]; v9 = ce[1 - s];
  s = +(v12 < v10); ce[0] = v10; ce[1] = v12; v10 = ce[s]; v12 = ce[1 - s];
  s = +(v13 < v11); ce[0] = v11; ce[1] = v13; v11 = ce[s]; v13 = ce[1 - s];
  s = +(v2 < v1); ce[0] = v1; ce[1] = v2; v1 = ce[s]; v2 = ce[1 - s];
  s = +(v4 < v3); ce[0] = v3; ce[1] = v4; v3 = ce[s]; v4 = ce[1 - s];
  s = +(v6 < v5); ce[0] = v5; ce[1] = v6; v5 = ce[s]; v6 = ce[1 - s];
  s = +(v8 < v7); ce[0] = v7; ce[1] = v8; v7 = ce[s]; v8 = ce[1 - s];
  s = +(v10 < v9); ce[0] = v9; ce[1] = v10; v9 = ce[s]; v10 = ce[1 - s];
  s = +(v12 < v11); ce[0] = v11; ce[1] = v12; v11 = ce[s]; v12 = ce[1 - s];
  s = +(v14 < v13); ce[0] = v13; ce[1] = v14; v13 = ce[s]; v14 = ce[1 - s];
  const a = at | 0;
  dst[a + 0] = v0;
  dst[a + 1] = v1;
  dst[a + 2] = v2;
  dst[a + 3] = v3;
  dst[a + 4] = v4;
  dst[a + 5] = v5;
  dst[a + 6] = v6;
  dst[a + 7] = v7;
  dst[a + 8] = v8;
  dst[a + 9] = v9;
  dst[a + 10] = v10;
  dst[a + 11] = v11;
  dst[a + 12] = v12;
  dst[a + 13] = v13;
  dst[a + 14] = v14;
  dst[a + 15] = v15;
}

/**
 * Median of the 32 values of two sorted halves s[a, a + 16) and s[b, b + 16): the mean of the
 * 16th and 17th smallest, as medianInPlace computes it.
 */
function medianOfHalves(s: Float64Array, a: number, b: number): number {
  const a0 = a | 0;
  const b1 = (b + 15) | 0;
  // i = how many of the 16 smallest come from the first half A (ties: A first): the number of
  // i in [0, 16) with A[i] <= B[15 - i] (true, then false: A[i] rises, B[15 - i] falls), by a
  // bisection without branches (the comparisons of noise are unpredictable)
  let i = 0;
  i += 8 & -+(s[a0 + i + 7] <= s[b1 - (i + 7)]);
  i += 4 & -+(s[a0 + i + 3] <= s[b1 - (i + 3)]);
  i += 2 & -+(s[a0 + i + 1] <= s[b1 - (i + 1)]);
  i += 1 & -+(s[a0 + i] <= s[b1 - i]);
  i += +(i === 15) & +(s[a0 + 15] <= s[b1 - 15]);
  // the 16th smallest: the later of the two halves' last ones taken; the 17th: the smaller of
  // their next ones (through CE: no branch)
  const ce = CE;
  ce[0] = i > 0 ? s[a0 + i - 1] : -Infinity;
  ce[1] = i < 16 ? s[b1 - i] : -Infinity;
  const lo = ce[+(ce[1] > ce[0])];
  ce[0] = i < 16 ? s[a0 + i] : Infinity;
  ce[1] = i > 0 ? s[b1 + 1 - i] : Infinity;
  const hi = ce[+(ce[1] < ce[0])];
  return (lo + hi) / 2;
}

/** LOGS[0, n) = log(vals[from, from + n)). */
function logBlock(vals: Float64Array, from: number, n: number): void {
  const lg = LOGS;
  const at = from | 0;
  const len = n | 0;
  for (let j = 0; j < len; j++) lg[j] = Math.log(vals[at + j]);
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function mean2(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return (a + b) / 2;
}

function max2(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return a > b ? a : b;
}

/**
 * One SeriesState for the life of the module. V8 drops the hidden classes of a class whose
 * instances are all gone (at a garbage collection), and with them the compiled code of every
 * method above: without this, between two diagnoses everything would be compiled again, and the
 * next diagnosis would start in the interpreter. (Fields whose representation would change on
 * the way are doubles from the start for the same reason, see pPeakY.)
 */
const keepCompiled: SeriesState[] = [];
keepCompiled.push(new SeriesState(new Series('', 'train_loss'), resolveSettings({})));
