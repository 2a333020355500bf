/**
 * oscillation: the loss bounces with a large amplitude relative to its level, makes no net
 * progress, and bounces more than minibatch noise explains. Over the tail window (last 30 % of
 * the coarse points, at least 12), in log space:
 *  - no progress: |median(last third) - median(first third)| < 0.5 x amplitude;
 *  - ping-pong: the turning-point rate of the raw points is above the 2/3 of i.i.d. noise by
 *    3 standard errors, with a swing of at least 10 %; or
 *  - slow swings (blocks of >= 2 points): the spread of the block medians is 3x what the
 *    within-block noise predicts for a median of that many points, at least 10 %, with >= 4
 *    crossings of the window's median.
 * Short series (fewer coarse points than oscMinPoints / oscWindowFraction, so the tail window
 * would be too short for the turning-point test to have any power: typically per-epoch logs)
 * get an amplitude rule over every point after the initial descent (from the first point at or
 * below the median of the rest), at least 10 points:
 *  - large amplitude: the window spans at least 2x (max / min) and its robust swing (1.4826 MAD
 *    of the log values) is at least +-60 %;
 *  - repeated large reversals: at least 3 turning points whose moves in and out are both at
 *    least 1.5x;
 *  - no net progress: no significant downward trend (Kendall's tau above -2 standard errors),
 *    and the swing is at least as large as the whole descent from the initial level to the
 *    window's median (a healthy noisy run has descended many times its noise).
 * The turning-point test has no power on so few points; minibatch noise this large is also rare
 * in such short logs, which are usually per-epoch means.
 * Not reported for LR range tests or when the LR itself cycles (cyclic schedules).
 */
