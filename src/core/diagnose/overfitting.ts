/**
 * overfitting: the validation loss rises from its minimum while the training loss keeps
 * falling (or at least does not rise). Onset = step of the best validation loss (the lowest
 * coarse point; for up to `coarsePoints` evaluations this is the exact best evaluation).
 * The best level is the minimum of a running median of 3 coarse points. Persistence: at least 3
 * coarse points after the best, the last three (or all) of them above best + half the threshold,
 * and their median above best + max(2 %, (3 + 0.67 sqrt(2 ln K)) coarse noise units), the second
 * term being the expected depth of the minimum of K smoothed noisy evaluations. A long
 * validation loss (K >= 9 coarse points) that does not pass is judged again on groups of
 * floor(sqrt(K)) coarse points (their median, its noise the coarse noise / sqrt of the group
 * size): a rise of tens of percent over hundreds of noisy evaluations.
 * The training loss near the onset vs at the end tells "kept falling" from "flat"; a rising
 * training loss means instability, not overfitting. Overfitting is the validation loss rising
 * while the training loss keeps falling: when the training loss is not measurably falling (flat
 * within 2 of its coarse noise units, or not logged) the rise must also reach 5 %, since a
 * converged model's validation loss drifts by a few percent. Evidence includes the seed's trend
 * (slope of the last 10 validation points, plot_loss_curves).
 * Capacity rule (seed's model_capacity_analysis): training accuracy > capacityHighAcc (0.9) with
 * validation accuracy < capacityLowAcc (0.7) is also reported as overfitting when the loss rule
 * did not fire.
 * A run with several validation losses (a validation loss logged in parts) is judged on their
 * sum too: one part rising while the sum falls is not overfitting. Validation losses of at most
 * `coarsePoints` evaluations also get the persistent-rise rule (see persistentRise), and those
 * too short for any noise estimate the few-evaluations rule (see fewEvaluations).
 */
import { fmtChange, fmtNum, fmtPct, fmtStep, t } from '../i18n';
import { emit, type Ctx } from './context';
import { FIX_VARIANTS } from './fixes';
import type { SeriesState } from './seriesState';
import { simulateEarlyStop } from './earlyStop';
import { DEFAULT_SETTINGS, type DiagnoseSettings } from './settings';
import { confidenceFromRatio, kendallZ, median, MEDIAN_SD_FACTOR, olsSlope, runningMedian3, theilSen } from './stats';

export function detectOverfitting(ctx: Ctx): void {
  for (const s of ctx.rs.byRole('val_loss')) {
    if (!s.isLog) continue;
    const segs = ctx.rs.segments(s).filter(x => x.isLog);
    if (segs.length < 2) {
      check(ctx, s);
      continue;
    }
    // Runs one after another in one log (fresh restarts: a sweep printed to one file): each run
    // judged with its own training loss, one finding (the latest run's) that counts them.
    const before = ctx.out.length;
    segs.forEach((seg, k) => check(ctx, seg, k === segs.length - 1 ? '' : `seg${k}`, trainSegmentFor(ctx, s, seg)));
    const found = ctx.out.slice(before).filter(f => f.kind === 'overfitting');
    if (found.length < 2) continue;
    const kept = found[found.length - 1];
    kept.message += (ctx.lang === 'zh-cn' ? '' : ' ') + t(ctx.lang, 'overfitting.runs', { n: found.length, m: segs.length });
    kept.evidence.runsOverfitting = found.length;
    kept.evidence.runs = segs.length;
    const drop = new Set(found.slice(0, -1));
    const rest = ctx.out.filter(f => !drop.has(f));
    ctx.out.length = 0;
    ctx.out.push(...rest);
  }
  if (ctx.overfit.size === 0) capacityRule(ctx);
}

/**
 * The training loss of the run a validation segment belongs to: the segment of the paired
 * training loss whose source lines overlap it (or the one at the same position when the
 * segments have no lines and are as many); undefined when none is found.
 */
