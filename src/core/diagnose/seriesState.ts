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
 */
import type { Role, Series } from '../model';
import type { DiagnoseSettings } from './settings';
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
  private readonly nwTmp = new Float64Array(NOISE_RING);
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
  private readonly tailHist = new Uint32Array(TAIL_BINS + 1);
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
  private pPeakY = 0;
  private pBase = 0;
  private pSigma = 0;
  private pThr = 0;
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
  private yNow = 0;
  private vOff = 0;
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
  private cNwSum = 0;
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
      for (let i = from; i < to; i++) {
        const step = steps[i - off];
        if (step < this.lastStep && allowSplit && i > this.startIdx + 1) {
          if (step <= this.firstStep + 0.05 * (this.lastStep - this.firstStep)) {
            this.consumed = i;
            this.splitAt = i;
            return;
          }
        }
        this.point(i);
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
        this.nwBuf[this.nwPos++] = d;
        if (this.nwPos === this.nwBuf.length) this.noiseWindowDone();
        this.recentSample(d);
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
      const sig = this.sigma;
      let thr = this.divZ * (sig === sig ? sig : this.floor) * this.emaNoise;
      if (thr < this.divMinLog && this.mode === MODE_LOG) thr = this.divMinLog;
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
    const m = medianInPlace(this.nwBuf, this.nwPos);
    this.nwPos = 0;
    this.cNwSum += m;
    this.cNwN++;
    this.nwRing[this.nwRingPos] = m;
    this.nwRingPos = (this.nwRingPos + 1) % NOISE_RING;
    if (this.nwRingN < NOISE_RING) this.nwRingN++;
    this.nwTmp.set(this.nwRing);
    const med = medianInPlace(this.nwTmp, this.nwRingN);
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
    this.rcTmp.set(this.rcBuf);
    this.recentSigma = this.floorSigma(medianInPlace(this.rcTmp, this.rcN) * D2_TO_SIGMA);
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
