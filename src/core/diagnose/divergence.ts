/**
 * divergence: a sustained rise of the training loss far above its best, with no recovery.
 * Best = running minimum of a moving average of log(loss) (span 30); the rise must exceed
 * max(log 2, 6 noise units of that average), last at least 20 points to the end of the series,
 * and hold for 80 % of the last 32 points (or for 80 % of a stretch of at least 20 logged values
 * at the end that starts above: the smoothed level lags a jump). Onset = first point of the
 * final excursion.
 * A rise right after an LR jump up (warm restart), during a cyclic LR's up-phase, or at a
 * restart is the schedule's doing and is not reported; nor is an LR range test. A rise as large
 * that lasted divergenceMinPoints values and came back is reported as a warning (checkRecovered).
 *
 * The smoothed level and its running best are LevelTracker below, fed every valid point of a
 * training loss, loss term or gradient norm by its SeriesState: update() per point, run() over
 * a range of ordinary points (the batch fast path).
 */
import { fmtNum, fmtRatio, fmtStep } from '../i18n';
import { emit, stepSpacing, type Ctx } from './context';
import { EV_IDX, EV_SIGMA } from './noise';
import type { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';
import { confidenceFromRatio, median, runningMedian3 } from './stats';

/**
 * A moving average of the series (span `divergenceSpan`, started at the median of the first three
 * values), its running minimum, the last point
 * where it was within half the divergence threshold of that minimum, and the threshold: max(
 * `divergenceNoiseZ` noise units of the average, log `divergenceMinRatio` in log space).
 */
export class LevelTracker {
  /** Log space (the series is positive), set by the series state once it knows. */
  isLog = false;
  private readonly alpha: number;
  private readonly emaNoise: number;
  private readonly divZ: number;
  private readonly divMinLog: number;
  private readonly floor: number;
  private level = NaN;
  private bestLevel = Infinity;
  private bestLevelIdx = -1;
  private lastNear = -1;
  private divThreshold = NaN;
  /** Valid points seen, up to 3, and the first two (value, index): the level starts at the
   * median of the first three, so that one odd first value (a GAN's 4.8e-4 at iteration 0)
   * is not the best level every later point is measured from. */
  private warm = 0;
  private w0 = NaN;
  private w0Idx = -1;
  private w1 = NaN;
  private w1Idx = -1;

  constructor(st: DiagnoseSettings) {
    this.divZ = st.divergenceNoiseZ;
    this.divMinLog = Math.log(Math.max(1, st.divergenceMinRatio));
    this.floor = st.noiseFloor;
    this.alpha = 2 / (Math.max(1, st.divergenceSpan) + 1);
    this.emaNoise = Math.sqrt(this.alpha / (2 - this.alpha));
  }

  /** The smoothed level at the last point (y units), NaN before the first. */
  get value(): number {
    return this.level;
  }
  /** Its lowest value so far, and where. */
  get best(): number {
    return this.bestLevel;
  }
  get bestIdx(): number {
    return this.bestLevelIdx;
  }
  /** Last point at which the level was within half the threshold of its best (-1: none). */
  get lastNearIdx(): number {
    return this.lastNear;
  }
  /** Divergence threshold (y units) at the last point. */
  get threshold(): number {
    return this.divThreshold;
  }

  /** Divergence threshold (y units) for a local noise level (NaN: the noise floor). */
  private thresholdOf(sig: number): number {
    let thr = this.divZ * (sig === sig ? sig : this.floor) * this.emaNoise;
    if (thr < this.divMinLog && this.isLog) thr = this.divMinLog;
    return thr;
  }

  /** Valid point i of value y (log or raw), with the local noise level `sig` in effect. */
  update(i: number, y: number, sig: number): void {
    if (this.warm < 3) {
      this.divThreshold = this.thresholdOf(sig);
      this.warmUp(i, y);
      return;
    }
    let level = this.level;
    level = level === level ? level + this.alpha * (y - level) : y;
    this.level = level;
    const thr = this.thresholdOf(sig);
    this.divThreshold = thr;
    if (level < this.bestLevel) {
      this.bestLevel = level;
      this.bestLevelIdx = i;
    }
    if (level <= this.bestLevel + thr / 2) this.lastNear = i;
  }

  /** One of the first three valid points (see warm). */
  private warmUp(i: number, y: number): void {
    if (this.warm === 0) {
      this.w0 = y;
      this.w0Idx = i;
    } else if (this.warm === 1) {
      this.w1 = y;
      this.w1Idx = i;
    } else {
      const a = this.w0;
      const b = this.w1;
      const med = Math.max(Math.min(a, b), Math.min(Math.max(a, b), y));
      this.level = med;
      this.bestLevel = med;
      this.bestLevelIdx = med === a ? this.w0Idx : med === b ? this.w1Idx : i;
      this.lastNear = i;
    }
    this.warm++;
  }

  /**
   * update() for the valid points [from, e) of a run of ordinary points, y = ys[i - yOff]; the
   * noise level is sig0 at `from` and changes at the nev points of EV_IDX (EV_SIGMA).
   */
  run(from: number, e: number, ys: Float64Array, yOff: number, nevents: number, sig0: number): void {
    const evIdx = EV_IDX;
    const evSigma = EV_SIGMA;
    const yo = yOff | 0;
    const end = e | 0;
    const nev = nevents | 0;
    const alpha = +this.alpha;
    let thr = this.thresholdOf(sig0);
    let halfThr = thr / 2;
    let ev = 0;
    let nextEv = ev < nev ? evIdx[ev] : -1;
    let level = +this.level;
    let bestLevel = +this.bestLevel;
    let bestLevelIdx = this.bestLevelIdx | 0;
    let lastNear = this.lastNear | 0;
    let i = from | 0;
    // the first three valid points: warmUp() (the loop below then starts from their median)
    for (; this.warm < 3 && i < end; i++) {
      if (i === nextEv) {
        thr = this.thresholdOf(evSigma[ev++]);
        halfThr = thr / 2;
        nextEv = ev < nev ? evIdx[ev] : -1;
      }
      this.warmUp(i, ys[i - yo]);
      level = this.level;
      bestLevel = this.bestLevel;
      bestLevelIdx = this.bestLevelIdx;
      lastNear = this.lastNear;
    }
    for (; i < end; i++) {
      if (i === nextEv) {
        thr = this.thresholdOf(evSigma[ev++]);
        halfThr = thr / 2;
        nextEv = ev < nev ? evIdx[ev] : -1;
      }
      const y = ys[i - yo];
      level = level === level ? level + alpha * (y - level) : y;
      if (level < bestLevel) {
        bestLevel = level;
        bestLevelIdx = i;
      }
      if (level <= bestLevel + halfThr) lastNear = i;
    }
    this.level = level;
    this.bestLevel = bestLevel;
    this.bestLevelIdx = bestLevelIdx;
    this.lastNear = lastNear;
    this.divThreshold = thr;
  }
}

/** Median of the finite logged values within k points of idx (raw units). */
function medianAround(s: SeriesState, idx: number, k: number, upTo = Infinity): number {
  const v: number[] = [];
  let low = NaN;
  for (let i = Math.max(s.startIdx, idx - k); i <= Math.min(s.consumed - 1, idx + k); i++) {
    const x = s.series.values.get(i);
    if (!Number.isFinite(x)) continue;
    if (x <= upTo) v.push(x);
    if (!(x >= low)) low = x;
  }
  return v.length > 0 ? median(v) : low;
}

export function detectDivergence(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  // loss terms may legitimately rise while the total falls: judge the total when it is logged
  let targets = ctx.rs.byRole('train_loss');
  if (targets.length === 0) targets = ctx.rs.byRole('loss_part');
  for (const cur of targets) {
    const segs = ctx.rs.segments(cur);
    segs.forEach((s, k) => {
      if (s.isLog) check(ctx, s, k === segs.length - 1 ? '' : `seg${k}`);
    });
  }
}

/**
 * A short series (fewer than divergenceMinPoints values, too few for the smoothed level):
 * its last divergenceShortPoints values (at least a third of it) are all at least
 * divergenceShortRatio times its lowest value before them, and it never came back below that.
 * Quoted in logged values.
 */
function checkShort(ctx: Ctx, s: SeriesState, idSuffix: string): void {
  const st = ctx.st;
  const v: number[] = [];
  const at: number[] = [];
  for (let i = s.startIdx; i < s.consumed; i++) {
    const x = s.series.values.get(i);
    if (Number.isFinite(x)) {
      v.push(x);
      at.push(i);
    }
  }
  const k = Math.max(st.divergenceShortPoints, Math.ceil(v.length / 3));
  if (v.length < k + 2) return;
  let lo = 0;
  for (let i = 1; i < v.length - k; i++) if (v[i] < v[lo]) lo = i;
  if (!(v[lo] > 0)) return;
  const tail = v.slice(v.length - k);
  if (tail.some(x => !(x >= st.divergenceShortRatio * v[lo]))) return;
  // onset: the first value after the lowest from which it stayed that high
  let on = v.length - k;
  while (on - 1 > lo && v[on - 1] >= st.divergenceShortRatio * v[lo]) on--;
  if (!idSuffix) ctx.diverged.add(s.name);
  const level = median(tail);
  emit(ctx, {
    kind: 'divergence',
    severity: 'error',
    state: s,
    idx: at[on],
    endStep: s.stepAt(at[at.length - 1]),
    title: ['divergence.title'],
    message: [
      [
        'divergence.short',
        { best: fmtNum(v[lo]), bestStep: fmtStep(s.stepAt(at[lo])), level: fmtNum(level), points: k, ratio: fmtRatio(level / v[lo]), step: fmtStep(s.stepAt(at[on])) },
      ],
    ],
    evidence: { rule: 'short', bestLevel: v[lo], bestStep: s.stepAt(at[lo]), level, ratio: level / v[lo], onsetStep: s.stepAt(at[on]), points: v.length },
    confidence: 0.7,
    idSuffix: idSuffix || undefined,
  });
}

function check(ctx: Ctx, s: SeriesState, idSuffix: string): void {
  if (!checkFinal(ctx, s, idSuffix) && s.valid >= ctx.st.divergenceMinPoints) checkRecovered(ctx, s, idSuffix);
}

/** Whether the schedule or a restart explains a rise that starts at index `onset`. */
function scheduleExplainsRise(ctx: Ctx, s: SeriesState, onset: number, bestIdx: number): boolean {
  const st = ctx.st;
  const guard = st.scheduleGuardPoints;
  for (const r of s.restarts) if (Math.abs(r.idx - onset) <= guard + st.divergenceSpan) return true;
  const onsetStep = s.stepAt(onset);
  const g = (guard + st.divergenceSpan) * stepSpacing(s);
  const lr = ctx.lr;
  if (lr) {
    if (lr.jumpUpIn(onsetStep - g, onsetStep + g)) return true;
    if (lr.isCyclic() && lr.lrAt(onsetStep) >= st.lrStepFactor * lr.lrAt(s.stepAt(bestIdx))) return true;
  }
  return s.role === 'train_loss' && termSwitchedOn(ctx, onsetStep, g);
}

/** Values of a loss term that show it was off (exactly 0) before a step. */
const TERM_OFF_MIN_POINTS = 3;

/**
 * Whether a term of the loss that was 0 up to the rise is on from it (within `g` steps after
 * `onsetStep`): the objective changed there (a stage of a multi-stage training adds its terms,
 * a clustering method its pseudo-label losses, a KL weight starts from 0), and the total is
 * no longer the same quantity. Its last TERM_OFF_MIN_POINTS values before the onset must be 0.
 */
function termSwitchedOn(ctx: Ctx, onsetStep: number, g: number): boolean {
  for (const p of ctx.rs.byRole('loss_part')) {
    const steps = p.series.steps;
    const values = p.series.values;
    const n = p.series.length;
    let i = 0;
    while (i < n && steps.get(i) < onsetStep) i++;
    let before = 0;
    let off = true;
    for (let k = i - 1; k >= 0 && before < TERM_OFF_MIN_POINTS; k--) {
      const v = values.get(k);
      if (!Number.isFinite(v)) continue;
      if (v !== 0) off = false;
      before++;
    }
    if (!off || before < TERM_OFF_MIN_POINTS) continue;
    for (let k = i; k < n && steps.get(k) <= onsetStep + g; k++) if (values.get(k) > 0) return true;
  }
  return false;
}

/**
 * The longest stretch of logged values at the end of the series (at most `maxBack` valid values,
 * the last value logged among them)
 * that starts with a value above `cut` (y units) and has at least `share` of its values above
 * it: its length in valid values, 0 when none.
 */
function endExcursion(s: SeriesState, cut: number, share: number, maxBack: number): number {
  // (a series that ends in values it cannot read, NaN or a logger's 0 for one, ends in those:
  // the non-finite finding speaks of them, and this is no stretch to the end)
  // (and only a positive loss: one that goes below 0, a GAN's generator, has no "times higher")
  if (!s.isLog || s.lastValidIdx < s.consumed - 1) return 0;
  let n = 0;
  let above = 0;
  let best = 0;
  for (let i = s.lastValidIdx; i >= s.startIdx && n < maxBack; i--) {
    const x = s.series.values.get(i);
    // (an unreadable value ends the stretch: a loss that also goes below 0 has only its
    // positive values read, and those of different times are no one stretch)
    if (!Number.isFinite(x) || !(x > 0)) break;
    n++;
    const up = (s.isLog ? Math.log(x) : x) > cut;
    if (up) {
      above++;
      if (above >= share * n) best = n;
    }
  }
  return best;
}

/** The share of the values logged before a rise that its level must be above. */
const RECENT_RANGE_QUANTILE = 0.9;

/**
 * A rise that starts within the smoothed level's first `span` values (its best then rests on a
 * few values) must take the level above most of the values logged before it
 * (RECENT_RANGE_QUANTILE of them; true with fewer than 3, or later in the series). A heavy-tailed
 * per-batch loss (a captioner's cost, 14 to 600 with the caption's length) whose smoothed level
 * started from three small values climbs to its true level: that is no rise, its values were
 * there from the start. A blow-up after three epochs (5.4e30, then 3.19e31) still is one.
 */
function aboveRecentRange(s: SeriesState, onset: number, level: number, span: number): boolean {
  if (onset - s.startIdx >= span) return true;
  const before: number[] = [];
  for (let i = onset - 1; i >= s.startIdx; i--) {
    const x = s.series.values.get(i);
    if (Number.isFinite(x) && (!s.isLog || x > 0)) before.push(s.isLog ? Math.log(x) : x);
  }
  if (before.length < 3) return true;
  before.sort((a, b) => a - b);
  return level > before[Math.min(before.length - 1, Math.floor(RECENT_RANGE_QUANTILE * before.length))];
}

/** Divergence to the end of the series (error); false when there is none. */
function checkFinal(ctx: Ctx, s: SeriesState, idSuffix: string): boolean {
  const st = ctx.st;
  const lv = s.level;
  if (s.valid < st.divergenceMinPoints) {
    checkShort(ctx, s, idSuffix);
    return true;
  }
  if (!lv || s.valid < st.divergenceMinPoints || lv.lastNearIdx < 0) return false;
  const best = lv.best;
  const thr = lv.threshold;
  const last = s.lastValidIdx;
  const tail = s.tailValues();
  if (tail.y.length < 5) return false;
  let above = 0;
  for (const y of tail.y) if (y > best + thr / 2) above++;
  // The smoothed level lags a jump by a few values: while it has not been up for
  // divergenceMinPoints values, an excursion of that many logged values at the end counts (a
  // resumed run whose loss jumped 330x and stayed there for its last 20 epochs).
  // (the level and the count quoted: over the last 32 values, or over that stretch)
  let k = tail.y.length;
  if (last - lv.lastNearIdx < st.divergenceMinPoints) {
    const len = endExcursion(s, best + thr / 2, st.divergenceTailShare, 8 * st.divergenceMinPoints);
    if (len < st.divergenceMinPoints) return false;
    k = Math.min(len, tail.y.length);
  } else if (above < st.divergenceTailShare * tail.y.length) return false;
  const level = s.tailMedian(k);
  const rise = level - best;
  if (!(rise >= thr)) return false;
  const onset = refineOnset(s, lv, best + thr / 4, st.divergenceSpan);
  const onsetStep = s.stepAt(onset);
  if (!aboveRecentRange(s, onset, level, st.divergenceSpan)) return false;
  // schedule / restart attribution
  if (scheduleExplainsRise(ctx, s, onset, lv.bestIdx)) return false;
  if (!idSuffix) ctx.diverged.add(s.name);
  // Quoted from the logged values: the median of the 5 around the best level's point and of
  // the tail (the smoothed level only decides).
  // (only the values at the best level: a jump right after the best is not "around" it)
  const bestLogged = medianAround(s, lv.bestIdx, 2, s.raw(best + thr / 2));
  const tailLogged = s.raw(level);
  const ratio = tailLogged / bestLogged;
  emit(ctx, {
    kind: 'divergence',
    severity: 'error',
    state: s,
    idx: onset,
    endStep: s.stepAt(last),
    title: ['divergence.title'],
    message: [
      [
        'divergence.message',
        {
          best: fmtNum(bestLogged),
          bestStep: fmtStep(s.stepAt(lv.bestIdx)),
          level: fmtNum(tailLogged),
          points: k,
          ratio: fmtRatio(ratio),
          step: fmtStep(onsetStep),
        },
      ],
    ],
    evidence: {
      bestLevel: bestLogged,
      smoothedBestLevel: Math.exp(best),
      bestStep: s.stepAt(lv.bestIdx),
      level: tailLogged,
      ratio,
      thresholdRatio: Math.exp(thr),
      onsetStep,
      pointsSinceOnset: last - onset + 1,
      tailShareAbove: above / tail.y.length,
      noise: s.localNoise.sigma,
    },
    confidence: confidenceFromRatio(rise / thr, 0.6),
    idSuffix: idSuffix || undefined,
  });
  return true;
}

/**
 * Divergence that came back (warning): on the coarse points (block medians, smoothed by a
 * running median of 3), the longest stretch at least divergenceMinRatio times (and
 * divergenceNoiseZ coarse noise units) above the lowest coarse point before it, lasting at least divergenceMinPoints values, after which the loss came
 * back under that line (a learning rate too high that an LR decay or the next epoch rescued).
 * The loss must have learned before it (its best at most 1 - divergenceRecoveredMinLearned of
 * the highest coarse point before the best) and the rise undo at least divergenceRecoveredMinUndo of that: not a rise
 * in the first steps, nor a small one on a loss near zero after a lucky dip. Not when the
 * schedule (an LR jump up, a cyclic LR's up-phase) or a restart explains it. Quoted in logged
 * values: the median of those in the stretch against the median of the five around the best.
 */
function checkRecovered(ctx: Ctx, s: SeriesState, idSuffix: string): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  if (idx.length < 5) return;
  const m = runningMedian3(idx.map(j => s.blocks.med[j]));
  // beyond the noise of the coarse points too (heavy-tailed minibatch losses wander far)
  const up = Math.max(Math.log(Math.max(1, st.divergenceMinRatio)), st.divergenceNoiseZ * s.blocks.coarseNoise());
  let best = 0;
  let found: { a: number; b: number; best: number } | undefined;
  let len = 0;
  for (let q = 1, a = -1; q < m.length; q++) {
    if (a < 0 && m[q] < m[best]) best = q;
    if (m[q] >= m[best] + up) {
      if (a < 0) a = q;
      continue;
    }
    if (a >= 0) {
      // came back at q: the stretch a .. q-1, in raw values
      const n = s.blocks.endIdx[idx[q - 1]] - s.blocks.startIdx[idx[a]];
      if (n >= st.divergenceMinPoints && n > len) {
        found = { a, b: q, best };
        len = n;
      }
      a = -1;
      if (m[q] < m[best]) best = q;
    }
  }
  if (!found) return;
  const from = s.blocks.startIdx[idx[found.a]];
  const to = s.blocks.endIdx[idx[found.b - 1]];
  const bj = idx[found.best];
  const bestIdx = s.blocks.minIdx[bj] >= 0 ? s.blocks.minIdx[bj] : s.blocks.startIdx[bj];
  const bestLogged = medianAround(s, bestIdx, 2);
  const inside: number[] = [];
  for (let i = from; i < to; i++) {
    const x = s.series.values.get(i);
    if (Number.isFinite(x)) inside.push(x);
  }
  const level = median(inside);
  if (!(bestLogged > 0) || !(level >= st.divergenceMinRatio * bestLogged)) return;
  // (the highest smoothed level before the best: where it started from)
  let top = -Infinity;
  for (let q = 0; q <= found.best; q++) top = Math.max(top, m[q]);
  const init = s.raw(top);
  const learned = init - bestLogged;
  if (!(bestLogged <= (1 - st.divergenceRecoveredMinLearned) * init) || !(level - bestLogged >= st.divergenceRecoveredMinUndo * learned)) return;
  if (scheduleExplainsRise(ctx, s, from, bestIdx)) return;
  const back = s.blocks.startIdx[idx[found.b]];
  const ratio = level / bestLogged;
  emit(ctx, {
    kind: 'divergence',
    severity: 'warning',
    state: s,
    idx: from,
    endStep: s.stepAt(back),
    title: ['divergence.titleRecovered'],
    message: [
      [
        'divergence.recovered',
        {
          best: fmtNum(bestLogged),
          bestStep: fmtStep(s.stepAt(bestIdx)),
          level: fmtNum(level),
          ratio: fmtRatio(ratio),
          step: fmtStep(s.stepAt(from)),
          endStep: fmtStep(s.stepAt(to - 1)),
          points: inside.length,
        },
      ],
    ],
    evidence: {
      rule: 'recovered',
      bestLevel: bestLogged,
      bestStep: s.stepAt(bestIdx),
      level,
      ratio,
      thresholdRatio: st.divergenceMinRatio,
      onsetStep: s.stepAt(from),
      backStep: s.stepAt(back),
      points: inside.length,
      initialLevel: init,
      undone: (level - bestLogged) / learned,
    },
    confidence: confidenceFromRatio(ratio / st.divergenceMinRatio, 0.5),
    idSuffix: idSuffix ? `${idSuffix}-recovered` : 'recovered',
  });
}

/**
 * The moving average lags: find the first raw point after the best level from which the loss
 * stays above the line (bounded scan around the last "near best" index).
 */
function refineOnset(s: SeriesState, lv: LevelTracker, line: number, span: number): number {
  const vals = s.series.values;
  const near = lv.lastNearIdx;
  const lo = Math.max(0, lv.bestIdx + 1, near - 4 * span);
  const hi = Math.min(s.lastValidIdx, near + 2 * span);
  const y = (i: number): number => {
    const x = vals.get(i);
    return x > 0 && Number.isFinite(x) ? Math.log(x) : NaN;
  };
  for (let i = lo; i <= hi; i++) {
    const yi = y(i);
    if (!(yi > line)) continue;
    let ok = true;
    let seen = 0;
    for (let j = i + 1; j <= Math.min(s.lastValidIdx, i + 12) && seen < 4; j++) {
      const yj = y(j);
      if (yj !== yj) continue;
      seen++;
      if (!(yj > line)) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return Math.min(s.lastValidIdx, near + 1);
}