function trainSegmentFor(ctx: Ctx, val: SeriesState, seg: SeriesState): SeriesState | undefined {
  const tr = ctx.rs.trainFor(val);
  if (!tr) return undefined;
  const tsegs = ctx.rs.segments(tr);
  const a = seg.lineAt(seg.startIdx);
  const b = seg.lineAt(seg.consumed - 1);
  if (a !== undefined && b !== undefined) {
    for (const t of tsegs) {
      const ta = t.lineAt(t.startIdx);
      const tb = t.lineAt(t.consumed - 1);
      if (ta !== undefined && tb !== undefined && ta <= b && tb >= a) return t;
    }
    return undefined;
  }
  const vsegs = ctx.rs.segments(val);
  return tsegs.length === vsegs.length ? tsegs[vsegs.indexOf(seg)] : undefined;
}

/** Slope of the last N validation values (raw units), the seed's overfitting trend. */
export function valTrend(s: SeriesState, n: number): number {
  const tail = s.tailValues(n);
  if (tail.y.length < n) return NaN;
  return olsSlope(Array.from(tail.y, v => s.raw(v)));
}

function check(ctx: Ctx, s: SeriesState, idSuffix = '', trainSeg?: SeriesState): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  const K = idx.length;
  if (K < st.overfitMinPoints + 2) {
    fewEvaluations(ctx, s, idSuffix, trainSeg);
    return;
  }
  // The rule on the coarse points, and for a long validation loss also on groups of about
  // sqrt(K) of them: the median of many noisy evaluations varies less than one (a validation
  // loss logged 500 times with 20 % noise, up 110 % over its last 300 evaluations, stays within
  // a handful of single-evaluation noise units).
  const sc = s.blocks.coarseNoise();
  const ones = idx.map(j => [j]);
  let v = atScale(s, st, ones, sc);
  const g = Math.floor(Math.sqrt(K));
  if (g >= 3 && !(v && v.rise >= v.thr && v.lastUp)) {
    const groups: number[][] = [];
    for (let e = K; e - g >= 0; e -= g) groups.unshift(idx.slice(e - g, e));
    const vg = atScale(s, st, groups, (MEDIAN_SD_FACTOR * sc) / Math.sqrt(g));
    if (vg && vg.rise >= vg.thr && vg.lastUp) v = vg;
  }
  if (!v) return;
  const { best, tail, thr, after } = v;
  let onsetIdx = v.onsetIdx;
  // training loss around the onset vs at the end
  const tr = idSuffix ? trainSeg : (trainSeg ?? ctx.rs.trainFor(s));
  const trainAt = (step: number): { change: number; trend: 'falling' | 'flat' | 'none' | 'rising' } => {
    if (!tr || !tr.isLog || tr.blocks.coarseIndices().length < 3) return { change: NaN, trend: 'none' };
    const change = tr.blocks.coarseTail(3) - tr.blocks.coarseAtStep(step);
    const tol = Math.max(Math.log(1 + st.trendMinChange), st.trendNoiseZ * tr.blocks.coarseNoise());
    return { change, trend: change > tol ? 'rising' : change < -tol ? 'falling' : 'flat' };
  };
  const rise = tail - best;
  let rule = 'val-rise';
  let train = trainAt(s.stepAt(onsetIdx));
  let needed = thr;
  if (rise >= thr && v.lastUp) {
    // both rising: instability, not overfitting
    if (train.trend === 'rising') return;
    // without a training loss that keeps falling, only a larger rise is overfitting
    const minRise = train.trend === 'falling' ? st.overfitMinRise : Math.max(st.overfitMinRise, st.overfitFlatTrainMinRise);
    needed = Math.max(thr, Math.log(1 + minRise));
    if (!(rise >= needed)) return;
  } else {
    // A small but persistent rise while the training loss falls clearly (a noisy validation
    // loss makes the noise rule above ask for a rise of tens of percent).
    const p = persistentRise(s, st);
    if (!p) return;
    onsetIdx = p.idx;
    train = trainAt(s.stepAt(onsetIdx));
    if (!(train.change <= Math.log(1 - st.overfitGapTrainFall))) return;
    rule = 'persistent-rise';
    needed = Math.log(1 + st.overfitMinRise);
  }
  // The best evaluation is the one early stopping keeps, when it would keep one (the two
  // findings then name the same step and value).
  const sim = simulateEarlyStop(s);
  if (sim && sim.safe && sim.bestIdx <= onsetIdx + (s.consumed - onsetIdx) / 2) onsetIdx = sim.bestIdx;
  const onsetStep = s.stepAt(onsetIdx);
  // One part of a validation loss logged in parts (YOLO's val/box, val/obj, val/cls) rising
  // while their sum still falls is not the model overfitting.
  if (!valSumRises(ctx, s, onsetStep, st.overfitMinRise)) return;
  const bestLogged = s.series.values.get(onsetIdx);
  const trainChange = train.change;
  const trend = train.trend === 'rising' ? 'flat' : train.trend;
  const slope = valTrend(s, st.overfitTrendPoints);
  const trendUp = slope > 0;
  if (!idSuffix) ctx.overfit.add(s.name);
  const msg: Parameters<typeof emit>[1]['message'] = [
    [
      'overfitting.message',
      { step: fmtStep(onsetStep), best: fmtNum(bestLogged), rise: fmtPct(Math.exp(tail) / bestLogged - 1), level: fmtNum(Math.exp(tail)) },
    ],
  ];
  if (trend === 'falling') msg.push(['overfitting.trainFalling', { change: fmtChange(Math.exp(trainChange) - 1) }]);
  else if (trend === 'flat') {
    // "flat" only when the change is small; a larger one within the noise is said as such
    const change = Math.exp(trainChange) - 1;
    msg.push([Math.abs(change) < 0.02 ? 'overfitting.trainFlat' : 'overfitting.trainNoisy', { change: fmtChange(change) }]);
  }
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
      rule,
      bestStep: onsetStep,
      best: bestLogged,
      level: Math.exp(tail),
      rise: Math.exp(tail) / bestLogged - 1,
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
    idSuffix: idSuffix || undefined,
  });
}

