/**
 * Reading and analysing on a worker thread (core/background.ts): the runs and findings are
 * exactly those of loadPaths + analyzeRuns on this thread, progress arrives as the bytes are
 * read, a preview of overviews comes before the findings, and cancel really stops the thread.
 * Overviews (core/overview.ts) keep every spike and NaN.
 */
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/core/analyze';
import { loadInBackground } from '../../../src/core/background';
import { LoadCancelled, loadPaths } from '../../../src/core/load';
import type { Run } from '../../../src/core/model';
import { overviewIndex } from '../../../src/core/overview';
import { REAL, REPO_ROOT } from '../../helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-background-'));
let script = '';

beforeAll(() => {
  // The worker bundles, built here so that the test does not depend on `npm run build`: the
  // load worker starts the split reader's worker next to it, as in dist/.
  script = path.join(tmp, 'load-worker.js');
  for (const [entry, out] of [
    ['src/core/loadWorker.ts', script],
    ['src/core/partWorker.ts', path.join(tmp, 'parse-worker.js')],
  ]) {
    buildSync({ entryPoints: [path.join(REPO_ROOT, entry)], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  }
});

/** A CSV log of `n` steps with a NaN at `nanAt` and a spike at `spikeAt`. */
function bigCsv(name: string, n: number, nanAt: number, spikeAt: number): string {
  const rows = ['step,train_loss,val_loss,lr'];
  for (let i = 0; i < n; i++) {
    const loss = i === nanAt ? 'nan' : i === spikeAt ? '9.5' : (2.5 * Math.exp(-i / (n / 4)) + 0.01 * Math.sin(i)).toFixed(6);
    rows.push(`${i},${loss},${i % 1000 === 0 ? (2.6 * Math.exp(-i / (n / 4))).toFixed(6) : ''},3.0000e-4`);
  }
  const file = path.join(tmp, name);
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

/** Everything of runs that the viewer and the diagnostics use, as a comparable string. */
function snap(runs: Run[]): string {
  return JSON.stringify(
    runs.map(r => ({
      source: r.source,
      format: r.format,
      name: r.name,
      events: r.events,
      meta: r.meta,
      series: [...r.series.values()].map(s => ({
        name: s.name,
        role: s.role,
        nonFinite: s.nonFinite,
        restarts: s.restarts,
        steps: Array.from(s.steps.view()),
        values: Array.from(s.values.view(), v => String(v)),
        walls: s.wallTimes ? Array.from(s.wallTimes.view(), v => String(v)) : null,
        lines: s.lines ? Array.from(s.lines.view()) : null,
      })),
    })),
  );
}

describe('loadInBackground', () => {
  it('gives the runs and findings of loadPaths + analyzeRuns, for real logs of several formats', async () => {
    const inputs = [
      path.join(REAL, 'tfevents/yolov5_lego/events.out.tfevents.1655416124.33f6a3a27a4d.385.0'),
      path.join(REPO_ROOT, 'examples/diverging_run.log'),
      path.join(REPO_ROOT, 'examples/overfit_metrics.csv'),
    ];
    const ref = await loadPaths(inputs, { threads: false });
    const refFindings = analyzeRuns(ref.runs, { lang: 'en' });
    const progress: number[] = [];
    const bg = loadInBackground(inputs, { script, analyze: { lang: 'en' }, onProgress: d => progress.push(d) });
    expect(bg.threadId).toBeGreaterThan(0);
    const got = await bg.result;
    expect(snap(got.runs)).toBe(snap(ref.runs));
    expect(got.findings).toEqual(refFindings);
    expect(got.problems).toEqual(ref.problems);
    expect(got.timings?.readMs).toBeGreaterThanOrEqual(0);
    const total = inputs.reduce((a, f) => a + fs.statSync(f).size, 0);
    expect(progress[progress.length - 1]).toBe(total);
  });

  it('sends a preview of overviews of a long log before its findings, and the full log after', async () => {
    const file = bigCsv('long.csv', 300_000, 123_457, 200_001);
    const order: string[] = [];
    let preview: { runs: Run[]; totals: Map<unknown, number> } | undefined;
    const bg = loadInBackground([file], {
      script,
      threads: false,
      analyze: { lang: 'en' },
      onPreview: p => {
        order.push('preview');
        preview = p;
      },
    });
    const got = await bg.result;
    order.push('done');
    expect(order).toEqual(['preview', 'done']); // 300 k rows: under PARTIAL_MIN_BYTES, no partial picture
    const loss = got.runs[0].series.get('train_loss')!;
    expect(loss.length).toBe(300_000);
    const pl = preview!.runs[0].series.get('train_loss')!;
    expect(preview!.totals.get(pl)).toBe(300_000);
    expect(pl.length).toBeLessThan(40_000);
    const steps = Array.from(pl.steps.view());
    const values = Array.from(pl.values.view());
    // The NaN and the spike are in the picture, at their steps; the counts are the log's.
    expect(Number.isNaN(values[steps.indexOf(123_457)])).toBe(true);
    expect(values[steps.indexOf(200_001)]).toBe(9.5);
    expect(pl.nonFinite).toBe(1);
    // A short series travels whole.
    const val = preview!.runs[0].series.get('val_loss')!;
    expect(preview!.totals.has(val)).toBe(false);
    expect(val.length).toBe(got.runs[0].series.get('val_loss')!.length);
    expect(got.findings.some(f => f.kind === 'non-finite')).toBe(true);
  });

  it('draws the part read so far of a large file at each quarter, then the whole log', async () => {
    const file = bigCsv('partial.csv', 1_500_000, 1_000_003, -1);
    expect(fs.statSync(file).size).toBeGreaterThan(32 << 20);
    const seen: Array<{ partial: boolean; points: number; last: number }> = [];
    const got = await loadInBackground([file], {
      script,
      threads: false,
      onPreview: p => {
        const s = p.runs[0].series.get('train_loss')!;
        seen.push({ partial: p.partial, points: p.totals.get(s) ?? s.length, last: s.lastStep() });
      },
    }).result;
    expect(seen.map(x => x.partial)).toEqual([true, true, true, false]);
    // Each picture covers more of the log, the last one all of it.
    for (let i = 1; i < seen.length; i++) expect(seen[i].points).toBeGreaterThan(seen[i - 1].points);
    expect(seen[0].points).toBeGreaterThan(1_500_000 / 4 - 50_000);
    expect(seen[3]).toEqual({ partial: false, points: 1_500_000, last: 1_499_999 });
    expect(got.runs[0].series.get('train_loss')!.length).toBe(1_500_000);
  });

  it('cancel stops the worker thread: the result rejects with LoadCancelled and the thread exits', async () => {
    const file = bigCsv('cancel.csv', 1_500_000, -1, -1);
    let firstProgress: () => void = () => {};
    const started = new Promise<void>(r => (firstProgress = r));
    const bg = loadInBackground([file], { script, threads: false, analyze: {}, progressMs: 0, onProgress: d => d > 0 && firstProgress() });
    const id = bg.threadId;
    expect(id).toBeGreaterThan(0);
    await started;
    const t0 = Date.now();
    bg.cancel();
    await expect(bg.result).rejects.toBeInstanceOf(LoadCancelled);
    expect(Date.now() - t0).toBeLessThan(2000);
    // The worker is gone: its id is no longer reported.
    await expect.poll(() => bg.threadId, { timeout: 5000 }).toBeUndefined();
  });

  it('on this thread (no worker script) reads the same and cancels through the signal', async () => {
    const file = path.join(REPO_ROOT, 'examples/diverging_run.log');
    const ref = await loadPaths([file], { threads: false });
    const got = await loadInBackground([file], { script: null, analyze: { lang: 'en' } }).result;
    expect(snap(got.runs)).toBe(snap(ref.runs));
    const bg = loadInBackground([bigCsv('here.csv', 200_000, -1, -1)], { script: null, threads: false });
    bg.cancel();
    await expect(bg.result).rejects.toBeInstanceOf(LoadCancelled);
  });
});

describe('overviewIndex', () => {
  it('keeps every spike and NaN of a long series, in order, at most ~4 points per bucket', () => {
    const n = 1_000_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = 1 + 0.001 * Math.sin(i);
    }
    const spikes = [17, 333_333, 777_777, n - 1];
    for (const i of spikes) values[i] = 50;
    const nans = [5, 500_000, 900_001];
    for (const i of nans) values[i] = NaN;
    values[600_000] = -Infinity;
    const keep = overviewIndex(values, 4096);
    // The same from the values in parts.
    expect(overviewIndex([values.subarray(0, 123_456), values.subarray(123_456, 700_001), values.subarray(700_001)], 4096)).toEqual(keep);
    expect(keep.length).toBeLessThanOrEqual(4096 * 4 + 4);
    for (let i = 1; i < keep.length; i++) expect(keep[i]).toBeGreaterThan(keep[i - 1]);
    for (const i of [...spikes, ...nans, 600_000, 0]) expect(keep).toContain(i);
    // The lowest point of the series is there too.
    let iMin = 0;
    for (let i = 0; i < n; i++) if (values[i] < values[iMin]) iMin = i;
    expect(keep).toContain(iMin);
  });
});
