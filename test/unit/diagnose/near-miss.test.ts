/**
 * Near misses, one per threshold (issue #15): each synthetic run in scenarios.ts built to sit
 * just inside or just outside one setting says what it says at the default, and something else
 * once that setting is moved by at most a fifth (x1.25 or x0.8; integers by 1). Read a row as
 * "run R with setting K at V: finding F goes from A to B". thresholds-matter.test.ts checks the
 * same for every setting in bulk; this file says, for a reader, what each near miss is for.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, summarize } from '../../../src/core/diagnose';
import { DEFAULT_SETTINGS, type DiagnoseSettings } from '../../../src/core/diagnose/settings';
import type { Run } from '../../../src/core/model';
import * as S from './scenarios';

type NumericKey = { [K in keyof DiagnoseSettings]: DiagnoseSettings[K] extends number ? K : never }[keyof DiagnoseSettings];

/** What a row looks at: a finding of a kind on a series (its severity, or its step with
 * `step: true`; null when absent), or the run's convergence status. */
type Look = { kind: string; series: string; step?: true } | { convergence: true };

interface Row {
  run: () => Run;
  key: NumericKey;
  value: number;
  look: Look;
  /** What the look gives at the default, and with the moved value. */
  before: string | number | null;
  after: string | number | null;
}

function seen(run: Run, look: Look, opts: Partial<DiagnoseSettings> = {}): string | number | null {
  const fs = diagnose([run], opts);
  if ('convergence' in look) return summarize(run, fs, opts).convergence?.status ?? null;
  const f = fs.find(x => x.kind === look.kind && x.series === look.series);
  if (!f) return null;
  return look.step ? f.step : f.severity;
}

const finding = (kind: string, series = 'loss'): Look => ({ kind, series });
const suggestionStep: Look = { kind: 'lr-suggestion', series: 'loss', step: true };
const convergence: Look = { convergence: true };