/**
 * The coarse rule on groups of coarse points (each group its blocks' median of medians, `noise`
 * the noise of one group's value): the best level is the minimum of a running median of 3
 * groups, the tail the median of the last (up to) 3, the threshold max(overfitMinRise,
 * (overfitNoiseZ + 0.67 sqrt(2 ln K)) noise units), `lastUp` whether each of those last groups is
 * above the best by half of it. Onset: the lowest evaluation in the groups around the best.
 * Null when fewer than overfitMinPoints groups follow the best.
 */
function atScale(
  s: SeriesState,
  st: DiagnoseSettings,
  groups: number[][],
  noise: number,
): { best: number; tail: number; thr: number; rise: number; lastUp: boolean; onsetIdx: number; after: number } | null {
  const bl = s.blocks;
  const K = groups.length;
  const vals = groups.map(gr => (gr.length === 1 ? bl.med[gr[0]] : median(gr.map(j => bl.med[j]))));
  // best level on a running median of 3 (the minimum of single noisy evaluations is biased low)
  const m = runningMedian3(vals);
  let kb = 0;
  for (let q = 1; q < K; q++) if (m[q] < m[kb]) kb = q;
  const after = K - 1 - kb;
  if (after < st.overfitMinPoints) return null;
  const best = m[kb];
  const k = Math.min(3, after);
  const lastK = vals.slice(K - k);
  const tail = median(lastK);
  // noise units, plus the expected depth of the minimum of K smoothed noisy points
  const thr = Math.max(Math.log(1 + st.overfitMinRise), noise * (st.overfitNoiseZ + 0.67 * Math.sqrt(2 * Math.log(K))));
  // onset: the lowest evaluation among the coarse points around the smoothed minimum
  let oj = groups[kb][0];
  for (let q = Math.max(0, kb - 1); q <= Math.min(K - 1, kb + 1); q++) for (const j of groups[q]) if (bl.min[j] < bl.min[oj]) oj = j;
  const onsetIdx = bl.minIdx[oj] >= 0 ? bl.minIdx[oj] : bl.startIdx[oj];
  return { best, tail, thr, rise: tail - best, lastUp: !lastK.some(x => !(x > best + thr / 2)), onsetIdx, after };
}

