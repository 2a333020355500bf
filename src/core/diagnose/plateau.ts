/**
 * plateau: the training loss stopped improving for a long stretch. On the coarse points (block
 * medians of log loss), a stretch is the time between two new bests, a new best being an
 * improvement of at least max(1 %, 3 coarse noise units). Reported: a stretch that later ended
 * (warning when it is the start of training — stuck before learning began — else info) when it lasts max(20 points, 15 % of the series), the loss really resumed (within
 * the next stretch of the same length it fell by at least 3 improvement thresholds below the
 * plateau level: a healthy, decelerating curve never does), and it was not ended by an LR drop
 * (step schedule) or a decaying LR, nor by the start of the next epoch (a fine-tune's staircase,
 * flat inside each epoch; see epochEnded); a stretch still going at the end (info) when it covers half
 * of the series. A stretch must also be flat: its Theil-Sen trend over the stretch stays below
 * max(1 %, half the improvement threshold) (a slow but steady decline is not a plateau). Stretches inside the LR
 * warmup are ignored, and series too noisy for a 25 % threshold are skipped.
 *
 * A validation loss (detectValPlateaus, after the other detectors) has a plateau when over all
 * of its evaluations (at least `plateauValMinPoints`) it never improved on its first level by
 * the same improvement threshold, its trend is flat, and the training loss kept falling
 * measurably meanwhile (by `trendNoiseZ` of its coarse noise units, and `trendMinChange`): what the model learns does
 * not carry over to new data. A validation loss that improved and then levelled off is a
 * converged run (early stopping speaks of it when epochs were wasted), not a plateau. Not
 * reported when the validation loss overfits, oscillates, diverged, or early stopping was
 * already reported on it.
 */
import { fmtChange, fmtNum, fmtPct, fmtStep } from '../i18n';
import { FIX_VARIANTS } from './fixes';
import { emit, stepSpacing, type Ctx } from './context';
import { epochSeries } from './runningMean';
import type { SeriesState } from './seriesState';
import { confidenceFromRatio, median, runningMedian3, theilSen } from './stats';

const MAX_MID = 3;

export function detectPlateaus(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  for (const s of ctx.rs.byRole('train_loss')) {
    if (!s.isLog || ctx.noLearning.has(s.name) || ctx.diverged.has(s.name) || ctx.oscillating.has(s.name)) continue;
    check(ctx, s);
  }
}

interface Stretch {
  bestJ: number;
  /** Smoothed level (log) at the start of the stretch. */
  level: number;
  /** Coarse position (in idx) of the block that ended the stretch. */
  endK: number;
  startIdx: number;
  endIdx: number;
  terminal: boolean;
}

function check(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  const total = s.points;
  if (idx.length < 4 || total < st.plateauMinPoints) return;
  const sc = s.blocks.coarseNoise();
  const tol = Math.max(Math.log(1 + st.plateauMinImprovement), st.plateauNoiseZ * sc);
  if (tol > Math.log(1 + st.plateauMaxTolerance)) return;
  const wu = ctx.lr ? ctx.lr.warmupEnd() : NaN;
  let k0 = 0;
  if (Number.isFinite(wu)) while (k0 < idx.length && s.blocks.startStep[idx[k0]] <= wu) k0++;
  if (k0 >= idx.length - 2) return;
  // running median of 3 coarse points: a running minimum of single noisy points is biased low
  const m = runningMedian3(idx.map(j => s.blocks.med[j]));
  let bestK = k0;
  let best = m[k0];
  const stretches: Stretch[] = [];
  for (let k = k0 + 1; k < idx.length; k++) {
    if (m[k] < best - tol) {
      const bj = idx[bestK];
      // a stretch from the very first coarse point began with training (or the warmup's end)
      const from = bestK === k0 ? s.blocks.startIdx[bj] : s.blocks.endIdx[bj];
      stretches.push({ bestJ: bj, level: best, endK: k, startIdx: from, endIdx: s.blocks.startIdx[idx[k]], terminal: false });
      best = m[k];
      bestK = k;
    }
  }
  const lastJ = idx[idx.length - 1];
  const bj = idx[bestK];
  stretches.push({ bestJ: bj, level: best, endK: idx.length, startIdx: s.blocks.endIdx[bj], endIdx: s.blocks.endIdx[lastJ], terminal: true });
  const flat = (p: Stretch): boolean => {
    const k0p = idx.indexOf(p.bestJ);
    const all = m.slice(k0p, p.endK);
    if (all.length < 3) return true;
    // Theil-Sen on at most 32 evenly spaced points (O(32^2), whatever the length)
    const step = Math.max(1, (all.length - 1) / 31);
    const ys: number[] = [];
    for (let q = 0; q < all.length; q += step) ys.push(all[Math.round(q)]);
    // (the slope is per subsampled point: the change over the stretch is slope x (ys.length - 1))
    const ts = theilSen(ys);
    return -ts.slope * (ys.length - 1) < Math.max(Math.log(1 + st.plateauMinImprovement), tol / 2);
  };
  const resumed = (p: Stretch): boolean => {
    const len = p.endIdx - p.startIdx;
    let low = Infinity;
    for (let k = p.endK; k < idx.length && s.blocks.startIdx[idx[k]] < p.endIdx + len; k++) low = Math.min(low, m[k]);
    return p.level - low >= 3 * tol;
  };

  const minMid = Math.max(st.plateauMinPoints, st.plateauMinFraction * total);
  const minEnd = Math.max(st.plateauMinPoints, st.plateauTerminalFraction * total);
  const mids = stretches
    .filter(p => !p.terminal && p.endIdx - p.startIdx >= minMid && resumed(p) && flat(p) && !scheduleEnded(ctx, s, p, idx) && !epochEnded(ctx, s, p, idx))
    .sort((a, b) => b.endIdx - b.startIdx - (a.endIdx - a.startIdx))
    .slice(0, MAX_MID)
    .sort((a, b) => a.startIdx - b.startIdx);
  for (const p of mids) report(ctx, s, p, tol, minMid, total, p.bestJ === idx[k0]);
  const term = stretches[stretches.length - 1];
  if (term.endIdx - term.startIdx >= minEnd && flat(term)) report(ctx, s, term, tol, minEnd, total, false);
}