const ROWS: Row[] = [
  // general
  { run: S.noiseFreeSlowFall, key: 'noiseFloor', value: 0.0025, look: convergence, before: 'slow', after: 'converged' },
  { run: S.spikeAfterLrRestore, key: 'scheduleGuardPoints', value: 16, look: finding('loss-spike'), before: null, after: 'warning' },
  // a loss logged as a per-epoch running mean, judged on its epoch ends
  { run: S.runningMeanEightPoints, key: 'runningMeanEpochPoints', value: 9, look: convergence, before: 'fast', after: 'converged' },
  { run: S.runningMeanThreeEpochs, key: 'runningMeanMinEpochs', value: 4, look: finding('not-converged'), before: null, after: 'info' },
  { run: S.runningMeanSlowSettle, key: 'runningMeanDecay', value: 3.75, look: convergence, before: 'fast', after: 'slow' },
  { run: S.runningMeanSmallJumps, key: 'runningMeanJump', value: 6.25, look: finding('loss-spike'), before: null, after: 'info' },
  // non-finite
  { run: S.ampOverflowFrequent, key: 'nonFiniteGradTolerance', value: 0.008, look: finding('non-finite', 'grad_norm'), before: 'info', after: 'error' },
  // divergence
  { run: S.noisyStepUp, key: 'divergenceNoiseZ', value: 8, look: finding('divergence'), before: 'error', after: null },
  { run: S.recoveredSmallUndo, key: 'divergenceRecoveredMinUndo', value: 0.125, look: finding('divergence'), before: 'warning', after: null },
  { run: S.recoveredAfterHalving, key: 'divergenceRecoveredMinLearned', value: 0.625, look: finding('divergence'), before: 'warning', after: null },
  // oscillation
  { run: S.eightBursts, key: 'oscBurstCount', value: 10, look: finding('oscillation'), before: 'warning', after: null },
  { run: S.lowBursts, key: 'oscBurstRatio', value: 3, look: finding('oscillation'), before: 'warning', after: null },
  { run: S.smallPingPong, key: 'oscMinAmplitude', value: 0.125, look: finding('oscillation'), before: 'warning', after: null },
  { run: S.faintSlowSwings, key: 'oscNoiseRatio', value: 4, look: finding('oscillation'), before: 'warning', after: null },
  { run: S.shortBounceNarrow, key: 'oscShortMinRange', value: 3, look: finding('oscillation', 'train_loss'), before: 'warning', after: null },
  { run: S.shortBounceSmallSwing, key: 'oscShortMinAmplitude', value: 0.75, look: finding('oscillation', 'train_loss'), before: 'warning', after: null },
  // no learning / chance level
  { run: S.noisyCreep, key: 'noLearnTrendTau', value: 0.375, look: finding('no-learning'), before: null, after: 'warning' },
  { run: S.shortSpikyFall, key: 'noLearnTrendZ', value: 3, look: finding('no-learning'), before: null, after: 'warning' },
  { run: S.steadyCreep, key: 'noLearnTrendMinDrop', value: 0.0125, look: finding('no-learning'), before: null, after: 'warning' },
  { run: S.nearChanceBand, key: 'chanceBand', value: 0.016, look: finding('no-learning'), before: 'error', after: 'warning' },
  { run: S.stuckNearLn15, key: 'chanceInferTolerance', value: 0.2, look: finding('no-learning'), before: 'error', after: 'warning' },
  { run: S.stuckAtLn18, key: 'chanceMaxInferredClasses', value: 16, look: finding('no-learning'), before: 'error', after: 'warning' },
  // convergence
  { run: S.valStillCreeping, key: 'notConvergedValTau', value: 0.24, look: finding('not-converged', 'train_loss'), before: null, after: 'info' },
  { run: S.negativeNllSlowFall, key: 'convergedThreshold', value: 0.00125, look: convergence, before: 'slow', after: 'converged' },
  // overfitting
  { run: S.persistentRiseFour, key: 'overfitPersistPoints', value: 5, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.persistentRiseTrainFall11, key: 'overfitGapTrainFall', value: 0.125, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.plateauEndedByDecay, key: 'lrStepFactor', value: 1.875, look: finding('plateau'), before: null, after: 'info' },
  { run: S.lastEvaluationsUp, key: 'overfitNoiseZ', value: 3.75, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.fourEvaluationsRise, key: 'overfitMinPoints', value: 2, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.fewEvaluationsRise23, key: 'overfitShortMinRise', value: 0.25, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.dominantFor73Percent, key: 'imbalanceSamples', value: 13, look: finding('loss-imbalance', 'recon_loss'), before: 'warning', after: null },
  { run: S.persistentNoisyDrift, key: 'overfitPersistTrendZ', value: 3, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.persistentRiseDriftingDown, key: 'overfitPersistTau', value: 0.24, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  { run: S.valRiseTrainCreeps, key: 'trendMinChange', value: 0.00625, look: finding('overfitting', 'val_loss'), before: 'warning', after: null },
  // underfitting
  { run: S.underfitNearChance, key: 'underfitChanceFraction', value: 1, look: finding('underfitting'), before: 'warning', after: null },
  // gradients
  { run: S.vanishFactorNearMiss, key: 'vanishFactor', value: 125, look: finding('vanishing-gradient', 'grad_norm'), before: 'warning', after: null },
  { run: S.vanishTinyNorm, key: 'vanishAbsNorm', value: 8e-8, look: finding('vanishing-gradient', 'grad_norm'), before: 'warning', after: null },
  { run: S.vanishHalfwayLoss, key: 'vanishLossMinRemaining', value: 0.625, look: finding('vanishing-gradient', 'grad_norm'), before: 'warning', after: null },
  // multi-part losses
  { run: S.weightedKlTerm, key: 'imbalanceTotalSlack', value: 0.0625, look: finding('loss-imbalance', 'recon_loss'), before: 'warning', after: null },
  // learning rate range tests
  { run: S.narrowRangeTest, key: 'lrRangeMinDecades', value: 3, look: finding('lr-suggestion'), before: 'info', after: null },
  { run: S.shortRangeTest, key: 'lrRangeMinPoints', value: 25, look: finding('lr-suggestion'), before: 'info', after: null },
  { run: S.longRangeTest, key: 'lrRangeMaxPoints', value: 16000, look: finding('lr-suggestion'), before: 'info', after: null },
  { run: S.rangeTestShortCatapult, key: 'lrSmoothBeta', value: 0.784, look: suggestionStep, before: 240, after: 153 },
  { run: S.rangeTestLongCatapult, key: 'lrDivergeFactor', value: 5, look: suggestionStep, before: 153, after: 240 },
  { run: S.rangeTestSteepEarly, key: 'lrSkipStart', value: 0.08, look: suggestionStep, before: 30, after: 27 },
  { run: S.rangeTestSteepAtEnd, key: 'lrSkipEnd', value: 6, look: suggestionStep, before: 54, after: 53 },
  { run: S.rangeTestSteepAtEnd, key: 'lrSkipEnd', value: 4, look: suggestionStep, before: 54, after: 55 },
];

describe('near misses: moving one threshold by a fifth changes what its run says', () => {
  for (const r of ROWS) {
    it(`${r.run.name}: ${r.key} ${DEFAULT_SETTINGS[r.key]} -> ${r.value}`, () => {
      // the moved value is within a fifth of the default (integers: by one)
      const d = DEFAULT_SETTINGS[r.key];
      if (Number.isInteger(d) && Number.isInteger(r.value)) expect(Math.abs(r.value - d)).toBeLessThanOrEqual(Math.max(1, Math.round(0.25 * d)));
      else {
        expect(r.value / d).toBeGreaterThanOrEqual(0.8 - 1e-9);
        expect(r.value / d).toBeLessThanOrEqual(1.25 + 1e-9);
      }
      const run = r.run();
      expect(seen(run, r.look)).toBe(r.before);
      expect(seen(run, r.look, { [r.key]: r.value })).toBe(r.after);
    });
  }
});
