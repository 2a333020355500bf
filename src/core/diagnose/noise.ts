/**
 * The local noise level of a series, from its second differences: NoiseTracker, fed every
 * second |second difference| of the valid points of a segment (the samples, see BlockTracker in
 * blocks.ts, which computes them). Read by the spike detector (spike.ts: the noise scale of its
 * z-scores), the divergence threshold (divergence.ts) and, through the block summaries, the
 * noise and oscillation tests of the trend detectors.
 *
 * Two levels, in |d2| units turned into a point noise sd (D2_TO_SIGMA), floored at `noiseFloor`
 * in log space:
 *  - sigma: the median of the medians of the last 9 windows of `noiseWindow` (32) samples;
 *  - recentSigma: the median of the last `noiseWindow` samples, refreshed every 16 samples
 *    (32 points). The window medians lag by several windows; when the noise grows (a loss
 *    falling fast has a growing relative, log-space noise), only this keeps up with it.
 * The spike detector's scale is spikeSigma = max(sigma, recentSigma), NaN until sigma exists.
 *
 * sample() is the reference for one sample; samples() takes the samples of a piece of a run of
 * ordinary points (SAMPLE, SAMPLE_IDX) and records in EV_* the points where the levels changed,
 * for the spike and level trackers' own loops over that run. With the default window (two
 * halves of 16 samples) the median comes from two sorted halves (sort16, medianOfHalves), and
 * a window of sigma is the recent window refreshed at that very sample.
 */
import { D2_TO_SIGMA, medianInPlace } from './stats';

/** Points consumed in one go by the fast path (SeriesState.run()). */
export const LOG_BLOCK = 4096;
/**
 * Points of a run (at most LOG_BLOCK) where the noise levels changed: the point, the spike
 * detector's noise scale and the local noise level from that point on (see samples()).
 */
export const EV_IDX = new Int32Array(LOG_BLOCK);
export const EV_SPIKE = new Float64Array(LOG_BLOCK);
export const EV_SIGMA = new Float64Array(LOG_BLOCK);
/** The noise samples (every second |d2|) of a piece of a run, and their points. */
export const SAMPLE = new Float64Array(LOG_BLOCK);
export const SAMPLE_IDX = new Int32Array(LOG_BLOCK);

const NOISE_RING = 9;
/** The recent noise is recomputed every this many samples (every 32 points). */
const RECENT_REFRESH = 16;
/** The pair of a compare-exchange in sort16. */
const CE = new Float64Array(2);

/** A noise level (sd, y units) floored: at `floor` in log space, above 0 otherwise. */
export function floorSigma(s: number, isLog: boolean, floor: number): number {
  if (isLog) return Math.max(s, floor);
  return s > 0 ? s : Number.MIN_VALUE;
}

export class NoiseTracker {
  /** Log space (the series is positive), set by the series state once it knows. */
  isLog = false;
  private readonly floor: number;
  private readonly nwBuf: Float64Array;
  private nwPos = 0;
  private readonly nwRing = new Float64Array(NOISE_RING);
  /** The values of nwRing[0, nwRingN), sorted. */
  private readonly nwSorted = new Float64Array(NOISE_RING);
  private nwRingN = 0;
  private nwRingPos = 0;
  private sigma_ = NaN;
  private recentSigma_ = NaN;
  private spikeSigma_ = NaN;
  private readonly rcBuf: Float64Array;
  private readonly rcTmp: Float64Array;
  private rcN = 0;
  private rcPos = 0;
  private rcSince = 0;
  /** The default window (2 * RECENT_REFRESH): the median comes from two sorted halves. */
  private readonly halves: boolean;
  /** Sorted copies of the two halves of rcBuf (same positions). */
  private readonly rcSorted: Float64Array;
  /** Median of the recent window at the last refresh (|d2| units). */
  private rcMed = NaN;
  /** Events recorded in EV_* since beginRun(). */
  private nev = 0;
  /**
   * Window medians completed since the last takeWindowMean() (the block summaries use their
   * mean when blocks are large). (-0 is +0 in sums, but a double from the start: a field that
   * changes representation changes the object's hidden class and throws compiled code away.)
   */
  private winSum = -0;
  private winN = 0;

  constructor(noiseWindow: number, floor: number) {
    this.floor = floor;
    this.nwBuf = new Float64Array(Math.max(4, noiseWindow | 0));
    this.rcBuf = new Float64Array(this.nwBuf.length);
    this.rcTmp = new Float64Array(this.nwBuf.length);
    // (halves of 16: see sort16)
    this.halves = this.rcBuf.length === 2 * RECENT_REFRESH && RECENT_REFRESH === 16;
    this.rcSorted = new Float64Array(this.halves ? this.rcBuf.length : 0);
  }

  /** Samples per window. */
  get window(): number {
    return this.nwBuf.length;
  }
  /** Local noise level (y units), NaN until the first window is complete. */
  get sigma(): number {
    return this.sigma_;
  }
  /** Recent noise (y units), NaN until half a window of samples. */
  get recentSigma(): number {
    return this.recentSigma_;
  }
  /** Noise scale of the spike detector: max(sigma, recentSigma); NaN until sigma exists. */
  get spikeSigma(): number {
    return this.spikeSigma_;
  }

  /** One sample (|d2|). */
  sample(d: number): void {
    // the recent noise first: a noise window completes on a refresh of the recent noise (with
    // the default window) and then takes its median from it; the state after both is the same
    // in either order (spikeSigma is recomputed from both)
    this.recentSample(d);
    this.nwBuf[this.nwPos++] = d;
    if (this.nwPos === this.nwBuf.length) this.noiseWindowDone();
  }

  /** A run of ordinary points begins: no events yet. */
  beginRun(): void {
    this.nev = 0;
  }

  /** Events recorded in EV_* since beginRun(). */
  get events(): number {
    return this.nev;
  }

  /** The mean of the window medians completed since the last call (NaN: none); starts over. */
  takeWindowMean(): number {
    const m = this.winN > 0 ? this.winSum / this.winN : NaN;
    this.winSum = 0;
    this.winN = 0;
    return m;
  }

  /**
   * The samples SAMPLE[0, ns) (at points SAMPLE_IDX): sample() for each. Appends the points
   * where the noise levels changed to EV_*.
   */
  samples(ns: number): void {
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
        EV_SPIKE[nev] = this.spikeSigma_;
        EV_SIGMA[nev] = this.sigma_;
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
      EV_SPIKE[nev] = this.spikeSigma_;
      EV_SIGMA[nev] = this.sigma_;
      nev++;
    }
    this.nev = nev;
  }

  private noiseWindowDone(): void {
    // With the default window the noise window is the window of the recent noise refreshed at
    // this very sample (the same 32 samples): its median is already known.
    const m = this.halves && this.rcSince === 0 ? this.rcMed : medianInPlace(this.nwBuf, this.nwPos);
    this.nwPos = 0;
    this.winSum += m;
    this.winN++;
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
    this.sigma_ = floorSigma(med * D2_TO_SIGMA, this.isLog, this.floor);
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
    this.recentSigma_ = floorSigma(m * D2_TO_SIGMA, this.isLog, this.floor);
    this.updateSpikeSigma();
  }

  private updateSpikeSigma(): void {
    const s = this.sigma_;
    const r = this.recentSigma_;
    this.spikeSigma_ = s !== s ? NaN : r === r && r > s ? r : s;
  }
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
