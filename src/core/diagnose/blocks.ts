/**
 * The coarse summary of a series that the trend detectors read (plateau, convergence,
 * no-learning, overfitting, underfitting, oscillation, early stop, LR range test, ...):
 * BlockTracker cuts the valid points of a segment into blocks whose size doubles whenever
 * `coarsePoints` blocks are complete (two neighbours merge), so there are always at most
 * `coarsePoints` block summaries ("coarse points"), whatever the length of the series. Per block:
 * the robust median (blocks of more than 1024 points take it over an even subsample of 1024),
 * min (and where), max, first / last point and step, number of points, the median |second
 * difference| (blocks up to a noise window long; larger ones: the mean of the noise-window
 * medians completed in the block, from NoiseTracker) and the turning points among triples of
 * distinct neighbours (oscillation).
 *
 * The second differences are computed here (the d2 chain) and every second |d2| is a sample of
 * the local noise level (NoiseTracker, noise.ts). point() / gap() are the reference for one
 * point; piece() the same for a piece of a run of ordinary points (the batch fast path), which
 * writes its noise samples to SAMPLE / SAMPLE_IDX. Read-only helpers for the detectors at the
 * end (bounded work: at most `coarsePoints` blocks).
 */
import type { Series } from '../model';
import { floorSigma, SAMPLE, SAMPLE_IDX } from './noise';
import type { DiagnoseSettings } from './settings';
import { D2_TO_SIGMA, MEDIAN_SD_FACTOR, medianInPlace } from './stats';

/**
 * Block medians of larger blocks are taken over an evenly strided subsample of at most this many
 * points (the median of 1024 points is within about 4 % of a noise sd of the full median).
 */
const MAX_BLOCK_SAMPLE = 1024;

export class BlockTracker {
  /** Log space (the series is positive), set by the series state once it knows. */
  isLog = false;
  private readonly floor: number;
  /** Blocks of at most this many points keep their |d2| (a noise window's worth of samples). */
  private readonly maxKeepD: number;
  private readonly maxBlocks: number;
  private blockSize = 1;
  private nb = 0;
  /** Per complete block j < n (y units; indices and steps of the series). */
  readonly med: Float64Array;
  readonly d2: Float64Array;
  readonly min: Float64Array;
  readonly minIdx: Float64Array;
  readonly max: Float64Array;
  readonly startIdx: Float64Array;
  /** One past the block's last point. */
  readonly endIdx: Float64Array;
  readonly startStep: Float64Array;
  readonly endStep: Float64Array;
  readonly turns: Float64Array;
  readonly trips: Float64Array;
  /** Valid points. */
  readonly points: Float64Array;
  // ---- the block being filled ----
  private curStart: number;
  private yBuf: Float64Array = new Float64Array(4);
  private dBuf: Float64Array = new Float64Array(4);
  /** Valid values seen in the current block, values kept in yBuf (every `stride`-th one). */
  private cN = 0;
  private cKept = 0;
  private stride = 1;
  /** Valid values until the next one is kept in yBuf. */
  private strideLeft = 1;
  private cD = 0;
  private cTurn = 0;
  private cTrip = 0;
  private cMin = Infinity;
  private cMinIdx = -1;
  private cMax = -Infinity;
  // ---- the d2 chain: the last two valid values (NaN after an invalid point) ----
  private y1 = NaN;
  private y2 = NaN;
  /** Every second |d2| is a noise sample (halves the selection work). */
  private nwSkip = 0;

