/**
 * non-finite: NaN or +-Inf in a loss or gradient norm (step = first bad step, line = its source
 * line), and masked NaN: a loss logged as exactly 0.0 at a step where a gradient norm is NaN
 * (Hugging Face's logging_nan_inf_filter). Isolated, recovered non-finite gradient norms are
 * read as mixed-precision overflow skips (info).
 */
import { fmtNum, fmtPct, fmtStep, t } from '../i18n';
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
  /** The step at which the log starts again after a run that ended non-finite (NaN: none). */
  restartStep: number;
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
    restartStep: NaN,
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
  // A run that ended non-finite and was started again (the finite values after it are another
  // run's): not recovered; it stayed non-finite until that restart.
  const k = segs.indexOf(a.lastSeg);
  if (k >= 0 && k < segs.length - 1 && a.lastSeg.endsNonFinite()) {
    a.recovered = false;
    a.restartStep = segs[k + 1].firstStep;
  }
  return a;
}

interface Bad {
  s: SeriesState;
  a: Agg;
  isGrad: boolean;
  /** An error of its own (not an isolated AMP skip or a range test's end). */
  blowUp: boolean;
}

/**
 * One event, one finding: the series that blow up together (persistent non-finite values in
 * the loss, the validation loss, the gradient norm, ...) give one finding on the primary one
 * (the main training loss when it is among them, else the first to go bad) naming the others.
 */
export function detectNonFinite(ctx: Ctx): void {
  const bad: Bad[] = [];
  for (const s of ctx.rs.states.values()) {
    const isLoss = s.role === 'train_loss' || s.role === 'val_loss' || s.role === 'loss_part';
    const isGrad = s.role === 'grad_norm';
    if (!isLoss && !isGrad) continue;
    const a = aggregate(ctx.rs.segments(s));
    if (a.count > 0) {
      const ampLike = isGrad && a.recovered && a.count / Math.max(1, a.points) <= ctx.st.nonFiniteGradTolerance;
      bad.push({ s, a, isGrad, blowUp: !a.recovered && !ampLike && !(ctx.rangeTest && !isGrad) });
    }
    if (a.masked > 0) reportMasked(ctx, s, a);
  }
  const blowUps = bad.filter(b => b.blowUp);
  let primary: Bad | undefined;
  if (blowUps.length > 1) {
    const main = ctx.rs.primary('train_loss');
    // else the first to go bad (the onset of the event)
    primary = blowUps.find(b => b.s === main) ?? [...blowUps].sort((x, y) => firstStep(x) - firstStep(y))[0];
  }
  for (const b of bad) {
    if (primary && b.blowUp && b !== primary) continue;
    reportNonFinite(ctx, b.s, b.a, b.isGrad, b === primary ? blowUps.filter(o => o !== b) : []);
  }
}

function firstStep(b: Bad): number {
  return b.s.stepAt(b.a.firstIdx);
}

/**
 * How the series rose before its first non-finite value, in logged values: from its lowest
 * finite value to the last finite one before (looking back at most 4,096 points). Null when it
 * did not at least double.
 */
function riseBefore(s: SeriesState, firstIdx: number): { from: number; fromIdx: number; to: number; toIdx: number } | null {
  const v = s.series.values;
  const lo = Math.max(s.startIdx, firstIdx - 4096);
  let toIdx = -1;
  for (let i = firstIdx - 1; i >= lo; i--) {
    if (Number.isFinite(v.get(i))) {
      toIdx = i;
      break;
    }
  }
  if (toIdx < 0) return null;
  let fromIdx = toIdx;
  for (let i = lo; i < toIdx; i++) {
    const x = v.get(i);
    if (Number.isFinite(x) && x < v.get(fromIdx)) fromIdx = i;
  }
  const from = v.get(fromIdx);
  const to = v.get(toIdx);
  return from > 0 && to >= 2 * from ? { from, fromIdx, to, toIdx } : null;
}

function reportNonFinite(ctx: Ctx, s: SeriesState, a: Agg, isGrad: boolean, others: readonly Bad[]): void {
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
    msg.push(a.restartStep === a.restartStep ? ['nonFinite.untilRestart', { step: fmtStep(a.restartStep) }] : ['nonFinite.persistent']);
    const seg = a.lastSeg;
    const r = seg === s || seg.series === s.series ? riseBefore(seg, seg.firstBadIdx >= 0 ? seg.firstBadIdx : a.firstIdx) : null;
    if (r) {
      msg.push([
        'nonFinite.risen',
        { from: fmtNum(r.from), fromStep: fmtStep(seg.stepAt(r.fromIdx)), to: fmtNum(r.to), toStep: fmtStep(seg.stepAt(r.toIdx)) },
      ]);
    }
  }
  if (others.length > 0) {
    const items = others.map(o => t(ctx.lang, 'nonFinite.alsoItem', { series: o.s.name, what: what(o.a.firstValue), step: fmtStep(firstStep(o)) }));
    msg.push(['nonFinite.also', { others: items.join(ctx.lang === 'zh-cn' ? '，' : ', ') }]);
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
      alsoNonFinite: others.map(o => o.s.name).join(', ') || null,
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