/**
 * A validation loss of too few evaluations for the coarse rule (a 3-epoch fine-tune: val_loss
 * 0.318, 0.320, 0.443 while the training loss went 0.386, 0.227, 0.113): every evaluation after
 * the lowest one above it, the last by at least overfitShortMinRise, no step going back (a
 * resumed run), and the training loss down by overfitGapTrainFall from the lowest evaluation's
 * step to its end. Quoted in logged values.
 */
function fewEvaluations(ctx: Ctx, s: SeriesState, idSuffix = '', trainSeg?: SeriesState): void {
  const st = ctx.st;
  const v: number[] = [];
  let prevStep = -Infinity;
  for (let i = s.startIdx; i < s.consumed; i++) {
    const x = s.series.values.get(i);
    const step = s.stepAt(i);
    if (!(x > 0) || !Number.isFinite(x) || step < prevStep) return;
    prevStep = step;
    v.push(x);
  }
  if (v.length < 3) return;
  let kb = 0;
  for (let i = 1; i < v.length; i++) if (v[i] < v[kb]) kb = i;
  if (kb === v.length - 1) return;
  const best = v[kb];
  const last = v[v.length - 1];
  if (!(last >= best * (1 + st.overfitShortMinRise))) return;
  const bestIdx = s.startIdx + kb;
  const bestStep = s.stepAt(bestIdx);
  const tr = idSuffix ? trainSeg : (trainSeg ?? ctx.rs.trainFor(s));
  if (!tr || !tr.isLog || tr.valid < 2) return;
  const trainChange = Math.exp(tr.blocks.coarseTail(1) - tr.blocks.coarseAtStep(bestStep, 0)) - 1;
  if (!(trainChange <= -st.overfitGapTrainFall)) return;
  if (!valSumRises(ctx, s, bestStep, st.overfitShortMinRise)) return;
  if (!idSuffix) ctx.overfit.add(s.name);
  emit(ctx, {
    kind: 'overfitting',
    severity: 'warning',
    state: s,
    idx: bestIdx,
    endStep: s.lastStep,
    title: ['overfitting.title', { step: fmtStep(bestStep) }],
    message: [
      ['overfitting.message', { step: fmtStep(bestStep), best: fmtNum(best), rise: fmtPct(last / best - 1), level: fmtNum(last) }],
      ['overfitting.trainFalling', { change: fmtChange(trainChange) }],
    ],
    evidence: {
      rule: 'few-evaluations',
      bestStep,
      best,
      level: last,
      rise: last / best - 1,
      threshold: st.overfitShortMinRise,
      evaluations: v.length,
      trainChange,
      trainTrend: 'falling',
    },
    confidence: confidenceFromRatio((last / best - 1) / st.overfitShortMinRise, 0.5),
    idSuffix: idSuffix || undefined,
  });
}

/**
 * With several validation losses (the parts of one, or the same one logged twice), whether
 * their sum rose by at least `minRise` from `step` to the end (each at its coarse level there
 * and the median of its last 3 coarse points). True with a single validation loss.
 */
export function valSumRises(ctx: Ctx, s: SeriesState, step: number, minRise: number): boolean {
  const vals = ctx.rs.byRole('val_loss').filter(v => v.isLog && v.valid >= 3);
  if (vals.length < 2 || !vals.includes(s)) return true;
  let at = 0;
  let end = 0;
  for (const v of vals) {
    at += Math.exp(v.blocks.coarseAtStep(step, 0));
    end += Math.exp(v.blocks.coarseTail(3));
  }
  return !(end < at * (1 + minRise));
}

/**
 * A persistent rise after the lowest evaluation (raw points, so for validation losses logged
 * at most `coarsePoints` times): at least `overfitPersistPoints` evaluations after it, the last
 * half of them (at least that many) all above it by `overfitMinRise`, their median by twice
 * that, and no falling trend among them (Kendall's tau above -0.3); and beyond the noise: their
 * median above the median of the 5 evaluations centred on the lowest one by overfitPersistZ
 * standard errors, or a rising trend among them (tau overfitPersistTrendZ standard errors above 0). Returns the
 * index of the lowest evaluation.
 */
