/**
 * early-stop (info): where the seed's LossMonitor.should_stop (patience 10, min_delta 0.001,
 * improvement = value < best - min_delta) would have stopped on the validation loss, reported
 * when no later evaluation beat the best by min_delta (stopping would have lost nothing) and at
 * least 10 % of the evaluations came after the stop. Evidence: best step, stop step, the share
 * of training saved (after the stop) and the share after the best step.
 */
import { fmtNum, fmtPct, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import type { SeriesState } from './seriesState';

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
    emit(ctx, {
      kind: 'early-stop',
      severity: 'info',
      state: s,
      idx: sim.stopIdx,
      endStep: s.lastStep,
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
      },
      fixParams: { patience: st.earlyStopPatience, minDelta: st.earlyStopMinDelta },
      confidence: 0.8,
    });
  }
}
