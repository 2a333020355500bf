/**
 * non-finite: NaN or +-Inf in a loss or gradient norm (step = first bad step, line = its source
 * line), and masked NaN: a loss logged as exactly 0.0 at a step where a gradient norm is NaN
 * (Hugging Face's logging_nan_inf_filter). Isolated, recovered non-finite gradient norms are
 * read as mixed-precision overflow skips (info).
 */
import { fmtPct, fmtRatio, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import { FIX_VARIANTS, type FixId } from './fixes';
import type { SeriesState } from './seriesState';
import type { Severity } from './types';

function what(x: number): string {
  return x !== x ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
}

/** Non-finite bookkeeping of a series summed over its segments (fresh restarts). */
interface Agg {
  count: number;
  points: number;
  firstIdx: number;
  firstValue: number;
  lastIdx: number;
  /** Segment holding the last non-finite value. */
  lastSeg: SeriesState;
  recovered: boolean;
  masked: number;
  maskedIdx: number;
  maskedGrad: string;
}

function aggregate(segs: SeriesState[]): Agg {
  const cur = segs[segs.length - 1];
  const a: Agg = {
    count: 0,
    points: 0,
    firstIdx: -1,
    firstValue: NaN,
    lastIdx: -1,
    lastSeg: cur,
    recovered: !cur.endsNonFinite(),
    masked: 0,
    maskedIdx: -1,
    maskedGrad: '',
  };
  for (const s of segs) {
    a.count += s.nonFinite;
    a.points += s.points;
    if (s.firstBadIdx >= 0 && a.firstIdx < 0) {
      a.firstIdx = s.firstBadIdx;
      a.firstValue = s.firstBadValue;
    }
    if (s.lastBadIdx > a.lastIdx) {
      a.lastIdx = s.lastBadIdx;
      a.lastSeg = s;
    }
    a.masked += s.maskedCount;
    if (s.maskedFirstIdx >= 0 && a.maskedIdx < 0) {
      a.maskedIdx = s.maskedFirstIdx;
      a.maskedGrad = s.maskedGrad;
    }
  }
  return a;
}

export function detectNonFinite(ctx: Ctx): void {
  for (const s of ctx.rs.states.values()) {
    const isLoss = s.role === 'train_loss' || s.role === 'val_loss' || s.role === 'loss_part';
    const isGrad = s.role === 'grad_norm';
    if (!isLoss && !isGrad) continue;
    const a = aggregate(ctx.rs.segments(s));
    if (a.count > 0) reportNonFinite(ctx, s, a, isGrad);
    if (a.masked > 0) reportMasked(ctx, s, a);
  }
}

function reportNonFinite(ctx: Ctx, s: SeriesState, a: Agg, isGrad: boolean): void {
  const st = ctx.st;
  const share = a.count / Math.max(1, a.points);
  const recovered = a.recovered;
  const w = what(a.firstValue);
  const msg: Parameters<typeof emit>[1]['message'] = [
    ['nonFinite.message', { what: w, step: fmtStep(s.stepAt(a.firstIdx)), count: a.count }],
  ];
  let severity: Severity = 'error';
  let fixes: readonly FixId[] | undefined;
  let confidence = 0.99;
  if (ctx.rangeTest && !isGrad) {
    severity = 'info';
    msg.push(['nonFinite.rangeTest']);
    fixes = FIX_VARIANTS.rangeTestNaN;
  } else if (isGrad && recovered && share <= st.nonFiniteGradTolerance) {
    severity = 'info';
    msg.push(['nonFinite.amp', { count: a.count, share: fmtPct(share) }]);
    fixes = FIX_VARIANTS.ampOverflow;
    confidence = 0.7;
  } else if (recovered) {
    if (a.count <= st.nonFiniteIsolatedMax && share <= 0.01) severity = 'warning';
    msg.push(['nonFinite.recovered']);
  } else {
    msg.push(['nonFinite.persistent']);
    const seg = a.lastSeg;
    const rise = seg.level ? seg.level.value - seg.level.best : NaN;
    if (seg.isLog && Number.isFinite(rise) && rise >= Math.log(2)) {
      msg.push(['nonFinite.risen', { ratio: fmtRatio(Math.exp(rise)) }]);
    }
  }
  emit(ctx, {
    kind: 'non-finite',
    severity,
    state: s,
    idx: a.firstIdx,
    endStep: s.stepAt(a.lastIdx),
    title: ['nonFinite.title', { what: w }],
    message: msg,
    evidence: {
      what: w,
      count: a.count,
      points: a.points,
      share,
      firstStep: s.stepAt(a.firstIdx),
      lastStep: s.stepAt(a.lastIdx),
      recovered,
      masked: false,
    },
    fixes,
    confidence,
  });
}

function reportMasked(ctx: Ctx, s: SeriesState, a: Agg): void {
  const idx = a.maskedIdx;
  emit(ctx, {
    kind: 'non-finite',
    severity: 'error',
    state: s,
    idx,
    title: ['nonFinite.maskedTitle'],
    message: [['nonFinite.masked', { step: fmtStep(s.stepAt(idx)), grad: a.maskedGrad, count: a.masked }]],
    evidence: {
      what: 'NaN',
      masked: true,
      count: a.masked,
      firstStep: s.stepAt(idx),
      gradSeries: a.maskedGrad,
    },
    fixes: FIX_VARIANTS.maskedNaN,
    confidence: 0.9,
    idSuffix: 'masked',
  });
}
