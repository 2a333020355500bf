/**
 * no-learning: the loss sits at chance level ln C, or never moved meaningfully from its start.
 * C is given (settings.numClasses or run.meta num_classes / num_labels / nc) or inferred from
 * the initial loss L0 when exp(L0) is near an integer k >= 2 (within 25 % of the gap between
 * ln k and ln(k+1)). At chance: the final coarse level is within 2 % of ln C (plus 3 coarse noise
 * units) and the loss never went more than 5 % below ln C -> error. Never moved: the best coarse
 * level stayed within max(5 %, 3 coarse noise units) of the initial level (median of the first 5
 * values) and the end did not rise above it either, and the coarse points do not fall steadily
 * (Kendall's tau <= -0.3 and noLearnTrendZ standard errors below 0, with a Theil-Sen fall of 1 %: a loss with a high floor
 * or a capture that starts late learns slowly, but learns) -> warning (not when the loss
 * oscillates: that finding explains it better). At least 10 points.
 */
import { fmtNum, fmtPct, fmtStep } from '../i18n';
import type { MessageKey } from '../i18n';
import type { Run } from '../model';
import { emit, type Ctx } from './context';
import { FIX_VARIANTS } from './fixes';
import type { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';
import { kendallZ, theilSen } from './stats';

/** C from an initial cross-entropy loss when exp(loss) is near an integer >= 2. */
export function inferClasses(initialLoss: number, tolerance = 0.25, maxClasses = 20): number | undefined {
  if (!(initialLoss > 0.3) || !Number.isFinite(initialLoss) || initialLoss > Math.log(maxClasses + 0.5)) return undefined;
  const k0 = Math.round(Math.exp(initialLoss));
  let bestK = -1;
  let bestD = Infinity;
  for (let k = Math.max(2, k0 - 1); k <= k0 + 1; k++) {
    const d = Math.abs(initialLoss - Math.log(k));
    if (d < bestD) {
      bestD = d;
      bestK = k;
    }
  }
  if (bestK < 2 || bestK > maxClasses) return undefined;
  const gap = Math.log(bestK + 1) - Math.log(bestK);
  return bestD <= Math.min(0.02, tolerance * gap) ? bestK : undefined;
}

/** Number of classes from the settings or the run's metadata. */
export function knownClasses(st: DiagnoseSettings, meta: Record<string, string>): number | undefined {
  if (st.numClasses !== undefined && st.numClasses >= 2) return st.numClasses;
  for (const k of ['num_classes', 'num_labels', 'n_classes', 'nc', 'number_of_classes']) {
    const v = Number(meta[k]);
    if (Number.isInteger(v) && v >= 2) return v;
  }
  return undefined;
}

export interface ChanceInfo {
  classes: number;
  inferred: boolean;
  chance: number;
}

export function chanceOf(ctx: Ctx, s: SeriesState): ChanceInfo | undefined {
  if (ctx.numClasses !== undefined) return { classes: ctx.numClasses, inferred: false, chance: Math.log(ctx.numClasses) };
  const l0 = s.raw(s.initialLevel());
  const k = inferClasses(l0, ctx.st.chanceInferTolerance, ctx.st.chanceMaxInferredClasses);
  return k === undefined ? undefined : { classes: k, inferred: true, chance: Math.log(k) };
}

export function detectNoLearning(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  let targets = ctx.rs.byRole('train_loss');
  if (targets.length === 0) {
    // A training loss logged only in parts (YOLO's train/box, cls, dfl): the model learns when
    // one of them fell by noLearnMinDrop; the validation losses are judged only when none did.
    const learns = ctx.rs.byRole('loss_part').some(p => {
      const j = ctx.rs.judged(p, ctx.st.noLearnMinPoints);
      return j.isLog && j.blocks.coarseIndices().length > 0 && j.blocks.coarseTail(3) < j.initialLevel() + Math.log(1 - ctx.st.noLearnMinDrop);
    });
    targets = learns ? [] : ctx.rs.byRole('val_loss');
  }
  for (const cur of targets) {
    const s = ctx.rs.judged(cur, ctx.st.noLearnMinPoints);
    if (!s.isLog) continue;
    if (ctx.diverged.has(s.name)) frozenAfterBlowUp(ctx, s);
    else check(ctx, s);
    // Earlier launches appended to the same log (steps back to where the first began, not a
    // resume from a checkpoint), each at least a quarter as long as the longest (not an
    // aborted start): one that never learned is reported as such.
    const segs = ctx.rs.segments(cur);
    const origin = segs[0].firstStep;
    let longest = 0;
    for (const seg of segs) longest = Math.max(longest, seg.valid);
    segs.forEach((seg, k) => {
      if (seg === s || !seg.isLog || 4 * seg.valid < longest || (k > 0 && !(seg.firstStep <= origin))) return;
      check(ctx, seg, `seg${k}`);
    });
  }
}

/**
 * A loss that blew up before it ever improved (the divergence's best level is its first point)
 * and has not moved since, over at least noLearnMinPoints values: the model is stuck at the
 * blown-up scale (dead units, saturated outputs), learning nothing. Reported beside the
 * divergence, which says how it got there.
 */
function frozenAfterBlowUp(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const d = ctx.out.find(f => f.kind === 'divergence' && f.series === s.name);
  if (!d || !((d.evidence.bestStep as number) <= s.firstStep)) return;
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = s.startIdx; i < s.consumed; i++) {
    if (!(s.stepAt(i) >= d.step)) continue;
    const x = s.series.values.get(i);
    if (!(x > 0) || !Number.isFinite(x)) return;
    n++;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (n < st.noLearnMinPoints || !(Math.log(hi / lo) < -Math.log(1 - st.noLearnMinDrop))) return;
  ctx.noLearning.add(s.name);
  emit(ctx, {
    kind: 'no-learning',
    severity: 'warning',
    state: s,
    step: d.step,
    endStep: s.lastStep,
    title: ['noLearning.title'],
    message: [
      fmtNum(lo) === fmtNum(hi)
        ? ['noLearning.frozenAt', { step: fmtStep(d.step), level: fmtNum(lo), points: n }]
        : ['noLearning.frozen', { step: fmtStep(d.step), low: fmtNum(lo), high: fmtNum(hi), points: n, drop: fmtPct(st.noLearnMinDrop) }],
    ],
    evidence: { rule: 'frozen-after-blow-up', onsetStep: d.step, low: lo, high: hi, points: n, dropThreshold: st.noLearnMinDrop },
    confidence: Math.min(0.9, 0.55 + 0.35 * Math.min(1, n / 100)),
  });
}

/**
 * The coarse points fall steadily (a monotone trend well beyond the noise): slow learning, not
 * none. Theil-Sen line and Kendall's tau over every coarse point, in log space.
 */
function fallsSteadily(s: SeriesState, idx: readonly number[], st: DiagnoseSettings): boolean {
  if (idx.length < 5) return false;
  const ts = theilSen(idx.map(j => s.blocks.med[j]));
  const fall = -ts.slope * (idx.length - 1);
  return (
    ts.tau <= -st.noLearnTrendTau &&
    kendallZ(ts.tau, idx.length) <= -st.noLearnTrendZ &&
    fall >= -Math.log(1 - st.noLearnTrendMinDrop)
  );
}

/**
 * The run's real initial level: a segment that starts well below where the one before it
 * started (a run resumed from a checkpoint after the steps went back) continues that one.
 */
function realInitialLevel(ctx: Ctx, s: SeriesState, dThr: number): number {
  const segs = ctx.rs.segments(s);
  let y0 = s.initialLevel();
  for (let k = segs.length - 2; k >= 0; k--) {
    // (an aborted start of a few points between two restarts says nothing)
    if (segs[k].valid < ctx.st.noLearnMinPoints) continue;
    const prev = segs[k].initialLevel();
    if (!(prev - y0 >= dThr)) break;
    y0 = prev;
  }
  return y0;
}

function check(ctx: Ctx, s: SeriesState, idSuffix = ''): void {
  const st = ctx.st;
  if (s.valid < st.noLearnMinPoints) return;
  const idx = s.blocks.coarseIndices();
  if (idx.length < 3) return;
  const sc = s.blocks.coarseNoise();
  const dThr = Math.max(-Math.log(1 - st.noLearnMinDrop), st.noLearnNoiseZ * sc);
  const y0 = realInitialLevel(ctx, s, dThr);
  // (the first coarse point holds the initial values y0 already measures: an odd first value
  // mixed into it is no fall)
  let best = Infinity;
  for (let q = 1; q < idx.length; q++) if (s.blocks.med[idx[q]] < best) best = s.blocks.med[idx[q]];
  const end = s.blocks.coarseTail(3);
  let neverMoved = y0 - best < dThr && end - y0 < dThr;
  if (neverMoved && fallsSteadily(s, idx, st)) neverMoved = false;
  const ch = chanceOf(ctx, s);
  const lossEnd = Math.exp(end);
  const lossBest = Math.exp(best);
  let atChance = false;
  if (ch) {
    const band = st.chanceBand * ch.chance + st.noLearnNoiseZ * sc * lossEnd;
    atChance = Math.abs(lossEnd - ch.chance) <= band && lossBest >= ch.chance * (1 - st.noLearnMinDrop);
  }
  if (!atChance && (!neverMoved || ctx.oscillating.has(s.name))) return;
  // A log that starts after training began (its epoch counter at 2 or more: `Epoch [6/6]`)
  // does not show the initial level: a loss flat in it may have learned before (only the chance
  // level says "not learning" then).
  if (!atChance && startedLate(ctx.run)) return;
  if (!idSuffix) ctx.noLearning.add(s.name);
  const launch: Array<[MessageKey, Record<string, string | number>]> = idSuffix
    ? [['noLearning.launch', { from: fmtStep(s.firstStep), to: fmtStep(s.lastStep) }]]
    : [];
  const first = s.firstStep;
  const last = s.lastStep;
  const evidence = {
    initial: Math.exp(y0),
    final: lossEnd,
    best: lossBest,
    maxDrop: 1 - Math.exp(best - y0),
    dropThreshold: 1 - Math.exp(-dThr),
    points: s.points,
    classes: ch ? ch.classes : null,
    chance: ch ? ch.chance : null,
    classesInferred: ch ? ch.inferred : null,
    rule: atChance ? 'chance' : 'flat',
  };
  if (atChance && ch) {
    const msg: Parameters<typeof emit>[1]['message'] = [
      ['noLearning.chance', { level: fmtNum(lossEnd), classes: ch.classes, chance: fmtNum(ch.chance) }],
    ];
    if (ch.inferred) msg.push(['noLearning.inferred', { initial: fmtNum(Math.exp(y0)), classes: ch.classes }]);
    msg.push(...launch);
    emit(ctx, {
      kind: 'no-learning',
      severity: 'error',
      state: s,
      step: first,
      endStep: last,
      title: ['noLearning.title'],
      message: msg,
      evidence,
      fixes: FIX_VARIANTS.chance,
      confidence: ch.inferred ? 0.85 : 0.9,
      idSuffix: idSuffix || undefined,
    });
    return;
  }
  emit(ctx, {
    kind: 'no-learning',
    severity: 'warning',
    state: s,
    step: first,
    endStep: last,
    title: ['noLearning.title'],
    message: [
      [
        'noLearning.flat',
        {
          drop: fmtPct(1 - Math.exp(-dThr)),
          initial: fmtNum(Math.exp(y0)),
          points: s.points,
          level: fmtNum(lossEnd),
        },
      ],
      ...launch,
    ],
    evidence,
    confidence: Math.min(0.9, 0.55 + 0.35 * Math.min(1, s.points / 100)),
    idSuffix: idSuffix || undefined,
  });
}

/** Whether the log starts after its first epoch: the run's epoch counter (a series named
 * `epoch`, or the step itself on an epoch axis) is 2 or more at its first point, or a fraction
 * above 1 (Hugging Face counts epochs from 0 in fractions: a first record at epoch 1.015 is a
 * run resumed from a checkpoint, its first epoch never logged). */
function startedLate(run: Run): boolean {
  for (const ser of run.series.values()) {
    if (ser.name.toLowerCase() !== 'epoch' || ser.length === 0) continue;
    const e0 = ser.values.get(0);
    return e0 >= 2 || (e0 > 1 && !Number.isInteger(e0));
  }
  if (run.meta.stepUnit !== 'epoch') return false;
  let first = Infinity;
  for (const ser of run.series.values()) if (ser.length > 0) first = Math.min(first, ser.steps.get(0));
  return first >= 2 || (first > 1 && !Number.isInteger(first));
}