function persistentRise(s: SeriesState, st: DiagnoseSettings): { idx: number } | null {
  const n = s.consumed - s.startIdx;
  if (n > st.coarsePoints || n < st.overfitPersistPoints + 2) return null;
  const v: number[] = [];
  for (let i = s.startIdx; i < s.consumed; i++) v.push(s.series.values.get(i));
  if (v.some(x => !(x > 0) || !Number.isFinite(x))) return null;
  let kb = 0;
  for (let i = 1; i < v.length; i++) if (v[i] < v[kb]) kb = i;
  const after = v.slice(kb + 1);
  if (after.length < st.overfitPersistPoints) return null;
  const floor = v[kb] * (1 + st.overfitMinRise);
  const last = after.slice(after.length - Math.max(st.overfitPersistPoints, Math.ceil(after.length / 2)));
  if (last.some(x => !(x > floor))) return null;
  if (!(median(after) >= v[kb] * (1 + 2 * st.overfitMinRise))) return null;
  const ts = theilSen(after);
  if (ts.tau < -st.overfitPersistTau) return null;
  // Beyond the noise: the evaluations after the best sit above the level around it (the median
  // of the 5 evaluations centred on it, not the lucky best itself) by overfitPersistZ standard
  // errors, or they keep rising (Kendall's tau overfitPersistTrendZ standard errors above 0). A flat, noisy
  // validation loss has its lowest point somewhere, and everything after it above that point.
  const y = v.map(Math.log);
  const ya = y.slice(kb + 1);
  const mAfter = median(ya);
  const sigma = Math.max(st.noiseFloor, 1.4826 * median(ya.map(x => Math.abs(x - mAfter))));
  const around = y.slice(Math.max(0, kb - 2), kb + 3);
  const se = MEDIAN_SD_FACTOR * sigma * Math.sqrt(1 / around.length + 1 / ya.length);
  const levelZ = (mAfter - median(around)) / se;
  const rising = ts.tau >= st.overfitPersistTau && kendallZ(ts.tau, after.length) >= st.overfitPersistTrendZ;
  if (!(levelZ >= st.overfitPersistZ) && !rising) return null;
  return { idx: s.startIdx + kb };
}

/**
 * An accuracy can only measure the task of a cross-entropy loss L when it is at least
 * 1 - L / ln 2: a sample whose true class gets a probability above 1/2 is classified right, and
 * by Markov's inequality at most L / ln 2 of them get less. Further below than `slack`, the
 * accuracy measures something else (Keras' exact-match accuracy of a regression, say) and says
 * nothing about capacity. Vacuous for L >= ln 2.
 */
export function accFitsLoss(acc: number, loss: number, slack: number): boolean {
  return !(acc < 1 - loss / Math.LN2 - slack);
}

/** Final accuracy (0..1) of an accuracy series: median of the last coarse points. */
export function accLevel(s: SeriesState | undefined): number {
  if (!s || s.valid === 0) return NaN;
  const scale = s.maxY > 1.5 ? 100 : 1;
  return s.blocks.coarseTail(3) / scale;
}

/**
 * The highest final accuracy (0..1) among a run's accuracy series of a role. Several are logged
 * together where a model has heads or classes (`acc_day`, `acc_rain`, …) or a detector a
 * foreground accuracy beside the overall one: a claim that the model cannot fit its data
 * stands only when none of them is high — one class's 66 % is not the model's accuracy when
 * the four others are at 99 %.
 */
export function highestAccLevel(states: Iterable<SeriesState>, role: string): number {
  let best = NaN;
  for (const s of states) {
    if (s.role !== role || s.valid === 0) continue;
    const a = accLevel(s);
    if (Number.isFinite(a) && !(a <= best)) best = a;
  }
  return best;
}

export type Capacity = 'overfit' | 'underfit' | 'ok' | 'unclear';

/** The seed's model_capacity_analysis. */
export function capacity(
  trainAcc: number,
  valAcc: number,
  high = DEFAULT_SETTINGS.capacityHighAcc,
  low = DEFAULT_SETTINGS.capacityLowAcc,
  gap = DEFAULT_SETTINGS.capacityGap,
): Capacity {
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
  const vl = ctx.rs.primary('val_loss');
  if (vl && vl.isLog && vl.valid > 0 && !accFitsLoss(vAcc, Math.exp(vl.blocks.coarseTail(3)), st.accLossSlack)) return;
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
