/**
 * divergence: a sustained rise of the training loss far above its best, with no recovery.
 * Best = running minimum of a moving average of log(loss) (span 30); the rise must exceed
 * max(log 2, 6 noise units of that average), last at least 20 points to the end of the series,
 * and hold for 80 % of the last 32 points. Onset = first point of the final excursion.
 * A rise right after an LR jump up (warm restart), during a cyclic LR's up-phase, or at a
 * restart is the schedule's doing and is not reported; nor is an LR range test.
 */
import { fmtNum, fmtRatio, fmtStep } from '../i18n';
import { emit, stepSpacing, type Ctx } from './context';
import type { SeriesState } from './seriesState';
import { confidenceFromRatio } from './stats';

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

function check(ctx: Ctx, s: SeriesState, idSuffix: string): void {
  const st = ctx.st;
  if (s.valid < st.divergenceMinPoints || s.lastNearIdx < 0) return;
  const best = s.bestLevel;
  const thr = s.divThreshold;
  const last = s.lastValidIdx;
  if (last - s.lastNearIdx < st.divergenceMinPoints) return;
  const tail = s.tailValues();
  if (tail.y.length < 5) return;
  let above = 0;
  for (const y of tail.y) if (y > best + thr / 2) above++;
  if (above < 0.8 * tail.y.length) return;
  const level = s.tailMedian();
  const rise = level - best;
  if (!(rise >= thr)) return;
  const onset = refineOnset(s, best + thr / 4, st.divergenceSpan);
  const onsetStep = s.stepAt(onset);
  // schedule / restart attribution
  const guard = st.scheduleGuardPoints;
  for (const r of s.restarts) if (Math.abs(r.idx - onset) <= guard + st.divergenceSpan) return;
  const lr = ctx.lr;
  if (lr) {
    const g = (guard + st.divergenceSpan) * stepSpacing(s);
    if (lr.jumpUpIn(onsetStep - g, onsetStep + g)) return;
    const bestStep = s.stepAt(s.bestLevelIdx);
    if (lr.isCyclic() && lr.lrAt(onsetStep) >= st.lrStepFactor * lr.lrAt(bestStep)) return;
  }
  if (!idSuffix) ctx.diverged.add(s.name);
  const ratio = Math.exp(rise);
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
          best: fmtNum(Math.exp(best)),
          bestStep: fmtStep(s.stepAt(s.bestLevelIdx)),
          level: fmtNum(Math.exp(level)),
          ratio: fmtRatio(ratio),
          step: fmtStep(onsetStep),
        },
      ],
    ],
    evidence: {
      bestLevel: Math.exp(best),
      bestStep: s.stepAt(s.bestLevelIdx),
      level: Math.exp(level),
      ratio,
      thresholdRatio: Math.exp(thr),
      onsetStep,
      pointsSinceOnset: last - onset + 1,
      tailShareAbove: above / tail.y.length,
      noise: s.sigma,
    },
    confidence: confidenceFromRatio(rise / thr, 0.6),
    idSuffix: idSuffix || undefined,
  });
}

/**
 * The moving average lags: find the first raw point after the best level from which the loss
 * stays above the line (bounded scan around the last "near best" index).
 */
function refineOnset(s: SeriesState, line: number, span: number): number {
  const vals = s.series.values;
  const near = s.lastNearIdx;
  const lo = Math.max(0, s.bestLevelIdx + 1, near - 4 * span);
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
