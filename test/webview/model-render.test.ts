import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/diagnose/types';
import type { RunPayload, SeriesPayload } from '../../src/shared/protocol';
import { computeTracks, ViewModel } from '../../webview/model';
import { buildChartContent, fullExtent, type ViewSettings } from '../../webview/render';

const f64 = (a: number[]) => Float64Array.from(a);

function sp(name: string, role: SeriesPayload['role'], steps: number[], values: number[], extra: Partial<SeriesPayload> = {}): SeriesPayload {
  return { name, role, steps: f64(steps), values: f64(values), ...extra };
}

function model(series: SeriesPayload[], id = 'r0', source = '/a.log'): ViewModel {
  const m = new ViewModel();
  const run: RunPayload = { id, source, name: 'a.log', format: 'text', series, events: [] };
  m.load([run]);
  return m;
}

const settings = (over: Partial<ViewSettings> = {}): ViewSettings => ({
  xMode: 'step',
  smoothing: { mode: 'ema', weight: 0.6, window: 9 },
  logY: false,
  ignoreOutliers: false,
  x0: 0,
  x1: 100,
  pixels: 200,
  ...over,
});

describe('computeTracks(steps, values)', () => {
  it('keeps the run as it finally went and sets the re-run stretch apart', () => {
    // 0..5, crash, resumed from 3: the first 3..5 were re-run.
    const steps = f64([0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7]);
    const values = f64([9, 8, 7, 6, 5, 4, 6.5, 5.5, 4.5, 3, 2]);
    const t = computeTracks(steps, values, steps.length);
    expect(Array.from(t.main.steps)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(t.main.values)).toEqual([9, 8, 7, 6.5, 5.5, 4.5, 3, 2]);
    expect(Array.from(t.superseded!.steps)).toEqual([3, 4, 5]);
    expect(Array.from(t.superseded!.src!)).toEqual([3, 4, 5]);
    expect(t.restarts).toEqual([{ index: 6, fromStep: 5, toStep: 3 }]);
  });

  it('splits repeated attempts into separate dashed segments', () => {
    const steps = f64([0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 4]);
    const t = computeTracks(steps, new Float64Array(steps.length), steps.length);
    expect(Array.from(t.superseded!.segment!)).toEqual([0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(t.main.steps)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is the whole series when steps never go back', () => {
    const t = computeTracks(f64([0, 1, 1, 2]), f64([1, 2, 3, 4]), 4);
    expect(t.main.src).toBeNull();
    expect(t.superseded).toBeNull();
  });
});

describe('ViewModel appends and axes', () => {
  it('grows series in place, adds new series and pads wall times', () => {
    const m = model([sp('loss', 'train_loss', [0, 1], [2, 1.5])]);
    const s = m.runs[0].series.get('loss')!;
    const v0 = s.version;
    m.append('r0', [sp('loss', 'train_loss', [2, 3], [NaN, 1.2], { wallTimes: f64([100, 101]) }), sp('lr', 'lr', [3], [0.1])], undefined, false);
    expect(s.length).toBe(4);
    expect(Array.from(s.values.view())).toEqual([2, 1.5, NaN, 1.2]);
    expect(Array.from(s.wallTimes!.view())).toEqual([NaN, NaN, 100, 101]);
    expect(s.nonFinite).toBe(1);
    expect(s.version).toBeGreaterThan(v0);
    expect(m.runs[0].series.get('lr')!.length).toBe(1);
    expect(m.append('nope', [], undefined, false)).toBe(false);
  });

  it('offers epoch and time axes only when the data has them, and maps steps to epochs', () => {
    const m = model([
      sp('loss', 'train_loss', [0, 50, 100, 150, 200], [5, 4, 3, 2, 1], { wallTimes: f64([1000, 1010, 1020, 1030, 1040]) }),
      sp('epoch', 'other', [0, 100, 200], [0, 1, 2]),
    ]);
    expect(m.availableXModes()).toEqual(['step', 'epoch', 'relative', 'wall']);
    const s = m.runs[0].series.get('loss')!;
    expect(Array.from(s.trackX('main', 'epoch').x)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(Array.from(s.trackX('main', 'relative').x)).toEqual([0, 10, 20, 30, 40]);
    expect(m.stepToX(m.runs[0], 'loss', 150, 'relative')).toBe(30);
    expect(m.stepToX(m.runs[0], 'loss', 50, 'epoch')).toBe(0.5);
    expect(model([sp('loss', 'train_loss', [0], [1])]).availableXModes()).toEqual(['step']);
  });
});

describe('buildChartContent', () => {
  const n = 1000;
  const steps = Array.from({ length: n }, (_, i) => i);
  const values = steps.map(i => 1 + Math.sin(i / 10) * 0.1);
  values[500] = 50; // a spike
  values[100] = NaN;
  values[101] = NaN;
  values[700] = Infinity;

  it('draws the raw curve under the smoothed one, both decimated, and keeps the spike', () => {
    const m = model([sp('loss', 'train_loss', steps, values)]);
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ x1: n - 1, pixels: 100 }), []);
    expect(c.datasets.map(d => [d.kind, d.primary])).toEqual([
      ['raw', false],
      ['smooth', true],
    ]);
    const raw = c.datasets[0];
    expect(raw.x.length).toBeLessThanOrEqual(402);
    expect(Array.from(raw.y)).toContain(50);
    expect(c.y![1]).toBeGreaterThan(50);
  });

  it('draws only the raw curve when smoothing is off', () => {
    const m = model([sp('loss', 'train_loss', steps, values)]);
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ smoothing: { mode: 'off', weight: 0.6, window: 9 }, x1: n - 1 }), []);
    expect(c.datasets.map(d => [d.kind, d.primary])).toEqual([['raw', true]]);
  });

  it('marks NaN/Inf where they occur, grouped with a count', () => {
    const m = model([sp('loss', 'train_loss', steps, values)]);
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ x1: n - 1, pixels: 100 }), []);
    expect(c.markers.map(g => [g.stepFirst, g.stepLast, g.count, g.nan, g.posInf])).toEqual([
      [100, 101, 2, 2, 0],
      [700, 700, 1, 0, 1],
    ]);
  });

  it('ignores outliers by taking the y range from the 5th-95th percentile (points kept)', () => {
    const m = model([sp('loss', 'train_loss', steps, values)]);
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ x1: n - 1, ignoreOutliers: true }), []);
    expect(c.y![1]).toBeLessThan(2);
    expect(Array.from(c.datasets[0].y)).toContain(50);
  });

  it('leaves values <= 0 out of a log scale', () => {
    const m = model([sp('loss', 'train_loss', [0, 1, 2, 3], [1, 0, -1, 0.1])]);
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ x1: 3, logY: true, smoothing: { mode: 'off', weight: 0, window: 1 } }), []);
    expect(Array.from(c.datasets[0].y)).toEqual([1, NaN, NaN, 0.1]);
    expect(c.y![0]).toBeGreaterThan(0);
  });

  it('draws a restarted run as the final run plus dashed re-run segments, and a restart mark', () => {
    const m = model([sp('loss', 'train_loss', [0, 1, 2, 3, 4, 2, 3, 4, 5], [5, 4, 3, 2, 1, 3.1, 2.1, 1.1, 0.5])]);
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ x1: 5, smoothing: { mode: 'off', weight: 0, window: 1 } }), []);
    expect(c.datasets.map(d => d.kind)).toEqual(['raw', 'superseded']);
    expect(Array.from(c.datasets[1].x)).toEqual([2, 3, 4]);
    expect(c.restarts).toEqual([{ x: 2, fromStep: 4, toStep: 2, runName: 'a.log', count: 1 }]);
    expect(fullExtent(m.allSeries(), 'step')).toEqual([0, 5]);
  });

  it('turns findings into a line (NaN, spike), a band (step..endStep) and a point (early stop)', () => {
    const m = model([sp('val_loss', 'val_loss', steps, values.map(v => (Number.isFinite(v) ? v : 1)))]);
    const f = (o: Partial<Finding>): Finding => ({
      kind: 'loss-spike',
      severity: 'warning',
      series: 'val_loss',
      step: 500,
      title: 'x',
      message: 'y',
      evidence: {},
      fixes: [],
      confidence: 1,
      ...o,
    });
    const findings = [
      f({ kind: 'non-finite', severity: 'error', step: 100 }),
      f({ kind: 'overfitting', step: 600, endStep: 900 }),
      f({ kind: 'early-stop', severity: 'info', step: 600 }),
    ].map((finding, index) => ({ finding, index }));
    const c = buildChartContent(m, 'loss', m.allSeries(), settings({ x1: n - 1 }), findings);
    expect(c.findings.map(x => x.type)).toEqual(['line', 'band', 'point']);
    expect(c.findings[1]).toMatchObject({ x: 600, x2: 900 });
    expect(c.findings[2]).toMatchObject({ x: 600, y: values[600] });
  });
});
