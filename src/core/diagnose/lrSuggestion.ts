/**
 * lr-suggestion: the run is an LR range test (the LR rises geometrically over the whole run);
 * suggest the LR where the smoothed loss falls fastest against log(LR), before it blows up —
 * the seed's find_optimal_lr with fastai's / pytorch-lr-finder's "steepest" rule: the test is cut
 * where the debiased EMA of the loss (beta 0.98) exceeds 4x its best (the seed's and fastai's
 * stop rule), the first 10 % and the last 5 points are skipped, and the suggestion is the argmin
 * of d(loss)/d(log lr) on a centred moving average (+-5 % of the points; no EMA lag, which would
 * shift the suggestion towards larger LRs). Also reports fastai's "minimum / 10".
 */
import { fmtNum } from '../i18n';
import { emit, type Ctx } from './context';
import type { SeriesState } from './seriesState';

export function detectLrSuggestion(ctx: Ctx): void {
  const lr = ctx.lr;
  const rt = ctx.rangeTest;
  if (!lr || !rt) return;
  const loss = ctx.rs.primary('train_loss') ?? ctx.rs.primary('loss_part') ?? ctx.rs.primary('val_loss');
  if (!loss) return;
  const st = ctx.st;
  const ls = loss.series;
  const n = ls.length;
  if (n < st.lrRangeMinPoints) return;
  const stride = Math.max(1, Math.ceil(n / st.lrRangeMaxPoints));
  // at most lrRangeMaxPoints points are read (get(): no copy of the whole series)
  const lSteps = ls.steps;
  const lVals = ls.values;
  const rSteps = lr.series.steps;
  const rVals = lr.series.values;
  const rn = lr.series.length;
  const L: number[] = [];
  const R: number[] = [];
  const I: number[] = [];
  let c = -1;
  for (let i = 0; i < n; i += stride) {
    const step = lSteps.get(i);
    while (c + 1 < rn && rSteps.get(c + 1) <= step) c++;
    if (c < 0) continue;
    const x = lVals.get(i);
    const r = rVals.get(c);
    if (!Number.isFinite(x) || !(r > 0)) continue;
    L.push(x);
    R.push(r);
    I.push(i);
  }
  const m = L.length;
  if (m < st.lrRangeMinPoints) return;
  // debiased EMA; cut where it blows up
  const beta = st.lrSmoothBeta;
  const S = new Float64Array(m);
  let avg = 0;
  let best = Infinity;
  let cut = m;
  for (let k = 0; k < m; k++) {
    avg = beta * avg + (1 - beta) * L[k];
    S[k] = avg / (1 - Math.pow(beta, k + 1));
    if (k > 0 && S[k] > st.lrDivergeFactor * best) {
      cut = k;
      break;
    }
    if (S[k] < best) best = S[k];
  }
  const lo = Math.max(1, Math.floor(m * st.lrSkipStart));
  const hi = Math.min(cut, m) - st.lrSkipEnd;
  if (hi - lo < 5) return;
  // centred moving average over the usable part
  const h = Math.max(1, Math.round(m * st.lrSlopeWindow));
  const Z = new Float64Array(m);
  const pre = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) pre[k + 1] = pre[k] + L[k];
  const end = Math.min(cut, m);
  for (let k = 0; k < end; k++) {
    const a = Math.max(0, k - h);
    const b = Math.min(end - 1, k + h);
    Z[k] = (pre[b + 1] - pre[a]) / (b - a + 1);
  }
  let gMin = Infinity;
  let kSteep = -1;
  let sMin = Infinity;
  let kMin = -1;
  for (let k = lo; k < hi; k++) {
    if (Z[k] < sMin) {
      sMin = Z[k];
      kMin = k;
    }
    if (k <= 0 || k + 1 >= end) continue;
    const dx = Math.log(R[k + 1]) - Math.log(R[k - 1]);
    if (!(dx > 0)) continue;
    const g = (Z[k + 1] - Z[k - 1]) / dx;
    if (g < gMin) {
      gMin = g;
      kSteep = k;
    }
  }
  if (kSteep < 0 || !(gMin < 0)) return;
  const lrSteep = R[kSteep];
  const lrMin = kMin >= 0 ? R[kMin] : NaN;
  const msg: Parameters<typeof emit>[1]['message'] = [
    ['lrSuggestion.message', { lrStart: fmtNum(rt.lrStart), lrEnd: fmtNum(rt.lrEnd), lr: fmtNum(lrSteep) }],
  ];
  if (Number.isFinite(lrMin)) msg.push(['lrSuggestion.minimum', { lrMin: fmtNum(lrMin), lrMin10: fmtNum(lrMin / 10) }]);
  const lrDiv = cut < m ? R[cut] : NaN;
  if (Number.isFinite(lrDiv)) msg.push(['lrSuggestion.diverged', { lrDiv: fmtNum(lrDiv) }]);
  const lrText = fmtNum(lrSteep);
  emit(ctx, {
    kind: 'lr-suggestion',
    severity: 'info',
    state: loss as SeriesState,
    idx: I[kSteep],
    title: ['lrSuggestion.title', { lr: lrText }],
    message: msg,
    evidence: {
      lr: lrSteep,
      lrMinimum: lrMin,
      lrMinimumDiv10: lrMin / 10,
      steepestSlope: gMin,
      lrStart: rt.lrStart,
      lrEnd: rt.lrEnd,
      decades: rt.decades,
      r2: rt.r2,
      divergedAtLr: Number.isFinite(lrDiv) ? lrDiv : null,
      points: m,
      lrSeries: lr.name,
    },
    fixParams: { lr: lrText },
    confidence: Math.min(0.9, 0.5 + 0.4 * rt.r2 * Math.min(1, m / 100)),
  });
}
