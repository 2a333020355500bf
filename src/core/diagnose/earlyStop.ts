/**
 * early-stop (info): "best validation at step X, the rest was wasted: stop with patience N".
 * Simulates the seed's LossMonitor.should_stop (patience 10, min_delta 0.001, improvement =
 * value < best - min_delta) on the validation loss. Reported when no later evaluation beat the
 * best by min_delta (stopping would have lost nothing), at least 10 % of the evaluations came
 * after the stop, and the evaluations after the stop are meaningfully worse than the best: the
 * median of the coarse points after the stop is above the best by at least 1 % and 2 point-noise
 * units (a flat, noisy plateau is not reported). The finding's step is the best-validation step
 * (the checkpoint to keep); the stop step is its endStep and evidence.stopStep. Evidence also
 * has the share of training saved (after the stop) and the share after the best step.
 */
import { fmtNum, fmtPct, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import type { SeriesState } from './seriesState';
import { median } from './stats';

export interface EarlyStopSim {
  stopStep: number;
  stopIdx: number;
  bestStep: number;
  bestIdx: number;
  best: number;
  /** Share of training after the stop (saved), by steps when they are monotonic. */
  saving: number;
  /** Share of training after the best step. */
  afterBest: number;
  /** No later evaluation beat the best: stopping would have lost nothing. */
  safe: boolean;
}

export function simulateEarlyStop(s: SeriesState): EarlyStopSim | null {
  if (!s.esStopped || s.esBestIdxAtStop < 0) return null;
  const n = s.points;
  const first = s.firstStep;
  const last = s.lastStep;
  const stopStep = s.stepAt(s.esStopIdx);
  const bestStep = s.stepAt(s.esBestIdxAtStop);
  const bySteps = s.restartCount === 0 && last > first;
  const share = (step: number, idx: number): number =>
    bySteps ? (last - step) / (last - first) : (s.consumed - 1 - idx) / Math.max(1, n - 1);
  return {
    stopStep,
    stopIdx: s.esStopIdx,
    bestStep,
    bestIdx: s.esBestIdxAtStop,
    best: s.esBestAtStop,
    saving: share(stopStep, s.esStopIdx),
    afterBest: share(bestStep, s.esBestIdxAtStop),
    safe: !s.esBeatenAfterStop,
  };
}

export function detectEarlyStop(ctx: Ctx): void {
  const st = ctx.st;
  for (const s of ctx.rs.byRole('val_loss')) {
    const sim = simulateEarlyStop(s);
    if (!sim || !sim.safe) continue;
    const evalsAfter = (s.consumed - 1 - sim.stopIdx) / Math.max(1, s.points);
    if (evalsAfter < st.earlyStopMinSaving) continue;
    const worse = worseAfterStop(s, sim, st.earlyStopMinRise, st.earlyStopNoiseZ);
    if (!worse || !(worse.rise >= worse.threshold)) continue;
    emit(ctx, {
      kind: 'early-stop',
      severity: 'info',
      state: s,
      idx: sim.bestIdx,
      step: sim.bestStep,
      endStep: sim.stopStep,
      title: ['earlyStop.title', { step: fmtStep(sim.stopStep) }],
      message: [
        [
          'earlyStop.message',
          {
            bestStep: fmtStep(sim.bestStep),
            best: fmtNum(sim.best),
            patience: st.earlyStopPatience,
            minDelta: fmtNum(st.earlyStopMinDelta),
            step: fmtStep(sim.stopStep),
            saving: fmtPct(sim.saving),
            afterBest: fmtPct(sim.afterBest),
          },
        ],
      ],
      evidence: {
        bestStep: sim.bestStep,
        best: sim.best,
        stopStep: sim.stopStep,
        patience: st.earlyStopPatience,
        minDelta: st.earlyStopMinDelta,
        minDeltaMode: st.earlyStopMinDeltaMode,
        saving: sim.saving,
        afterBestShare: sim.afterBest,
        evaluationsAfterStop: s.consumed - 1 - sim.stopIdx,
        medianAfterStop: worse.medianAfter,
        riseAfterStop: worse.rise,
        minRise: worse.threshold,
      },
      fixParams: { patience: st.earlyStopPatience, minDelta: st.earlyStopMinDelta },
      confidence: 0.8,
    });
  }
}

/**
 * How much worse than the best the evaluations after the stop are: the median of the coarse
 * points that start after the stop (or, when none has completed, that reach past it), as a
 * relative rise over the best, and the rise needed (at least `minRise`, and `noiseZ` point-noise
 * units of the series). Bounded: at most `coarsePoints` blocks.
 */
function worseAfterStop(
  s: SeriesState,
  sim: EarlyStopSim,
  minRise: number,
  noiseZ: number,
): { medianAfter: number; rise: number; threshold: number } | null {
  const idx = s.coarseIndices();
  let after = idx.filter(j => s.bStartIdx[j] > sim.stopIdx);
  if (after.length === 0) after = idx.filter(j => s.bEndIdx[j] > sim.stopIdx + 1);
  if (after.length === 0) return null;
  const m = median(after.map(j => s.bMed[j]));
  const noise = s.noise();
  if (s.isLog) {
    if (!(sim.best > 0)) return null;
    const rise = m - Math.log(sim.best);
    const thr = Math.max(Math.log(1 + minRise), noiseZ * (Number.isFinite(noise) ? noise : 0));
    return { medianAfter: Math.exp(m), rise: Math.exp(rise) - 1, threshold: Math.exp(thr) - 1 };
  }
  const scale = Math.abs(sim.best);
  if (!(scale > 0)) return null;
  const thr = Math.max(minRise * scale, noiseZ * (Number.isFinite(noise) ? noise : 0));
  return { medianAfter: m, rise: (m - sim.best) / scale, threshold: thr / scale };
}
