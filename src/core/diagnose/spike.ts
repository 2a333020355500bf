/**
 * loss-spike: a transient jump far above the local noise level that recovers.
 *
 * This file holds the spike detector itself (SpikeTracker, fed every valid point of a loss or
 * gradient-norm series by its SeriesState) and the loss-spike finding (detectLossSpikes; the
 * gradient-norm spikes are reported by gradient.ts from the same tracker).
 *
 * SpikeTracker, per point, in log space (raw units for series that are not positive): z = (y -
 * local level) / noise. The local level is a moving average (span `spikeBaselineSpan`, 20)
 * whose upward moves are clipped to `spikeBaselineClip` (3) noise units; the noise is the spike
 * scale of NoiseTracker (noise.ts: the larger of the median of the last 9 window medians of 32
 * sampled |second differences| and the median of the last 32 samples, so that it keeps up when
 * the noise grows, as the log-space noise of a falling loss does). A spike starts when
 *  - z > max(`spikeZ` (6; `gradSpikeZ` for gradient norms), sqrt(2 ln n) + 1, `spikeTailFactor`
 *    (2.4) x the 99.5th percentile of the series' own upward deviations so far: heavy-tailed
 *    noise makes large blips common) (n = points so far in the segment; the threshold is kept
 *    as the spike's thresholdZ, evidence.effectiveThresholdZ),
 *  - in log space the value is at least `spikeMinRatio` (1.3; `gradSpikeMinRatio`) x the level,
 *  - the raw value is more than 3 rounding quanta above the level (logs rounded to a few
 *    decimals), and
 *  - it is at least `scheduleGuardPoints` (20) points after a resume (steps going back).
 * It counts only if the series comes back within `spikeRecoverZ` (3) noise units of the
 * pre-spike level within `spikeRecoveryPoints` (100) points; otherwise it is a level shift
 * (left to the divergence detector) and the level restarts there. update() is the reference for
 * one point; run() the same arithmetic over a range of ordinary points (the batch fast path), the
 * quiet points (no spike in progress, no trigger) in a tight loop of their own.
 *
 * detectLossSpikes (losses; not for an LR range test): spikes in the warmup or right after an LR
 * jump up are the schedule's and are not reported. One finding per spike, the
 * `spikeMaxFindings` (5) highest per series (all segments of it), each with the series' spike
 * count and the steps of all its spikes (up to 200) in its evidence; a warning when the spike is
 * at least `spikeWarnRatio` (2) x its level, when the series has at least `spikeWarnCount` (3)
 * spikes, or in raw units; info otherwise.
 */
