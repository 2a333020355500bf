/**
 * Every one of the real files in test/fixtures/real (MANIFEST.tsv) is read: either it
 * yields runs with series, or — for the few files that hold no metrics at all — a clear
 * problem message. MLflow files are read as the stores they belong to. Nothing throws, and
 * every file is read in bounded time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPaths } from '../../src/core/load';
import { pointCount } from '../../src/core/model';
import { REAL, REPO_ROOT } from '../helpers';

interface Entry {
  file: string;
  format: string;
  notes: string;
}

const manifest: Entry[] = fs
  .readFileSync(path.join(REAL, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter(l => l.trim())
  .map(l => {
    const c = l.split('\t');
    return { file: c[0], format: c[6], notes: c[7] ?? '' };
  });

/** Files that hold no metric at all, and the message that must say so. */
const NO_METRICS: Record<string, RegExp> = {
  'tfevents/lfs_pointer/events.out.tfevents.1674944078.gpu07.cyverse.org.12415.0': /Git LFS pointer/,
  'tfevents/empty/events.out.tfevents.1630851472.Saazs-Air.fios-router.home.17109.0': /no training metrics/,
  'stdout/yolov5_wandb_output.log': /no training metrics/,
  'wandb/run-20210905_101956-t6lkqcux/run-t6lkqcux.wandb': /no training metrics/,
};

describe('the real corpus', () => {
  it('lists 370 files, all present', () => {
    expect(manifest.length).toBe(370);
    for (const e of manifest) expect(fs.existsSync(path.join(REAL, e.file)), e.file).toBe(true);
  });

  it('is committed in the repository, and lists every file it holds', () => {
    expect(path.relative(REPO_ROOT, REAL)).toBe(path.join('test', 'fixtures', 'real'));
    const held = (fs.readdirSync(REAL, { recursive: true }) as string[])
      .map(f => f.split(path.sep).join('/'))
      .filter(f => f !== 'MANIFEST.tsv' && fs.statSync(path.join(REAL, f)).isFile());
    expect(held.sort()).toEqual(manifest.map(e => e.file).sort());
  });

  const single = manifest.filter(e => e.format !== 'mlflow_filestore');
  it.each(single.map(e => [e.file, e.format] as const))('%s (%s) is read', async file => {
    const t0 = Date.now();
    const r = await loadPaths([path.join(REAL, file)]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const expectProblem = NO_METRICS[file];
    if (expectProblem) {
      expect(r.runs).toEqual([]);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0].message).toMatch(expectProblem);
    } else {
      expect(r.problems).toEqual([]);
      expect(r.runs.length).toBeGreaterThan(0);
      for (const run of r.runs) expect(pointCount(run)).toBeGreaterThan(0);
    }
  });

  it('reads all 316 MLflow files as the runs of their two stores', async () => {
    const mlflow = manifest.filter(e => e.format === 'mlflow_filestore');
    expect(mlflow.length).toBe(316);
    const roots = [...new Set(mlflow.map(e => e.file.split('/').slice(0, 3).join('/')))];
    expect(roots.sort()).toEqual([
      'mlflow_filestore/mlflow3_timeseries/mlruns',
      'mlflow_filestore/yolo_badminton/mlflow',
    ]);
    const r = await loadPaths(roots.map(x => path.join(REAL, x)));
    expect(r.problems).toEqual([]);
    expect(r.runs.length).toBeGreaterThanOrEqual(2);
    // Every metric file of every store became a series of some run.
    const metricFiles = mlflow.filter(e => /\/metrics\//.test(e.file) && !/\/models\//.test(e.file));
    const seriesCount = r.runs.reduce((a, run) => a + run.series.size, 0);
    expect(seriesCount).toBeGreaterThanOrEqual(metricFiles.length);
  });

  it('reads the whole corpus as directories: several runs per directory where there are several', async () => {
    const r = await loadPaths([REAL]);
    expect(r.runs.length).toBeGreaterThan(40);
    const stock = r.runs.filter(x => x.source.includes('keras_tf2_stockdata'));
    expect(stock.map(x => x.name).sort()).toEqual(['train', 'validation']);
  });
});