  constructor(
    private readonly series: Series,
    st: DiagnoseSettings,
    /** First series index of the segment. */
    startIdx: number,
    /** Samples per noise window (NoiseTracker.window). */
    noiseWindow: number,
  ) {
    this.floor = st.noiseFloor;
    this.maxKeepD = noiseWindow;
    this.curStart = startIdx;
    let mb = Math.max(16, st.coarsePoints | 0);
    if (mb % 2 === 1) mb++;
    this.maxBlocks = mb;
    this.med = new Float64Array(mb);
    this.d2 = new Float64Array(mb);
    this.min = new Float64Array(mb);
    this.minIdx = new Float64Array(mb);
    this.max = new Float64Array(mb);
    this.startIdx = new Float64Array(mb);
    this.endIdx = new Float64Array(mb);
    this.startStep = new Float64Array(mb);
    this.endStep = new Float64Array(mb);
    this.turns = new Float64Array(mb);
    this.trips = new Float64Array(mb);
    this.points = new Float64Array(mb);
  }

  /** Complete blocks. */
  get n(): number {
    return this.nb;
  }
  /** Points per block (a power of two). */
  get size(): number {
    return this.blockSize;
  }
  /** Last point of the block being filled. */
  get lastIdx(): number {
    return this.curStart + this.blockSize - 1;
  }

  /**
   * A valid point i of value y (log or raw units). Returns its noise sample (|d2|, every second
   * one) or -1.
   */
  point(i: number, y: number): number {
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

    // second differences, turning points, noise samples
    const y1 = this.y1;
    const y2 = this.y2;
    let sample = -1;
    if (y2 === y2 && y1 === y1) {
      const d = Math.abs(y - 2 * y1 + y2);
      if (this.blockSize <= this.maxKeepD) {
        if (this.cD === this.dBuf.length) this.dBuf = grow(this.dBuf);
        this.dBuf[this.cD++] = d;
      }
      if (y1 !== y2 && y1 !== y) {
        this.cTrip++;
        if ((y1 > y2 && y1 > y) || (y1 < y2 && y1 < y)) this.cTurn++;
      }
      if ((this.nwSkip ^= 1) === 1) sample = d;
    }
    this.y2 = y1;
    this.y1 = y;
    return sample;
  }

  /** An invalid point: the d2 chain starts over. */
  gap(): void {
    this.y1 = NaN;
    this.y2 = NaN;
  }

  /** Point i is the last of the block being filled. */
  full(i: number): boolean {
    return i + 1 - this.curStart >= this.blockSize;
  }

  /**
   * The extrema of a piece of valid points of the current block (from the series state's scan of
   * the piece, which finds the series' own extrema in the same loop): the piece's min (the first
   * index where it occurs), max, and number of points.
   */
  extrema(pMin: number, pMinIdx: number, pMax: number, count: number): void {
    if (pMin < this.cMin) {
      this.cMin = pMin;
      this.cMinIdx = pMinIdx;
    }
    if (pMax > this.cMax) this.cMax = pMax;
    this.cN += count;
  }

  /**
   * point() for the valid points [p, q) of the current block (y = ys[i - yOff]), but the
   * extrema (see extrema()): the block buffer, then the second differences; the noise samples go
   * to SAMPLE / SAMPLE_IDX. Returns their number.
   */
  piece(p: number, q: number, ys: Float64Array, yOff: number): number {
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

    const keepD = this.blockSize <= this.maxKeepD;
    if (keepD) while (this.dBuf.length < this.cD + (q - p)) this.dBuf = grow(this.dBuf);
    return this.d2Piece(p, q, ys, yOff, keepD);
  }

  // In the loop below, numbers from fields, arguments and module constants are taken into
  // locals once with + (doubles) or | 0 (indices and counts), and the loop makes no calls: the
  // compiler then keeps its state in registers.