import { fmtNum, fmtRatio, fmtStep } from '../i18n';
import { emit, scheduleExplains, type Ctx } from './context';
import { EV_IDX, EV_SPIKE } from './noise';
import type { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';
import { confidenceFromRatio, D2_TO_SIGMA, median } from './stats';

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

/** Histogram of upward deviations from the local level, in noise units: bin width and count. */
const TAIL_BIN = 0.25;
const TAIL_BINS = 96;
/** Quantile of the upward deviations that measures the series' own tail. */
const TAIL_Q = 0.995;
/** Deviations recorded before the tail guard applies. */
const TAIL_MIN_POINTS = 128;
const MAX_SPIKES_KEPT = 1000;
/** Most values in a row one spike of a short series may span. */
const SHORT_SPIKE_MAX_WIDTH = 2;

export class SpikeTracker {
  /** Log space (the series is positive), set by the series state once it knows. */
  isLog = false;
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
  private lastRestartIdx = -1e15;
  /** The local level (y units), NaN until the first point. */
  private base = NaN;
  private pending = false;
  private pStart = 0;
  private pPeak = 0;
  // (doubles from the start: a field that changes representation (an integer first, a double
  // later) changes the object's hidden class, and the compiled code of the engine is thrown
  // away and compiled again)
  private pPeakY = NaN;
  private pBase = NaN;
  private pSigma = NaN;
  private pThr = NaN;
  private pLen = 0;
  /** run(): the next noise event and the noise scale in effect. */
  private lpEv = 0;
  private lpSig = NaN;
  private readonly spikes: SpikeRecord[] = [];
  private spikeCount = 0;
  /** Upward excursions that did not recover within the recovery window. */
  private shiftCount = 0;

  constructor(
    st: DiagnoseSettings,
    isGrad: boolean,
    /** First series index of the segment (n in sqrt(2 ln n) counts from here). */
    private readonly startIdx: number,
  ) {
    this.spikeZ = isGrad ? st.gradSpikeZ : st.spikeZ;
    this.spikeMinH = Math.log(Math.max(1, isGrad ? st.gradSpikeMinRatio : st.spikeMinRatio));
    this.tailFactor = st.spikeTailFactor;
    this.alphaBase = 2 / (Math.max(1, st.spikeBaselineSpan) + 1);
    this.clipZ = st.spikeBaselineClip;
    this.recoverZ = st.spikeRecoverZ;
    this.recoveryPoints = st.spikeRecoveryPoints;
    this.guard = st.scheduleGuardPoints;
  }

  /** Confirmed spikes, in order (the first MAX_SPIKES_KEPT). */
  get records(): readonly SpikeRecord[] {
    return this.spikes;
  }

  /** Confirmed spikes, all of them. */
  get count(): number {
    return this.spikeCount;
  }

  /** Excursions that did not come back (level shifts). */
  get shifts(): number {
    return this.shiftCount;
  }

  /** Steps went back at point i (a resume): an excursion in progress cannot recover across it. */
  restart(i: number): void {
    this.lastRestartIdx = i;
    if (this.pending) {
      this.pending = false;
      this.base = NaN;
    }
  }

  /**
   * Valid point i: y (log or raw), the noise scale `sig` in effect (NaN while unknown), the raw
   * value x and the smallest step between consecutive values so far (`quantum`, raw units).
   */
  update(i: number, y: number, sig: number, x: number, quantum: number): void {
    if (this.base !== this.base) {
      this.base = y;
      return;
    }
    if (!this.pending) {
      if (sig === sig && i - this.lastRestartIdx >= this.guard) {
        const dev = y - this.base;
        if (
          dev > this.spikeZ * sig &&
          (!this.isLog || dev > this.spikeMinH) &&
          // long series: at least the expected maximum of Gaussian noise over the points so far
          dev > (Math.sqrt(2 * Math.log(Math.max(2, i - this.startIdx))) + 1) * sig &&
          // heavy-tailed series: well beyond the deviations that are common in this series
          dev > this.tailFactor * this.tailQuantile() * sig &&
          // rounded logs (e.g. 4 decimals): a jump of a few quanta is rounding, not a spike
          x - (this.isLog ? Math.exp(this.base) : this.base) > 3 * quantum
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
      // the local level, its upward moves clipped
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
      this.base = y;
    }
  }

  /**
   * update() for the valid points [from, e) of a run of ordinary points: y = ys[i - yOff], raw
   * x = vals[i - off]. The noise scale is `sig0` at `from` and changes at the nev points of
   * EV_IDX (EV_SPIKE); the quantum is `quantum0` before `from` and follows the raw values from
   * xPrev0 on (advanced only where update() needs it).
   */
  run(
    from: number,
    e: number,
    ys: Float64Array,
    yOff: number,
    vals: Float64Array,
    off: number,
    nev: number,
    sig0: number,
    quantum0: number,
    xPrev0: number,
  ): void {
    this.lpSig = sig0;
    this.lpEv = 0;
    let qPos = from;
    let quantum = quantum0;
    let xPrev = xPrev0;
    let i = from;
    while (i < e) {
      if (!this.pending && this.base === this.base) {
        i = this.quiet(i, e, ys, yOff, nev);
        if (i >= e) break;
      } else if (this.lpEv < nev && EV_IDX[this.lpEv] === i) {
        this.lpSig = EV_SPIKE[this.lpEv++];
      }
      // a trigger, a spike in progress or no local level yet: update() at point i
      for (; qPos <= i; qPos++) {
        const x = vals[qPos - off];
        const dx = Math.abs(x - xPrev);
        if (dx > 0 && dx < quantum) quantum = dx;
        xPrev = x;
      }
      this.update(i, ys[i - yOff], this.lpSig, vals[i - off], quantum);
      i++;
    }
  }

  // In the loop below, numbers from fields, arguments and module constants are taken into
  // locals once with + (doubles) or | 0 (indices and counts), and the loop makes no calls: the
  // compiler then keeps its state in registers.

  /**
   * The common case of run() from `from` on: no spike in progress, no trigger. Returns where it
   * stopped: `end`, or a point for update() (its noise event already taken).
   */
  private quiet(from: number, end: number, ys: Float64Array, yOff: number, nevents: number): number {
    const tailHist = this.tailHist;
    const evIdx = EV_IDX;
    const evSpike = EV_SPIKE;
    const yo = yOff | 0;
    const e = end | 0;
    const nev = nevents | 0;
    const alphaBase = +this.alphaBase;
    const spikeZ = +this.spikeZ;
    const clipZ = +this.clipZ;
    // z / TAIL_BIN === z * perBin exactly: TAIL_BIN is a power of two
    const perBin = +(1 / TAIL_BIN);
    const lastBin = TAIL_BINS | 0;
    const zMax = +(2 * TAIL_BINS);
    let sig = +this.lpSig;
    let zSig = spikeZ * sig;
    let capSig = clipZ * sig;
    let ev = this.lpEv | 0;
    let nextEv = ev < nev ? evIdx[ev] : -1;
    let base = +this.base;
    let tailN = this.tailN;
    let i = from | 0;
    for (; i < e; i++) {
      if (i === nextEv) {
        sig = evSpike[ev++];
        zSig = spikeZ * sig;
        capSig = clipZ * sig;
        nextEv = ev < nev ? evIdx[ev] : -1;
      }
      const y = ys[i - yo];
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
    this.lpSig = sig;
    this.lpEv = ev;
    this.base = base;
    this.tailN = tailN;
    return i;
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
  private tailQuantile(): number {
    if (this.tailN < TAIL_MIN_POINTS) return 0;
    const need = Math.ceil(TAIL_Q * this.tailN);
    let c = 0;
    for (let b = 0; b <= TAIL_BINS; b++) {
      c += this.tailHist[b];
      if (c >= need) return (b + 1) * TAIL_BIN;
    }
    return (TAIL_BINS + 1) * TAIL_BIN;
  }
}

const MAX_STEPS_IN_EVIDENCE = 200;

/** Spikes of a series that the schedule does not explain. */
export function keptSpikes(ctx: Ctx, s: SeriesState): SpikeRecord[] {
  if (!s.spikes) return [];
  return s.spikes.records.filter(sp => !scheduleExplains(ctx, s, s.stepAt(sp.start)));
}

/** How far the series came down over the whole run: its initial level and its lowest coarse level. */
interface Progress {
  init: number;
  best: number;
}

/** The initial level (the largest over segments) and lowest coarse level of a series, raw units. */
function levels(ctx: Ctx, segs: readonly SeriesState[]): Progress {
  let init = -Infinity;
  let best = Infinity;
  for (const seg of segs) {
    if (seg.valid < ctx.st.noLearnMinPoints) continue;
    init = Math.max(init, seg.raw(seg.initialLevel()));
    for (const j of seg.blocks.coarseIndices()) best = Math.min(best, seg.raw(seg.blocks.med[j]));
  }
  return { init, best };
}

/**
 * How far the series came down over the run, over every segment; null when it never fell. A
 * validation loss counts from no higher than its training loss's initial level: it is the same
 * loss on other data, and the first evaluation of a barely trained model (a keras-yolo3
 * val_loss of 1.9e8 against a training loss that started at 5657) can be orders of magnitude
 * above anything training saw; measured from there, every later blow-up would look "tiny".
 */
function learned(ctx: Ctx, s: SeriesState, segs: readonly SeriesState[]): Progress | null {
  const p = levels(ctx, segs);
  if (s.role === 'val_loss') {
    const tr = ctx.rs.trainFor(s);
    if (tr) {
      const t = levels(ctx, ctx.rs.segments(tr));
      if (t.init > 0) p.init = Math.min(p.init, t.init);
    }
  }
  return p.init > p.best ? p : null;
}

/**
 * A jump from `base` to `peak` is tiny in the run's own terms: below spikeMinProgressShare of
 * how far the series came down (0.003 -> 0.005 on a loss that fell from 0.7).
 */
function tinyJump(st: DiagnoseSettings, p: Progress | null, base: number, peak: number): boolean {
  return p !== null && peak - base < st.spikeMinProgressShare * (p.init - p.best);
}

/**
 * Spikes of a short series (fewer than spikeShortMaxPoints values: per-epoch losses, where the
 * local noise level is not known yet): one value, or two in a row (a validation loss that blew
 * up over two evaluations), each at least spikeWarnRatio times both the value before them and
 * the one after them and spikeZ noise units above them, rising by spikeMinProgressShare of the
 * run's progress, with no step going back among them (a resumed run's first value is no spike).
 * The noise comes from the series' own second differences away from such jumps (the jumps'
 * own differences would make a few blow-ups look like the noise). More than two of them
 * covering more than spikeShortMaxShare of the values is an erratic series, not spikes; the
 * spikeMaxFindings highest are reported, each naming how many there are. Quoted
 * in logged values.
 */
function shortSpikes(ctx: Ctx, s: SeriesState, progress: Progress | null): void {
  const st = ctx.st;
  const v: number[] = [];
  const at: number[] = [];
  for (let i = s.startIdx; i < s.consumed; i++) {
    const x = s.series.values.get(i);
    if (Number.isFinite(x) && x > 0) {
      v.push(x);
      at.push(i);
    }
  }
  // jumps by their ratio alone: values k .. k+w-1 all spikeWarnRatio x above both neighbours
  const cand: Array<{ k: number; w: number; base: number; low: number; peak: number }> = [];
  for (let k = 1; k + 1 < v.length; k++) {
    for (let w = 1; w <= SHORT_SPIKE_MAX_WIDTH && k + w < v.length; w++) {
      // steps going back inside: a neighbour belongs to another (resumed) run
      let back = false;
      for (let j = k - 1; j < k + w && !back; j++) back = s.stepAt(at[j + 1]) < s.stepAt(at[j]);
      if (back) break;
      const base = Math.max(v[k - 1], v[k + w]);
      let low = Infinity;
      let peak = k;
      for (let j = k; j < k + w; j++) {
        low = Math.min(low, v[j]);
        if (v[j] > v[peak]) peak = j;
      }
      if (low >= st.spikeWarnRatio * base) {
        cand.push({ k, w, base, low, peak });
        k += w - 1;
        break;
      }
    }
  }
  // The series' own noise, from the second differences of its log values away from the jumps
  // (robust: a median; all of them when too few are left).
  const near = new Uint8Array(v.length);
  for (const c of cand) for (let j = c.k - 1; j <= c.k + c.w; j++) near[j] = 1;
  const d2: number[] = [];
  const d2Away: number[] = [];
  for (let k = 1; k + 1 < v.length; k++) {
    const d = Math.abs(Math.log(v[k - 1]) - 2 * Math.log(v[k]) + Math.log(v[k + 1]));
    d2.push(d);
    if (!near[k - 1] && !near[k] && !near[k + 1]) d2Away.push(d);
  }
  const sigma = Math.max(st.noiseFloor, (median(d2Away.length >= 5 ? d2Away : d2) * D2_TO_SIGMA) || 0);
  const found = cand.filter(
    c => Math.log(c.low / c.base) >= st.spikeZ * sigma && !tinyJump(st, progress, c.base, c.low),
  );
  // (many of them: an erratic series, not spikes)
  let inSpikes = 0;
  for (const c of found) inSpikes += c.w;
  if (found.length === 0 || (found.length > 2 && inSpikes > st.spikeShortMaxShare * v.length)) return;
  // the spikeMaxFindings highest, as for a long series; each names how many there are
  const chosen = [...found]
    .sort((a, b) => b.low / b.base - a.low / a.base || a.k - b.k)
    .slice(0, st.spikeMaxFindings)
    .sort((a, b) => a.k - b.k);
  for (const c of chosen) {
    const before = v[c.k - 1];
    const after = v[c.k + c.w];
    const peakStep = fmtStep(s.stepAt(at[c.peak]));
    const msg: Parameters<typeof emit>[1]['message'] = [
      c.w === 1
        ? ['spike.short', { peak: fmtNum(v[c.peak]), peakStep, ratio: fmtRatio(v[c.peak] / c.base), before: fmtNum(before), after: fmtNum(after) }]
        : [
            'spike.shortRun',
            {
              peak: fmtNum(v[c.peak]),
              peakStep,
              fromStep: fmtStep(s.stepAt(at[c.k])),
              toStep: fmtStep(s.stepAt(at[c.k + c.w - 1])),
              ratio: fmtRatio(c.low / c.base),
              before: fmtNum(before),
              after: fmtNum(after),
            },
          ],
    ];
    if (found.length > 1) msg.push(['spike.count', { count: found.length }]);
    emit(ctx, {
      kind: 'loss-spike',
      severity: 'warning',
      state: s,
      idx: at[c.k],
      endStep: s.stepAt(at[c.k + c.w]),
      title: ['spike.title', { step: fmtStep(s.stepAt(at[c.k])) }],
      message: msg,
      evidence: {
        rule: 'short',
        peakStep: s.stepAt(at[c.peak]),
        peak: v[c.peak],
        before,
        after,
        ratio: v[c.peak] / c.base,
        values: c.w,
        noise: sigma,
        count: found.length,
      },
      confidence: 0.7,
      idSuffix: `${at[c.k]}`,
    });
  }
}

/**
 * A loss that keeps jumping between its floor and several times its floor to its end is
 * oscillating (a learning rate far too high), not spiking now and then: at least
 * `oscBurstCount` bursts, their median height at least `oscBurstRatio` times the local level,
 * and at least 3 of them in the last 30 % of the points. Reported as one oscillation finding
 * (this series is then not checked for oscillation again nor for not-converged).
 */
function burstsOscillate(ctx: Ctx, s: SeriesState, kept: readonly SpikeRecord[], count: number, points: number): boolean {
  const st = ctx.st;
  if (!s.isLog || s.role === 'loss_part' || count < st.oscBurstCount) return false;
  const ratios = kept.map(sp => Math.exp(sp.height));
  const ratio = median(ratios);
  if (!(ratio >= st.oscBurstRatio)) return false;
  const tailFrom = s.startIdx + Math.floor(0.7 * (s.consumed - s.startIdx));
  const late = kept.filter(sp => sp.start >= tailFrom);
  if (late.length < 3) return false;
  const last = late[late.length - 1];
  const floor = s.raw(median(late.map(sp => sp.base)));
  ctx.oscillating.add(s.name);
  emit(ctx, {
    kind: 'oscillation',
    severity: 'warning',
    state: s,
    idx: kept[0].start,
    endStep: s.stepAt(last.end),
    title: ['oscillation.title'],
    message: [
      [
        'oscillation.bursts',
        {
          floor: fmtNum(floor),
          ratio: fmtRatio(ratio),
          count,
          step: fmtStep(s.stepAt(last.peak)),
        },
      ],
    ],
    evidence: {
      rule: 'bursts',
      bursts: count,
      lateBursts: late.length,
      medianRatio: ratio,
      threshold: st.oscBurstRatio,
      floor,
      points,
      lastBurstStep: s.stepAt(last.peak),
    },
    confidence: confidenceFromRatio(ratio / st.oscBurstRatio, 0.6),
  });
  return true;
}

export function detectLossSpikes(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  for (const s of ctx.rs.states.values()) {
    if (s.role !== 'train_loss' && s.role !== 'val_loss' && s.role !== 'loss_part') continue;
    report(ctx, s);
  }
}

function report(ctx: Ctx, cur: SeriesState): void {
  const st = ctx.st;
  const segs = ctx.rs.segments(cur);
  let kept: SpikeRecord[] = [];
  let count = 0;
  let points = 0;
  for (const seg of segs) {
    const k = keptSpikes(ctx, seg);
    kept = kept.concat(k);
    count += k.length + (seg.spikes ? Math.max(0, seg.spikes.count - seg.spikes.records.length) : 0);
    points += seg.points;
  }
  if (kept.length === 0) {
    if (cur.valid < st.spikeShortMaxPoints && cur.isLog) shortSpikes(ctx, cur, learned(ctx, cur, segs));
    return;
  }
  const s = cur;
  if (burstsOscillate(ctx, s, kept, count, points)) return;
  const steps = kept.slice(0, MAX_STEPS_IN_EVIDENCE).map(sp => s.stepAt(sp.start));
  const chosen = [...kept]
    .sort((a, b) => b.height - a.height || a.start - b.start)
    .slice(0, st.spikeMaxFindings)
    .sort((a, b) => a.start - b.start);
  const log = s.isLog;
  const per1k = (1000 * count) / Math.max(1, points);
  const progress = learned(ctx, s, segs);
  for (const sp of chosen) {
    const ratio = log ? Math.exp(sp.height) : NaN;
    const peak = s.raw(sp.base + sp.height);
    const base = s.raw(sp.base);
    // Tiny in the run's own terms (0.003 -> 0.005 on a loss that fell from 0.7): no finding.
    if (tinyJump(st, progress, base, peak)) continue;
    const warn = (log && ratio >= st.spikeWarnRatio) || count >= st.spikeWarnCount || !log;
    const msg: Parameters<typeof emit>[1]['message'] = [
      [
        log ? 'spike.message' : 'spike.messageLinear',
        {
          peak: fmtNum(peak),
          peakStep: fmtStep(s.stepAt(sp.peak)),
          ratio: fmtRatio(ratio),
          base: fmtNum(base),
          z: fmtRatio(sp.z),
          endStep: fmtStep(s.stepAt(sp.end)),
        },
      ],
    ];
    if (count > 1) msg.push(['spike.count', { count }]);
    emit(ctx, {
      kind: 'loss-spike',
      severity: warn ? 'warning' : 'info',
      state: s,
      idx: sp.start,
      endStep: s.stepAt(sp.end),
      title: ['spike.title', { step: fmtStep(s.stepAt(sp.start)) }],
      message: msg,
      evidence: {
        peakStep: s.stepAt(sp.peak),
        peak,
        localLevel: base,
        ratio: log ? ratio : null,
        z: sp.z,
        thresholdZ: st.spikeZ,
        effectiveThresholdZ: sp.thresholdZ,
        thresholdRatio: st.spikeMinRatio,
        recoveryPoints: sp.end - sp.start,
        count,
        perThousandPoints: per1k,
        steps,
      },
      confidence: confidenceFromRatio(sp.z / st.spikeZ, 0.6),
      idSuffix: `${sp.start}`,
    });
  }
}
