/** The seed's analyses (convergence, capacity, overfitting trend, early stop) and summarize(). */
import { describe, expect, it } from 'vitest';
import { convergenceStatus, DEFAULT_SETTINGS, diagnose, inferClasses, modelCapacity, summarize } from '../../../src/core/diagnose';
import * as S from './scenarios';

describe("the seed's analyses", () => {
  it('convergence_analysis: < 0.001 converged, > 0.1 fast, else slow, insufficient below patience', () => {
    expect(convergenceStatus([1, 2, 3])).toBe('insufficient');
    expect(convergenceStatus(Array.from({ length: 10 }, () => 0.5))).toBe('converged');
    expect(convergenceStatus(Array.from({ length: 10 }, (_, i) => 1 - 0.02 * i))).toBe('fast');
    expect(convergenceStatus(Array.from({ length: 10 }, (_, i) => 1 - 0.001 * i))).toBe('slow');
    expect(convergenceStatus(Array.from({ length: 10 }, (_, i) => 1 + 0.01 * i))).toBe('converged');
  });

  it('model_capacity_analysis', () => {
    expect(modelCapacity(0.95, 0.6)).toBe('overfit');
    expect(modelCapacity(0.5, 0.55)).toBe('underfit');
    expect(modelCapacity(0.85, 0.83)).toBe('ok');
    expect(modelCapacity(0.85, 0.75)).toBe('unclear');
  });

  it('infers the class count from an initial loss near ln C', () => {
    expect(inferClasses(Math.log(10))).toBe(10);
    expect(inferClasses(0.6932)).toBe(2);
    expect(inferClasses(2.35)).toBeUndefined();
    expect(inferClasses(Math.log(175))).toBeUndefined(); // too many classes to tell by the loss
  });

  it('has documented defaults from the seed', () => {
    expect(DEFAULT_SETTINGS.convergencePatience).toBe(10);
    expect(DEFAULT_SETTINGS.convergedThreshold).toBe(0.001);
    expect(DEFAULT_SETTINGS.fastThreshold).toBe(0.1);
    expect(DEFAULT_SETTINGS.earlyStopPatience).toBe(10);
    expect(DEFAULT_SETTINGS.earlyStopMinDelta).toBe(0.001);
    expect(DEFAULT_SETTINGS.capacityHighAcc).toBe(0.9);
    expect(DEFAULT_SETTINGS.capacityLowAcc).toBe(0.7);
    expect(DEFAULT_SETTINGS.overfitTrendPoints).toBe(10);
  });
});

describe('summarize', () => {
  it('gives convergence, best validation, early stop and the overfitting trend', () => {
    const run = S.earlyStopCase();
    const fs = diagnose([run]);
    const s = summarize(run, fs);
    expect(s.trainSeries).toBe('loss');
    expect(s.bestVal).toEqual({ series: 'val_loss', step: 3000, value: 0.5 });
    // (min_delta relative: the best evaluation is the lowest one, as in bestVal)
    expect(s.earlyStop).toMatchObject({ stopStep: 4000, bestStep: 3000, patience: 10, safe: true });
    expect(s.earlyStop!.saving).toBeCloseTo(59 / 99, 3);
    expect(s.earlyStop!.afterBest).toBeCloseTo(69 / 99, 3);
    expect(s.valTrend!.rising).toBe(true);
    expect(s.counts.warning).toBe(1);
    expect(s.worst).toBe('warning');
  });

  it('reports converged for a flat low loss and the capacity from accuracies', () => {
    const s = summarize(S.convergedFlat(), []);
    expect(s.convergence!.status).toBe('converged');
    expect(s.convergence!.label).toBe('converged');
    const u = summarize(S.underfit(), [], { lang: 'zh-cn' });
    expect(u.capacity!.status).toBe('underfit');
    expect(u.capacity!.label).toBe('模型欠拟合，建议增加模型容量');
  });

  it('reports the suggested LR of a range test', () => {
    const run = S.rangeTest();
    expect(summarize(run, diagnose([run])).lrSuggestion).toBeGreaterThan(0);
  });
});