import { fmtChange, fmtNum, fmtPct, fmtRatio, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import type { SeriesState } from './seriesState';
import { confidenceFromRatio, D2_TO_SIGMA, kendallZ, median, MEDIAN_SD_FACTOR, theilSen, turningZ } from './stats';

export function detectOscillation(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  for (const s of ctx.rs.states.values()) {
    if (s.role !== 'train_loss' && s.role !== 'val_loss') continue;
    if (!s.isLog || ctx.diverged.has(s.name)) continue;
    if (s.role === 'train_loss' && ctx.lr?.isCyclic()) continue;
    if (ctx.oscillating.has(s.name)) continue; // (its bursts were reported: see spike.ts)
    check(ctx, s);
  }
}

function check(ctx: Ctx, s: SeriesState): void {
  const st = ctx.st;
  const idx = s.blocks.coarseIndices();
  const K = idx.length;
  if (st.oscWindowFraction * K < st.oscMinPoints && s.blocks.size === 1 && checkShort(ctx, s, idx)) return;
  if (s.role === 'val_loss' && s.blocks.size === 1 && checkEvalSwings(ctx, s, idx)) return;
  if (K < st.oscMinPoints) return;
  const w = Math.min(K, Math.max(st.oscMinPoints, Math.ceil(st.oscWindowFraction * K)));
  const win = idx.slice(K - w);
  const y = win.map(j => s.blocks.med[j]);
  const first = s.blocks.startIdx[win[0]];
  const lastJ = win[win.length - 1];
  const points = s.blocks.endIdx[lastJ] - first;
  const med = median(y);
  const ampBlk = 1.4826 * median(y.map(v => Math.abs(v - med)));
  const third = Math.max(1, Math.floor(w / 3));
  const progress = median(y.slice(w - third)) - median(y.slice(0, third));
  const sigPt = Math.max(st.noiseFloor, median(win.map(j => s.blocks.d2[j])) * D2_TO_SIGMA);
  let turns = 0;
  let trip = 0;
  for (const j of win) {
    turns += s.blocks.turns[j];
    trip += s.blocks.trips[j];
  }
  const z = turningZ(turns, trip);
  const minAmp = Math.log(1 + st.oscMinAmplitude);
  const B = s.blocks.size;
  const pingAmp = B === 1 ? ampBlk : sigPt;
  const ping = z >= st.oscTurningZ && pingAmp >= minAmp && Math.abs(progress) < st.oscProgressFraction * pingAmp;
  let slow = false;
  let ratio = NaN;
  if (B >= 2) {
    const expected = (B >= 3 ? MEDIAN_SD_FACTOR : 1) * sigPt / Math.sqrt(B);
    ratio = ampBlk / expected;
    let crossings = 0;
    for (let k = 1; k < w; k++) if ((y[k] - med) * (y[k - 1] - med) < 0) crossings++;
    slow =
      ratio >= st.oscNoiseRatio &&
      ampBlk >= minAmp &&
      crossings >= 4 &&
      Math.abs(progress) < st.oscProgressFraction * ampBlk;
  }
  if (!ping && !slow) return;
  const amp = ping ? pingAmp : ampBlk;
  ctx.oscillating.add(s.name);
  const msg: Parameters<typeof emit>[1]['message'] = [
    [
      'oscillation.message',
      {
        points,
        from: fmtStep(s.blocks.startStep[win[0]]),
        to: fmtStep(s.blocks.endStep[lastJ]),
        amp: fmtPct(Math.exp(amp) - 1),
        level: fmtNum(Math.exp(med)),
        progress: fmtChange(Math.exp(progress) - 1),
      },
    ],
  ];
  if (ping) msg.push(['oscillation.turning', { rate: fmtPct(turns / Math.max(1, trip)), z: fmtRatio(z) }]);
  else msg.push(['oscillation.swings', { ratio: fmtRatio(ratio) }]);
  emit(ctx, {
    kind: 'oscillation',
    severity: 'warning',
    state: s,
    idx: first,
    endStep: s.blocks.endStep[lastJ],
    title: ['oscillation.title'],
    message: msg,
    evidence: {
      test: ping ? 'turning-points' : 'swings',
      windowPoints: points,
      amplitude: Math.exp(amp) - 1,
      minAmplitude: st.oscMinAmplitude,
      progress: Math.exp(progress) - 1,
      turningRate: turns / Math.max(1, trip),
      turningZ: z,
      thresholdZ: st.oscTurningZ,
      noiseRatio: ratio,
      thresholdNoiseRatio: st.oscNoiseRatio,
      pointNoise: sigPt,
    },
    confidence: ping ? confidenceFromRatio(z / st.oscTurningZ, 0.55) : confidenceFromRatio(ratio / st.oscNoiseRatio, 0.55),
  });
}

/** The amplitude rule for short series (see the header); true when it reported. */
/**
 * A validation loss is measured on a whole data set, so from one evaluation to the next it moves
 * only as much as the weights do: over the last third of its evaluations (at least 10), a median
 * change of oscValSwing (±25 %) from each to the next with no net progress (Kendall's tau within
 * 2 standard errors of 0) is training that does not settle, whatever the turning-point rate.
 */
function checkEvalSwings(ctx: Ctx, s: SeriesState, idx: number[]): boolean {
  const st = ctx.st;
  const k = Math.max(st.oscValMinEvaluations, Math.ceil(idx.length / 3));
  if (idx.length < k) return false;
  const y = idx.slice(idx.length - k).map(j => s.blocks.med[j]);
  const steps: number[] = [];
  for (let i = 1; i < k; i++) steps.push(Math.abs(y[i] - y[i - 1]));
  const swing = median(steps);
  if (!(swing >= Math.log(1 + st.oscValSwing))) return false;
  const { tau } = theilSen(y);
  if (!(Math.abs(kendallZ(tau, k)) < st.oscValNetZ)) return false;
  const med = median(y);
  const j0 = idx[idx.length - k];
  const jn = idx[idx.length - 1];
  ctx.oscillating.add(s.name);
  emit(ctx, {
    kind: 'oscillation',
    severity: 'warning',
    state: s,
    idx: s.blocks.startIdx[j0],
    endStep: s.blocks.endStep[jn],
    title: ['oscillation.title'],
    message: [['oscillation.evalSwings', { swing: fmtPct(Math.exp(swing) - 1), level: fmtNum(s.raw(med)), points: k, from: fmtStep(s.blocks.startStep[j0]), to: fmtStep(s.blocks.endStep[jn]) }]],
    evidence: { rule: 'eval-swings', medianStepChange: Math.exp(swing) - 1, threshold: st.oscValSwing, kendallTau: tau, evaluations: k, level: s.raw(med) },
    confidence: 0.7,
  });
  return true;
}

function checkShort(ctx: Ctx, s: SeriesState, idx: number[]): boolean {
  const st = ctx.st;
  const all = idx.map(j => s.blocks.med[j]);
  // the initial descent ends at the first point at or below the median of the rest
  let k0 = 0;
  while (k0 < all.length && all[k0] > median(all.slice(k0))) k0++;
  const y = all.slice(k0);
  const n = y.length;
  if (n < st.oscShortMinPoints) return false;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  if (!(range >= Math.log(Math.max(1, st.oscShortMinRange)))) return false;
  const med = median(y);
  const amp = 1.4826 * median(y.map(v => Math.abs(v - med)));
  if (!(amp >= Math.log(1 + Math.max(st.oscMinAmplitude, st.oscShortMinAmplitude)))) return false;
  // no net progress: no significant downward trend (Kendall's tau against the point order)
  const { tau } = theilSen(y);
  const tauZ = tau / Math.sqrt((2 * (2 * n + 5)) / (9 * n * (n - 1)));
  if (!(tauZ > -st.oscShortTrendZ)) return false;
  const third = Math.max(1, Math.floor(n / 3));
  const progress = median(y.slice(n - third)) - median(y.slice(0, third));
  const swing = Math.log(1 + st.oscShortMinSwing);
  let reversals = 0;
  let turns = 0;
  for (let k = 1; k < n - 1; k++) {
    const a = y[k] - y[k - 1];
    const b = y[k + 1] - y[k];
    if (a * b >= 0) continue;
    turns++;
    if (Math.abs(a) >= swing && Math.abs(b) >= swing) reversals++;
  }
  if (reversals < st.oscShortMinReversals) return false;
  // the swings are as large as all the progress made: the descent from the initial level to
  // the window's median is at most oscShortMaxDescent swings
  const init = s.initialLevel();
  const descent = init - med;
  if (!(descent <= st.oscShortMaxDescent * amp)) return false;
  const first = s.blocks.startIdx[idx[k0]];
  const lastJ = idx[idx.length - 1];
  ctx.oscillating.add(s.name);
  emit(ctx, {
    kind: 'oscillation',
    severity: 'warning',
    state: s,
    idx: first,
    endStep: s.blocks.endStep[lastJ],
    title: ['oscillation.title'],
    message: [
      [
        'oscillation.message',
        {
          points: n,
          from: fmtStep(s.blocks.startStep[idx[k0]]),
          to: fmtStep(s.blocks.endStep[lastJ]),
          amp: fmtPct(Math.exp(amp) - 1),
          level: fmtNum(Math.exp(med)),
          progress: fmtChange(Math.exp(progress) - 1),
        },
      ],
    ],
    evidence: {
      test: 'short-swings',
      windowPoints: n,
      amplitude: Math.exp(amp) - 1,
      minAmplitude: Math.max(st.oscMinAmplitude, st.oscShortMinAmplitude),
      range: Math.exp(range),
      minRange: st.oscShortMinRange,
      progress: Math.exp(progress) - 1,
      kendallTau: tau,
      trendZ: tauZ,
      reversals,
      minReversals: st.oscShortMinReversals,
      minSwing: st.oscShortMinSwing,
      turningRate: turns / Math.max(1, n - 2),
      initialLevel: Math.exp(init),
      descent: Math.exp(descent) - 1,
    },
    confidence: confidenceFromRatio(reversals / st.oscShortMinReversals, 0.55),
  });
  return true;
}
