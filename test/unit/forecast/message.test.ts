/**
 * not-converged findings quantified by the forecaster (issue #17 §3): the sentence is there in
 * English and Simplified Chinese, and its numbers are the forecaster's on the logged series.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/core/analyze';
import { forecastSentence } from '../../../src/core/forecast';
import { forecastPrefix } from '../../../src/core/forecast/phrase';
import { fmtNum } from '../../../src/core/i18n';
import { loadPaths } from '../../../src/core/load';
import { REPO_ROOT } from '../../helpers';

async function load(rel: string) {
  const { runs } = await loadPaths([path.join(REPO_ROOT, rel)], { threads: false });
  return runs[0];
}

describe('not-converged, quantified', () => {
  it('says where the loss gets to, when, and where it levels off (spikes_garbage_batches.log)', async () => {
    const run = await load('test/scenarios/logs/spikes_garbage_batches.log');
    const f = analyzeRuns([run]).find(x => x.kind === 'not-converged');
    expect(f).toBeDefined();
    if (!f) return;
    const s = run.series.get(f.series);
    expect(s).toBeDefined();
    if (!s) return;
    // The engine reads the series as one segment from its first point, on forecastPrefix's
    // prefix (the same for a live and a batch diagnosis of the same points).
    const sent = forecastSentence(run, s, 'en', 0);
    expect(sent?.key).toBe('forecast.notConverged.reach');
    if (!sent?.milestone) return;
    const fc = sent.forecast;
    // The milestone lies half way from where the forecast curve starts (its value at the last
    // step, or the logged level when that is lower) to the level-off, reached on the curve.
    expect(sent.milestone.value).toBeCloseTo((Math.min(fc.at(fc.fromStep), fc.current) + fc.asymptote) / 2, 10);
    expect(fc.at(sent.milestone.step)).toBeCloseTo(sent.milestone.value, 6);
    expect(f.message).toContain(`At this rate it reaches ${fmtNum(sent.milestone.value)} in about ${sent.params.more} more steps`);
    expect(f.message).toContain(`levels off near ${fmtNum(fc.asymptote)}`);
    // found by the tail's steady fall while the guide's last-10 window looks converged: both are
    // said, never "convergence status: converged. Training longer should lower it further."
    expect(f.evidence.status).toBe('converged');
    expect(f.message).toContain('steadily and beyond its noise (its last 10 smoothed points alone look converged)');
    expect(f.message).not.toContain('status: converged');
    expect(f.message).toContain(`at step ${sent.params.to} expect ${fmtNum(fc.median)} (${fmtNum(fc.low)}–${fmtNum(fc.high)}, 80% interval)`);
    const zh = analyzeRuns([run], { lang: 'zh-cn' }).find(x => x.kind === 'not-converged');
    expect(zh?.message).toContain(`按目前的趋势，再训练约 ${sent.params.more} 步会降到 ${fmtNum(sent.milestone.value)}`);
  });

  it('forecasts to the planned end when the log tells it, in epochs for an epoch log', async () => {
    const run = await load('test/scenarios/logs/not_converged.csv');
    run.meta.plannedEpochs = '40';
    const f = analyzeRuns([run]).find(x => x.kind === 'not-converged');
    // Epochs counted from 0: 40 epochs end at epoch 39.
    expect(f?.message).toMatch(/at epoch 39 expect [0-9.e-]+ \([0-9.e-]+–[0-9.e-]+, 80% interval\)/);
  });
});

describe('forecastPrefix (the points a finding\'s forecast reads)', () => {
  it('is the whole segment when short, else a grid length leaving at most 1/16 of the newest points', () => {
    expect(forecastPrefix(0, 50)).toBe(50);
    expect(forecastPrefix(10, 73)).toBe(73);
    for (const [start, n] of [[0, 1000], [5, 123457], [0, 2_000_000], [1000, 1_000_999]]) {
      const end = forecastPrefix(start, n);
      expect(end).toBeLessThanOrEqual(n);
      expect(n - end).toBeLessThanOrEqual((n - start) / 16);
    }
    // It changes about 16 times per doubling of the curve, not on every append.
    const lengths = new Set<number>();
    for (let n = 1 << 16; n < 1 << 17; n += 1000) lengths.add(forecastPrefix(0, n));
    expect(lengths.size).toBeLessThanOrEqual(17);
  });
});
