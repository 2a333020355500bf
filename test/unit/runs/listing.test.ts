/**
 * The listing's pure parts on rows made from real logs: status from findings (info counts as
 * ok), sorting by best loss, status and recency, the parameters worth showing, short labels.
 */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyParams, RunIndex, runLabels, type RunRow, runsJson, sortRows, statusOf, sweepInsights } from '../../../src/core/runs';
import { loadPaths } from '../../../src/core/load';
import { REAL, REPO_ROOT, real } from '../../helpers';

let rows: RunRow[] = [];
beforeAll(async () => {
  rows = (
    await new RunIndex().list([
      path.join(REPO_ROOT, 'examples'),
      real('keras_csvlogger'),
      real('hf_trainer_state/whisper_ja_trainer_state.json'),
    ])
  ).rows;
});

describe('status, sorting and labels', () => {
  it('statusOf: the most severe finding; info counts as ok', () => {
    expect(statusOf([])).toBe('ok');
    expect(statusOf([{ severity: 'info' }])).toBe('ok');
    expect(statusOf([{ severity: 'info' }, { severity: 'warning' }])).toBe('warning');
    expect(statusOf([{ severity: 'warning' }, { severity: 'error' }])).toBe('error');
  });

  it('a run whose only findings are info is ok, with no worst finding', () => {
    for (const r of rows) {
      if (r.findings.every(f => f.severity === 'info')) {
        expect(r.status).toBe('ok');
        expect(r.worst).toBeNull();
      } else expect(r.worst).toBe(r.findings[0].kind);
    }
  });

  it('sorts by best loss (errors last), by status (errors first) and by recency', () => {
    const best = sortRows(rows, 'best');
    const firstError = best.findIndex(r => r.status === 'error');
    expect(firstError).toBeGreaterThan(0);
    expect(best.slice(firstError).every(r => r.status === 'error')).toBe(true);
    const healthy = best.slice(0, firstError).map(r => r.best?.value ?? Infinity);
    expect([...healthy].sort((a, b) => a - b)).toEqual(healthy);
    expect(sortRows(rows, 'status')[0].status).toBe('error');
    const rec = sortRows(rows, 'recency').map(r => r.mtimeMs);
    expect([...rec].sort((a, b) => b - a)).toEqual(rec);
  });

  it('labels drop the part of the paths all runs share', () => {
    const labels = runLabels(rows);
    expect(labels).toContain('examples/diverging_run.log');
    expect(labels).toContain('test/fixtures/real/keras_csvlogger/mnist_training_log.csv');
    expect(runLabels([])).toEqual([]);
  });

  it('key parameters are those that differ; runs with no shared parameter give no insight about one', () => {
    expect(keyParams(rows)).toEqual([]);
    expect(sweepInsights(rows).filter(i => i.param !== null)).toEqual([]);
    const json = runsJson(rows, []);
    expect(json.runs.map(r => r.path)).toEqual(rows.map(r => r.path));
  });
});

describe('numbers are data', () => {
  it("over the real corpus, each run's best is the lowest finite value its series logged, at the step it was logged", async () => {
    const { rows: all } = await new RunIndex().list([REAL]);
    expect(all.length).toBeGreaterThan(30);
    let checked = 0;
    for (const r of all) {
      if (!r.best) continue;
      const runs = (await loadPaths([r.source], { threads: false })).runs;
      const s = runs.map(x => x.series.get(r.best!.series)).find(x => x !== undefined)!;
      const v = Array.from(s.values.view());
      const st = Array.from(s.steps.view());
      const finite = v.filter(Number.isFinite);
      expect(r.best.value, r.path).toBe(Math.min(...finite));
      expect(v.some((x, i) => x === r.best!.value && st[i] === r.best!.step), r.path).toBe(true);
      expect(r.best.role === 'val_loss' ? s.role === 'val_loss' : s.role !== 'val_loss', r.path).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  }, 60_000);
});
