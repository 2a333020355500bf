/**
 * overfitting: the validation loss rises from its minimum while the training loss keeps
 * falling (or at least does not rise). Onset = step of the best validation loss (the lowest
 * coarse point; for up to `coarsePoints` evaluations this is the exact best evaluation).
 * The best level is the minimum of a running median of 3 coarse points. Persistence: at least 3
 * coarse points after the best, the last three (or all) of them above best + half the threshold,
 * and their median above best + max(2 %, (3 + 0.67 sqrt(2 ln K)) coarse noise units), the second
 * term being the expected depth of the minimum of K smoothed noisy evaluations.
 * The training loss near the onset vs at the end tells "kept falling" from "flat"; a rising
 * training loss means instability, not overfitting. Overfitting is the validation loss rising
 * while the training loss keeps falling: when the training loss is not measurably falling (flat
 * within 2 of its coarse noise units, or not logged) the rise must also reach 5 %, since a
 * converged model's validation loss drifts by a few percent. Evidence includes the seed's trend
 * (slope of the last 10 validation points, plot_loss_curves).
 * Capacity rule (seed's model_capacity_analysis): training accuracy > 0.9 with validation
 * accuracy < 0.7 is also reported as overfitting when the loss rule did not fire.
 */
import { fmtChange, fmtNum, fmtPct, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import { FIX_VARIANTS } from './fixes';
import type { SeriesState } from './seriesState';
import { confidenceFromRatio, olsSlope, runningMedian3 } from './stats';

export function detectOverfitting(ctx: Ctx): void {
  for (const s of ctx.rs.byRole('val_loss')) {
    if (!s.isLog) continue;
    check(ctx, s);
  }
  if (ctx.overfit.size === 0) capacityRule(ctx);
}

/** Slope of the last N validation values (raw units), the seed's overfitting trend. */
export function valTrend(s: SeriesState, n: number): number {
  const tail = s.tailValues(n);
  if (tail.y.length < n) return NaN;
  return olsSlope(Array.from(tail.y, v => s.raw(v)));
}

function check(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  const K = idx.length;
  if (K < st.overfitMinPoints + 2) return;
  // best level on a running median of 3 (the minimum of single noisy evaluations is biased low)
  const m = runningMedian3(idx.map(j => s.blocks.med[j]));
  let kb = 0;
  for (let q = 1; q < K; q++) if (m[q] < m[kb]) kb = q;
  const b = { k: kb, j: idx[kb] };
  const after = K - 1 - b.k;
  if (after < st.overfitMinPoints) return;
  const best = m[kb];
  const k = Math.min(3, after);
  const lastK = idx.slice(K - k).map(j => s.blocks.med[j]);
  const tail = s.blocks.coarseTail(k);
  const sc = s.blocks.coarseNoise();
  // noise units, plus the expected depth of the minimum of K smoothed noisy points
  const thr = Math.max(Math.log(1 + st.overfitMinRise), sc * (st.overfitNoiseZ + 0.67 * Math.sqrt(2 * Math.log(K))));
  const rise = tail - best;
  if (!(rise >= thr)) return;
  if (lastK.some(v => !(v > best + thr / 2))) return;
  // onset: the lowest evaluation among the coarse points around the smoothed minimum
  let oj = b.j;
  for (let q = Math.max(0, kb - 1); q <= Math.min(K - 1, kb + 1); q++) if (s.blocks.min[idx[q]] < s.blocks.min[oj]) oj = idx[q];
  const onsetIdx = s.blocks.minIdx[oj] >= 0 ? s.blocks.minIdx[oj] : s.blocks.startIdx[oj];
  const onsetStep = s.stepAt(onsetIdx);
  // training loss around the onset vs at the end
  const tr = ctx.rs.trainFor(s);
  let trainChange = NaN;
  let trend: 'falling' | 'flat' | 'none' = 'none';
  if (tr && tr.isLog && tr.blocks.coarseIndices().length >= 3) {
    const atBest = tr.blocks.coarseAtStep(onsetStep);
    const end = tr.blocks.coarseTail(3);
    const tol = Math.max(Math.log(1.005), 2 * tr.blocks.coarseNoise());
    trainChange = end - atBest;
    if (trainChange > tol) return; // both rising: instability, not overfitting
    trend = trainChange < -tol ? 'falling' : 'flat';
  }
  // without a training loss that keeps falling, only a larger rise is overfitting
  const minRise = trend === 'falling' ? st.overfitMinRise : Math.max(st.overfitMinRise, st.overfitFlatTrainMinRise);
  const needed = Math.max(thr, Math.log(1 + minRise));
  if (!(rise >= needed)) return;
  const slope = valTrend(s, st.overfitTrendPoints);
  const trendUp = slope > 0;
  ctx.overfit.add(s.name);
  const msg: Parameters<typeof emit>[1]['message'] = [
    [
      'overfitting.message',
      { step: fmtStep(onsetStep), best: fmtNum(Math.exp(best)), rise: fmtPct(Math.exp(rise) - 1), level: fmtNum(Math.exp(tail)) },
    ],
  ];
  if (trend === 'falling') msg.push(['overfitting.trainFalling', { change: fmtChange(Math.exp(trainChange) - 1) }]);
  else if (trend === 'flat') msg.push(['overfitting.trainFlat', { change: fmtChange(Math.exp(trainChange) - 1) }]);
  else msg.push(['overfitting.noTrain']);
  if (trendUp) msg.push(['overfitting.trend', { n: st.overfitTrendPoints, slope: fmtNum(slope) }]);
  const total = s.points;
  const lastStep = s.lastStep;
  const span = lastStep - s.firstStep;
  emit(ctx, {
    kind: 'overfitting',
    severity: 'warning',
    state: s,
    idx: onsetIdx,
    endStep: lastStep,
    title: ['overfitting.title', { step: fmtStep(onsetStep) }],
    message: msg,
    evidence: {
      rule: 'val-rise',
      bestStep: onsetStep,
      best: Math.exp(best),
      level: Math.exp(tail),
      rise: Math.exp(rise) - 1,
      threshold: Math.exp(needed) - 1,
      coarsePointsAfterBest: after,
      trainChange: Number.isFinite(trainChange) ? Math.exp(trainChange) - 1 : null,
      trainTrend: trend,
      trend10Slope: Number.isFinite(slope) ? slope : null,
      trend10Rising: Number.isFinite(slope) ? trendUp : null,
      afterBestShare: span > 0 && s.restartCount === 0 ? (lastStep - onsetStep) / span : (s.consumed - 1 - onsetIdx) / Math.max(1, total - 1),
    },
    confidence:
      confidenceFromRatio(rise / needed, 0.55) * (trend === 'falling' ? 1 : trend === 'flat' ? 0.85 : 0.8) * (trendUp || !Number.isFinite(slope) ? 1 : 0.85),
  });
}

/** Final accuracy (0..1) of an accuracy series: median of the last coarse points. */
export function accLevel(s: SeriesState | undefined): number {
  if (!s || s.valid === 0) return NaN;
  const scale = s.maxY > 1.5 ? 100 : 1;
  return s.blocks.coarseTail(3) / scale;
}

export type Capacity = 'overfit' | 'underfit' | 'ok' | 'unclear';

/** The seed's model_capacity_analysis. */
export function capacity(trainAcc: number, valAcc: number, high = 0.9, low = 0.7, gap = 0.05): Capacity {
  if (trainAcc > high && valAcc < low) return 'overfit';
  if (trainAcc < low && valAcc < low) return 'underfit';
  if (Math.abs(trainAcc - valAcc) < gap) return 'ok';
  return 'unclear';
}

function capacityRule(ctx: Ctx): void {
  const st = ctx.st;
  const ta = ctx.rs.primary('train_acc');
  const va = ctx.rs.primary('val_acc');
  if (!ta || !va) return;
  const tAcc = accLevel(ta);
  const vAcc = accLevel(va);
  if (capacity(tAcc, vAcc, st.capacityHighAcc, st.capacityLowAcc, st.capacityGap) !== 'overfit') return;
  ctx.overfit.add(va.name);
  emit(ctx, {
    kind: 'overfitting',
    severity: 'warning',
    state: va,
    idx: va.maxIdx,
    endStep: va.lastStep,
    title: ['overfitting.capacityTitle'],
    message: [
      [
        'overfitting.capacity',
        { trainAcc: fmtPct(tAcc), valAcc: fmtPct(vAcc), high: fmtPct(st.capacityHighAcc), low: fmtPct(st.capacityLowAcc) },
      ],
    ],
    evidence: { rule: 'capacity', trainAcc: tAcc, valAcc: vAcc, highAcc: st.capacityHighAcc, lowAcc: st.capacityLowAcc, bestValAccStep: va.stepAt(va.maxIdx) },
    fixes: FIX_VARIANTS.overfitCapacity,
    confidence: 0.6,
    idSuffix: 'capacity',
  });
}