  /**
   * Second differences and turning points of the valid points [p, q) (|d2| kept in dBuf when
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
   * Close the current block at point i (of step `step`). `windowMean`: the mean of the noise-
   * window medians completed during the block (NoiseTracker.takeWindowMean()), its |d2| level
   * when the block is too large to keep its |d2|.
   */
  complete(i: number, step: number, windowMean: number): void {
    const k = this.nb;
    this.med[k] = this.cKept > 0 ? medianInPlace(this.yBuf, this.cKept) : NaN;
    // small blocks: median |d2| of the block; large ones: mean of the noise-window medians
    this.d2[k] = this.cD > 0 ? medianInPlace(this.dBuf, this.cD) : windowMean;
    this.min[k] = this.cN > 0 ? this.cMin : NaN;
    this.minIdx[k] = this.cMinIdx;
    this.max[k] = this.cN > 0 ? this.cMax : NaN;
    this.startIdx[k] = this.curStart;
    this.endIdx[k] = i + 1;
    this.startStep[k] = this.series.steps.get(this.curStart);
    this.endStep[k] = step;
    this.turns[k] = this.cTurn;
    this.trips[k] = this.cTrip;
    this.points[k] = this.cN;
    this.nb = k + 1;
    this.curStart = i + 1;
    this.cN = 0;
    this.cKept = 0;
    this.strideLeft = 1;
    this.cD = 0;
    this.cTurn = 0;
    this.cTrip = 0;
    this.cMin = Infinity;
    this.cMinIdx = -1;
    this.cMax = -Infinity;
    if (this.nb === this.maxBlocks) this.merge();
  }

  private merge(): void {
    const h = this.maxBlocks / 2;
    for (let j = 0; j < h; j++) {
      const a = 2 * j;
      const b = a + 1;
      this.med[j] = mean2(this.med[a], this.med[b]);
      this.d2[j] = mean2(this.d2[a], this.d2[b]);
      const ma = this.min[a];
      const mb = this.min[b];
      if (!(mb < ma) || mb !== mb) {
        this.min[j] = ma === ma ? ma : mb;
        this.minIdx[j] = ma === ma ? this.minIdx[a] : this.minIdx[b];
      } else {
        this.min[j] = mb;
        this.minIdx[j] = this.minIdx[b];
      }
      this.max[j] = max2(this.max[a], this.max[b]);
      this.startIdx[j] = this.startIdx[a];
      this.endIdx[j] = this.endIdx[b];
      this.startStep[j] = this.startStep[a];
      this.endStep[j] = this.endStep[b];
      this.turns[j] = this.turns[a] + this.turns[b];
      this.trips[j] = this.trips[a] + this.trips[b];
      this.points[j] = this.points[a] + this.points[b];
    }
    this.nb = h;
    this.blockSize *= 2;
    this.stride = Math.max(1, Math.ceil(this.blockSize / MAX_BLOCK_SAMPLE));
  }

  // ------------------------------------------------------------------------------------------
  // Read-only helpers for detectors (bounded work).

  /** Robust point noise level of the whole series (y units), from the block medians of |d2|. */
  noise(): number {
    const t = new Float64Array(this.nb);
    let m = 0;
    for (let j = 0; j < this.nb; j++) if (this.d2[j] === this.d2[j]) t[m++] = this.d2[j];
    if (m === 0) return NaN;
    return floorSigma(medianInPlace(t, m) * D2_TO_SIGMA, this.isLog, this.floor);
  }

  /** Noise of one coarse point (a block median) given the point noise. */
  coarseNoise(pointNoise = this.noise()): number {
    const b = this.blockSize;
    return b >= 3 ? (MEDIAN_SD_FACTOR * pointNoise) / Math.sqrt(b) : pointNoise / Math.sqrt(b);
  }

  /** Indices of complete blocks with a finite median. */
  coarseIndices(): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.nb; j++) if (this.med[j] === this.med[j]) out.push(j);
    return out;
  }

  /** Median of the medians of the last k complete blocks (y units). */
  coarseTail(k: number): number {
    const t = new Float64Array(k);
    let m = 0;
    for (let j = this.nb - 1; j >= 0 && m < k; j--) if (this.med[j] === this.med[j]) t[m++] = this.med[j];
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
      if (this.med[j] !== this.med[j]) continue;
      const a = this.startStep[j];
      const b = this.endStep[j];
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
      if (this.med[j] === this.med[j]) t[m++] = this.med[j];
    }
    return medianInPlace(t, m);
  }
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
