/**
 * Convergence status (the seed's convergence_analysis) and not-converged.
 *
 * Status: the seed's thresholds (< 0.001 converged, > 0.1 fast, else slow) on the relative
 * improvement over the last `convergencePatience` (10) coarse points (block medians; for series
 * of fewer than `coarsePoints` points these are the points themselves). The seed measures
 * (first - last) / first, which on noisy points is mostly noise; here the improvement is read
 * from a Theil-Sen line through the window and counts as 0 when the change it implies is within
 * 2 coarse noise units (then the status is "converged"). The seed's raw number is kept too.
 * not-converged (info): the training loss is still falling at the end — the robust (Theil-Sen)
 * improvement over that window is above 0.1, or above 1 % with Kendall's tau <= -0.5 — and the
 * seed's improvement is above its converged threshold. Not reported when the run diverged,
 * does not learn, oscillates, overfits, its validation loss no longer falls (training longer
 * would not help), the training loss collapsed below 2 % of its initial level (memorisation),
 * it ends in non-finite or zero values, or is an LR range test.
 */
import { fmtPct, fmtStep, t, type MessageKey } from '../i18n';
import { forecastSentence } from '../forecast/phrase';
import { emit, type Ctx } from './context';
import type { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';
import { kendallZ, theilSen } from './stats';

export type ConvergenceStatus = 'converged' | 'fast' | 'slow' | 'insufficient';

export interface Convergence {
  status: ConvergenceStatus;
  /** The seed's (first - last) / first over the window. */
  improvement: number;
  /** Robust improvement from the Theil-Sen slope over the window. */
  robustImprovement: number;
  tau: number;
  /** Coarse points in the window and the raw points they cover. */
  window: number;
  points: number;
  fromStep: number;
  toStep: number;
}

/** The seed's convergence_analysis on a plain list of values. */
export function convergenceStatus(
  values: ArrayLike<number>,
  patience = 10,
  convergedThreshold = 0.001,
  fastThreshold = 0.1,
): ConvergenceStatus {
  if (values.length < patience) return 'insufficient';
  const a = values[values.length - patience];
  const b = values[values.length - 1];
  const imp = (a - b) / Math.abs(a);
  return imp < convergedThreshold ? 'converged' : imp > fastThreshold ? 'fast' : 'slow';
}

export function convergenceOf(s: SeriesState, st: DiagnoseSettings): Convergence {
  const idx = s.blocks.coarseIndices();
  const p = Math.max(2, st.convergencePatience);
  if (idx.length < p) {
    return { status: 'insufficient', improvement: NaN, robustImprovement: NaN, tau: NaN, window: idx.length, points: 0, fromStep: NaN, toStep: NaN };
  }
  const w = idx.slice(idx.length - p);
  const y = w.map(j => s.blocks.med[j]);
  const raw = y.map(v => s.raw(v));
  const improvement = (raw[0] - raw[p - 1]) / Math.abs(raw[0]);
  const ts = theilSen(y);
  let robust: number;
  if (s.isLog) robust = 1 - Math.exp(ts.slope * (p - 1));
  else {
    let m = 0;
    for (const v of raw) m += Math.abs(v);
    robust = (-ts.slope * (p - 1)) / (m / p || 1);
  }
  // change within noise: converged
  const sc = s.blocks.coarseNoise();
  const significant = !(Math.abs(ts.slope * (p - 1)) < st.convergenceNoiseZ * sc);
  const eff = significant ? robust : 0;
  const status: ConvergenceStatus = eff < st.convergedThreshold ? 'converged' : eff > st.fastThreshold ? 'fast' : 'slow';
  return {
    status,
    improvement,
    robustImprovement: robust,
    tau: ts.tau,
    window: p,
    points: s.blocks.endIdx[w[p - 1]] - s.blocks.startIdx[w[0]],
    fromStep: s.blocks.startStep[w[0]],
    toStep: s.blocks.endStep[w[p - 1]],
  };
}

/** Still improving at the end, significantly. */
export function stillImproving(c: Convergence, st: DiagnoseSettings): boolean {
  if (c.status === 'insufficient' || c.status === 'converged' || !(c.improvement > st.convergedThreshold)) return false;
  return c.robustImprovement > st.fastThreshold || (c.robustImprovement >= st.notConvergedMinImprovement && c.tau <= -st.notConvergedTau);
}

/**
 * The validation loss is no longer improving at its end: its last third (at least 3 coarse
 * points) shows no significant fall (Kendall's tau above -0.3, or a Theil-Sen fall within 2
 * coarse noise units). Training longer would not help then: that is a plateau or overfitting.
 */
export function valStalled(v: SeriesState, st: DiagnoseSettings): boolean {
  const idx = v.blocks.coarseIndices();
  if (idx.length < 4) return false;
  const k = Math.max(3, Math.ceil(idx.length / 3));
  const y = idx.slice(idx.length - k).map(j => v.blocks.med[j]);
  const ts = theilSen(y);
  const fall = -ts.slope * (k - 1);
  return !(ts.tau <= -st.notConvergedValTau && fall > st.convergenceNoiseZ * v.blocks.coarseNoise());
}

/**
 * The fall over the last third of the coarse points (at least convergencePatience of them): a
 * Theil-Sen line in log space, significant when Kendall's tau is 3 standard errors below 0. The
 * seed's window (the last 10 coarse points) is a sliver of a long run; this sees its tail.
 */
export function tailFall(s: SeriesState, st: DiagnoseSettings): { improvement: number; z: number; fromStep: number; toStep: number; points: number } | null {
  const idx = s.blocks.coarseIndices();
  const k = Math.max(st.convergencePatience, Math.ceil(idx.length / 3));
  if (!s.isLog || idx.length < k) return null;
  const w = idx.slice(idx.length - k);
  const ts = theilSen(w.map(j => s.blocks.med[j]));
  return {
    improvement: 1 - Math.exp(ts.slope * (k - 1)),
    z: kendallZ(ts.tau, k),
    fromStep: s.blocks.startStep[w[0]],
    toStep: s.blocks.endStep[w[k - 1]],
    points: s.blocks.endIdx[w[k - 1]] - s.blocks.startIdx[w[0]],
  };
}

export function detectNotConverged(ctx: Ctx): void {
  // (a run with a diverged loss or that overfits is not one to train longer)
  if (ctx.rangeTest || ctx.overfit.size > 0 || ctx.diverged.size > 0) return;
  const st = ctx.st;
  const val = ctx.rs.primary('val_loss');
  // Never "train longer" while the validation loss is flat or rising.
  if (val && val.isLog && valStalled(val, st)) return;
  // The training loss, else the parts of one (YOLO logs box, seg, cls, dfl and no total), else
  // the validation loss when the training loss was logged too rarely to tell.
  let targets = ctx.rs.byRole('train_loss');
  if (targets.length === 0) targets = ctx.rs.byRole('loss_part');
  if (val && val.isLog && targets.every(s => s.blocks.coarseIndices().length < st.convergencePatience)) targets = [val];
  let reported = false;
  for (const s of targets) {
    if (reported && s.role === 'loss_part') break; // one finding for the parts of a loss
    if (ctx.diverged.has(s.name) || ctx.noLearning.has(s.name) || ctx.oscillating.has(s.name)) continue;
    // a series that ends in NaN/Inf, masked NaN or zeros did not end "still improving"
    if (s.lastValidIdx < s.consumed - 1 || s.maskedCount > 0) continue;
    // nor one that collapsed towards zero (memorising the training set)
    if (s.isLog && s.blocks.coarseTail(3) - s.initialLevel() < Math.log(st.notConvergedCollapsedShare)) continue;
    const c = convergenceOf(s, st);
    const tf = tailFall(s, st);
    const byTail = !!tf && tf.improvement >= st.notConvergedTailFall && tf.z <= -st.notConvergedTailZ;
    if (!stillImproving(c, st) && !byTail) continue;
    reported = true;
    ctx.notConverged.add(s.name);
    const seed = stillImproving(c, st);
    const w = seed ? { improvement: c.robustImprovement, fromStep: c.fromStep, toStep: c.toStep, points: c.points } : tf!;
    emit(ctx, {
      kind: 'not-converged',
      severity: 'info',
      state: s,
      step: w.fromStep,
      endStep: w.toStep,
      title: ['notConverged.title'],
      message: [
        // (found by the tail's fall while the guide's window says converged or slow: both said,
        // not "status: converged. Training longer should lower it further.")
        [
          seed ? 'notConverged.message' : 'notConverged.messageTail',
          {
            improvement: fmtPct(w.improvement),
            points: w.points,
            from: fmtStep(w.fromStep),
            to: fmtStep(w.toStep),
            status: t(ctx.lang, `status.${c.status}`),
            window: c.window,
          },
        ],
        // Quantified by the forecaster (src/core/forecast) when it can forecast the series.
        ...quantified(ctx, s),
      ],
      evidence: {
        status: c.status,
        improvement: c.improvement,
        robustImprovement: c.robustImprovement,
        kendallTau: c.tau,
        windowCoarsePoints: c.window,
        windowPoints: c.points,
        tailImprovement: tf ? tf.improvement : null,
        tailKendallZ: tf ? tf.z : null,
        convergedThreshold: st.convergedThreshold,
        fastThreshold: st.fastThreshold,
      },
      confidence: w.improvement > st.fastThreshold ? 0.8 : 0.6,
    });
  }
}

/** The forecast sentence of a still-improving series, as a message part (none without a forecast). */
function quantified(ctx: Ctx, s: SeriesState): Array<[MessageKey, Record<string, string>]> {
  const f = forecastSentence(ctx.run, s.series, ctx.lang, segmentStart(s));
  return f ? [[f.key, f.params]] : [];
}

/**
 * Where the series' last segment starts (the last point whose step went back, else 0), when its
 * state knows it and knows every point from there to the end is finite; undefined otherwise (the
 * forecaster then reads the whole series).
 */
function segmentStart(s: SeriesState): number | undefined {
  if (s.consumed !== s.series.length || s.nonFinite > 0 || s.maskedCount > 0) return undefined;
  // an earlier segment of this series (a resumed run split off) has its own state
  if (s.restartCount > s.restarts.length) return undefined;
  const r = s.restarts;
  return r.length ? r[r.length - 1].idx : s.startIdx;
}
