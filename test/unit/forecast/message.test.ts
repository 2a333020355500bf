/**
 * not-converged findings quantified by the forecaster (issue #17 §3): the sentence is there in
 * English and Simplified Chinese, and its numbers are the forecaster's on the logged series.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/core/analyze';
import { forecastSentence } from '../../../src/core/forecast';
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
    const sent = forecastSentence(run, s, 'en');
    expect(sent?.key).toBe('forecast.notConverged.reach');
    if (!sent?.milestone) return;
    const fc = sent.forecast;
    // The milestone lies half way from the current level to the level-off, reached on the curve.
    expect(sent.milestone.value).toBeCloseTo((fc.current + fc.asymptote) / 2, 10);
    expect(fc.at(sent.milestone.step)).toBeCloseTo(sent.milestone.value, 6);
    expect(f.message).toContain(`At this rate it reaches ${fmtNum(sent.milestone.value)} in about ${sent.params.more} more steps`);
    expect(f.message).toContain(`levels off near ${fmtNum(fc.asymptote)}`);
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