/**
 * The stretch is the flat inside of one epoch, ended by the next: a loss logged many times an
 * epoch that falls only where an epoch begins (the data seen again: a fine-tune's staircase) has
 * not been stuck. The epoch (the run's `epoch` series) changes by one between the stretch's start
 * and the coarse point that ended it, the change lies within the last two coarse points before
 * that one, and each epoch holds at least plateauMinPoints points.
 */
function epochEnded(ctx: Ctx, s: SeriesState, p: Stretch, idx: number[]): boolean {
  const ep = epochSeries(ctx.run);
  if (!ep || ep.length < 2 || p.endK >= idx.length || p.endK < 2) return false;
  const epochAt = (step: number): number => {
    let lo = 0;
    let hi = ep.length - 1;
    if (!(ep.steps.get(0) <= step)) return NaN;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ep.steps.get(mid) <= step) lo = mid;
      else hi = mid - 1;
    }
    return Math.floor(ep.values.get(lo));
  };
  const first = epochAt(s.stepAt(p.startIdx));
  const end = epochAt(s.blocks.endStep[idx[p.endK]]);
  const before = epochAt(s.blocks.startStep[idx[p.endK - 2]]);
  if (!(end === first + 1) || !(before === first)) return false;
  const perEpoch = s.points / Math.max(1, Math.floor(ep.values.get(ep.length - 1)) - Math.floor(ep.values.get(0)) + 1);
  return perEpoch >= ctx.st.plateauMinPoints;
}

/** The stretch ended because the LR dropped (step schedule) or decayed. */
function scheduleEnded(ctx: Ctx, s: SeriesState, p: Stretch, idx: number[]): boolean {
  const lr = ctx.lr;
  if (!lr) return false;
  const a = s.stepAt(p.startIdx);
  // up to the end of the coarse point that ended the stretch (the drop may lie inside it)
  const b = p.endK < idx.length ? s.blocks.endStep[idx[p.endK]] : s.stepAt(p.endIdx);
  const g = ctx.st.scheduleGuardPoints * stepSpacing(s);
  if (lr.dropIn(a, b + g)) return true;
  return lr.lrAt(b) <= lr.lrAt(a) / ctx.st.lrStepFactor;
}

