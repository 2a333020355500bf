/**
 * gradient-explosion and vanishing-gradient, from a logged gradient norm (log space).
 *
 * Explosion (growth): the median of the last 3 coarse points is at least 10x the lowest earlier
 * coarse point and 10^0.5 above the series' median, and each of the last 3 is above
 * min x 10^0.5; error when the training loss diverged or went non-finite, else warning.
 * Explosion (spikes): points more than 6 noise units and 5x above the local level that come
 * back (same detector as loss spikes), one grouped finding per series with every spike step: a
 * warning from 2 spikes or when the training loss diverged or went non-finite; a single spike
 * that recovered while the loss stayed healthy is info (one bad batch, not an explosion).
 * Vanishing: the gradient norm decayed 100x from its peak coarse point (or is below 1e-7), sits
 * at its lowest, while the training loss is flat (not still improving) and still at least half
 * of its initial value (a converged, near-zero loss legitimately has tiny gradients).
 */
import { fmtNum, fmtRatio, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import { convergenceOf, stillImproving } from './convergence';
import { FIX_VARIANTS } from './fixes';
import type { SeriesState } from './seriesState';
import { keptSpikes } from './spike';
import { confidenceFromRatio, median } from './stats';

const MAX_STEPS_IN_EVIDENCE = 200;

export function detectGradients(ctx: Ctx): void {
  for (const s of ctx.rs.byRole('grad_norm')) {
    if (!s.isLog) continue;
    growth(ctx, s);
    spikes(ctx, s);
    vanishing(ctx, s);
  }
}

function growth(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  if (idx.length < 6) return;
  const f = Math.log(Math.max(1, st.gradGrowthFactor));
  const y = idx.map(j => s.blocks.med[j]);
  let minK = 0;
  for (let k = 1; k < y.length - 3; k++) if (y[k] < y[minK]) minK = k;
  const min = y[minK];
  const tail = s.blocks.coarseTail(3);
  const typical = median(y);
  if (!(tail - min >= f && tail - typical >= f / 2)) return;
  for (let k = y.length - 3; k < y.length; k++) if (!(y[k] > min + f / 2)) return;
  let on = y.length - 1;
  while (on - 1 > minK && y[on - 1] > min + f / 2) on--;
  const onsetJ = idx[on];
  const lossBroke = trainLossBroke(ctx);
  const factor = Math.exp(tail - min);
  emit(ctx, {
    kind: 'gradient-explosion',
    severity: lossBroke ? 'error' : 'warning',
    state: s,
    idx: s.blocks.startIdx[onsetJ],
    endStep: s.lastStep,
    title: ['gradExplosion.title'],
    message: [
      [
        'gradExplosion.growth',
        {
          factor: fmtRatio(factor),
          min: fmtNum(Math.exp(min)),
          minStep: fmtStep(s.blocks.startStep[idx[minK]]),
          step: fmtStep(s.blocks.startStep[onsetJ]),
          level: fmtNum(Math.exp(tail)),
        },
      ],
    ],
    evidence: {
      rule: 'growth',
      minLevel: Math.exp(min),
      minStep: s.blocks.startStep[idx[minK]],
      level: Math.exp(tail),
      typical: Math.exp(typical),
      factor,
      thresholdFactor: st.gradGrowthFactor,
      lossDiverged: lossBroke,
    },
    confidence: confidenceFromRatio((tail - min) / f, 0.6),
    idSuffix: 'growth',
  });
}

/** The main training loss diverged or went non-finite. */
function trainLossBroke(ctx: Ctx): boolean {
  const tr = ctx.rs.primary('train_loss');
  return !!tr && (ctx.diverged.has(tr.name) || tr.nonFinite > 0);
}

function spikes(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const kept = keptSpikes(ctx, s);
  if (kept.length === 0) return;
  const count = kept.length + Math.max(0, s.spikes!.count - s.spikes!.records.length);
  let top = kept[0];
  for (const sp of kept) if (sp.height > top.height) top = sp;
  const first = kept[0];
  const last = kept[kept.length - 1];
  const ratio = Math.exp(top.height);
  const lossBroke = trainLossBroke(ctx);
  emit(ctx, {
    kind: 'gradient-explosion',
    severity: count >= st.gradSpikeWarnCount || lossBroke ? 'warning' : 'info',
    state: s,
    idx: first.start,
    endStep: s.stepAt(last.end),
    title: ['gradExplosion.spikesTitle'],
    message: [['gradExplosion.spikes', { count, step: fmtStep(s.stepAt(first.start)), ratio: fmtRatio(ratio), z: fmtRatio(top.z) }]],
    evidence: {
      rule: 'spikes',
      count,
      maxRatio: ratio,
      maxZ: top.z,
      maxStep: s.stepAt(top.peak),
      thresholdZ: st.gradSpikeZ,
      thresholdRatio: st.gradSpikeMinRatio,
      warnCount: st.gradSpikeWarnCount,
      lossBroke,
      steps: kept.slice(0, MAX_STEPS_IN_EVIDENCE).map(sp => s.stepAt(sp.start)),
    },
    fixes: FIX_VARIANTS.gradSpikes,
    confidence: confidenceFromRatio(top.z / st.gradSpikeZ, 0.6),
    idSuffix: 'spikes',
  });
}

function vanishing(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  if (idx.length < 6) return;
  const tr = ctx.rs.primary('train_loss');
  if (!tr || !tr.isLog || ctx.diverged.has(tr.name)) return;
  const conv = convergenceOf(tr, st);
  if (conv.status === 'insufficient' || stillImproving(conv, st)) return;
  const lossEnd = tr.blocks.coarseTail(3);
  const lossInit = tr.initialLevel();
  if (!(lossEnd - lossInit >= Math.log(st.vanishLossMinRemaining))) return;
  let peakK = 0;
  const y = idx.map(j => s.blocks.med[j]);
  for (let k = 1; k < y.length; k++) if (y[k] > y[peakK]) peakK = k;
  const tail = s.blocks.coarseTail(3);
  const decay = y[peakK] - tail;
  const tiny = Math.exp(tail) < st.vanishAbsNorm;
  const f = Math.log(Math.max(1, st.vanishFactor));
  if (!(decay >= f) && !tiny) return;
  // decaying: the end sits at the lowest levels of the series
  const rest = y.slice(0, Math.max(1, y.length - 3));
  if (!(tail <= median(rest))) return;
  const factor = Math.exp(decay);
  emit(ctx, {
    kind: 'vanishing-gradient',
    severity: 'warning',
    state: s,
    idx: s.blocks.startIdx[idx[peakK]],
    endStep: s.lastStep,
    title: ['vanishing.title'],
    message: [
      [
        'vanishing.message',
        {
          factor: fmtRatio(factor),
          peak: fmtNum(Math.exp(y[peakK])),
          peakStep: fmtStep(s.blocks.startStep[idx[peakK]]),
          level: fmtNum(Math.exp(tail)),
          loss: fmtNum(Math.exp(lossEnd)),
        },
      ],
    ],
    evidence: {
      peak: Math.exp(y[peakK]),
      peakStep: s.blocks.startStep[idx[peakK]],
      level: Math.exp(tail),
      decayFactor: factor,
      thresholdFactor: st.vanishFactor,
      absoluteThreshold: st.vanishAbsNorm,
      loss: Math.exp(lossEnd),
      lossInitial: Math.exp(lossInit),
      lossConvergence: conv.status,
    },
    confidence: tiny ? 0.75 : confidenceFromRatio(decay / f, 0.55),
  });
}