function report(ctx: Ctx, s: SeriesState, p: Stretch, tol: number, minPts: number, total: number, atStart: boolean): void {
  const pts = p.endIdx - p.startIdx;
  const share = pts / Math.max(1, total);
  // The level it was stuck at: the median of the values logged in the stretch (data, not the
  // smoothed best it started from: a loss that jumped up and stayed there was not "near" that).
  const inside: number[] = [];
  for (let i = p.startIdx; i < Math.min(p.endIdx, s.consumed); i++) {
    const x = s.series.values.get(i);
    if (Number.isFinite(x)) inside.push(x);
  }
  const level = inside.length ? median(inside) : Math.exp(p.level);
  const onsetStep = s.stepAt(p.startIdx);
  const endStep = s.stepAt(Math.min(p.endIdx, s.consumed - 1));
  const msg: Parameters<typeof emit>[1]['message'] = p.terminal
    ? [['plateau.terminal', { tol: fmtPct(Math.exp(tol) - 1), step: fmtStep(onsetStep), share: fmtPct(share), level: fmtNum(level) }]]
    : [
        [
          'plateau.mid',
          { level: fmtNum(level), step: fmtStep(onsetStep), endStep: fmtStep(endStep), points: pts, share: fmtPct(share) },
        ],
      ];
  const lr = ctx.lr;
  let lrConst: number | null = null;
  if (lr) {
    const a = lr.lrAt(onsetStep);
    const b = lr.lrAt(endStep);
    if (a > 0 && b > 0 && Math.abs(Math.log(a / b)) < Math.log(1.05)) {
      lrConst = a;
      msg.push(['plateau.lrConstant', { lr: fmtNum(a) }]);
    }
  }
  emit(ctx, {
    kind: 'plateau',
    severity: atStart ? 'warning' : 'info',
    state: s,
    idx: p.startIdx,
    endStep,
    title: ['plateau.title'],
    message: msg,
    evidence: {
      level,
      atStart,
      points: pts,
      share,
      terminal: p.terminal,
      minImprovement: Math.exp(tol) - 1,
      minPoints: minPts,
      coarseNoise: s.blocks.coarseNoise(),
      lrDuring: lrConst,
    },
    confidence: confidenceFromRatio(pts / minPts, p.terminal ? 0.55 : 0.6),
    idSuffix: p.terminal ? 'end' : String(onsetStep),
  });
}

/** Plateaus of validation losses (see the header); run after the early-stop detector. */
export function detectValPlateaus(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  const st = ctx.st;
  for (const s of ctx.rs.byRole('val_loss')) {
    if (!s.isLog || ctx.overfit.has(s.name) || ctx.diverged.has(s.name) || ctx.oscillating.has(s.name)) continue;
    if (ctx.out.some(f => f.series === s.name && (f.kind === 'early-stop' || f.kind === 'plateau'))) continue;
    const idx = s.blocks.coarseIndices();
    const K = idx.length;
    if (K < st.plateauValMinPoints) continue;
    const sc = s.blocks.coarseNoise();
    const tol = Math.max(Math.log(1 + st.plateauMinImprovement), st.plateauNoiseZ * sc);
    if (tol > Math.log(1 + st.plateauMaxTolerance)) continue;
    const m = runningMedian3(idx.map(j => s.blocks.med[j]));
    // never a new best: no coarse point below the first level by the threshold
    if (m.some(v => v < m[0] - tol)) continue;
    const ts = theilSen(m);
    if (!(-ts.slope * (K - 1) < Math.max(Math.log(1 + st.plateauMinImprovement), tol / 2))) continue;
    // the training loss kept falling over the stretch
    const tr = ctx.rs.trainFor(s);
    const onsetIdx = s.blocks.startIdx[idx[0]];
    const onsetStep = s.stepAt(Math.min(onsetIdx, s.consumed - 1));
    if (!tr || !tr.isLog || tr.blocks.coarseIndices().length < 3 || !(tr.lastStep > onsetStep)) continue;
    const trainChange = tr.blocks.coarseTail(3) - tr.blocks.coarseAtStep(onsetStep);
    if (!(trainChange <= -Math.max(Math.log(1 + st.trendMinChange), st.trendNoiseZ * tr.blocks.coarseNoise()))) continue;
    const level = Math.exp(median(m));
    emit(ctx, {
      kind: 'plateau',
      severity: 'info',
      state: s,
      idx: Math.min(onsetIdx, s.consumed - 1),
      endStep: s.lastStep,
      title: ['plateau.title'],
      message: [
        [
          'plateau.valNever',
          {
            tol: fmtPct(Math.exp(tol) - 1),
            evaluations: s.points,
            step: fmtStep(onsetStep),
            endStep: fmtStep(s.lastStep),
            level: fmtNum(level),
            train: tr.name,
            change: fmtChange(Math.exp(trainChange) - 1),
          },
        ],
      ],
      evidence: {
        level,
        terminal: true,
        evaluations: s.points,
        minImprovement: Math.exp(tol) - 1,
        minPoints: st.plateauValMinPoints,
        coarseNoise: sc,
        trainSeries: tr.name,
        trainChange: Math.exp(trainChange) - 1,
      },
      fixes: FIX_VARIANTS.valPlateau,
      confidence: confidenceFromRatio(K / st.plateauValMinPoints, 0.55),
      idSuffix: 'val',
    });
  }
}
