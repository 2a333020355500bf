// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../src/core/diagnose/types';
import type { SeriesPayload, SnapshotMessage } from '../../src/shared/protocol';
import { App, REDRAW_INTERVAL_MS } from '../../webview/app';
import { installCanvas, type StubApi, stubApi } from './jsdom-env';

installCanvas();

const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_MESSAGE = 'Loss is <b>NaN</b><img src=y onerror=alert(2)><script>alert(3)</script>';

function series(name: string, role: SeriesPayload['role'], n: number, f: (i: number) => number, withLines = true): SeriesPayload {
  const steps = new Float64Array(n);
  const values = new Float64Array(n);
  const lines = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = i * 10;
    values[i] = f(i);
    lines[i] = i + 2;
  }
  return withLines ? { name, role, steps, values, lines } : { name, role, steps, values };
}

function finding(over: Partial<Finding> = {}): Finding {
  return {
    kind: 'non-finite',
    severity: 'error',
    series: 'loss',
    step: 300,
    line: 32,
    title: 'NaN in the loss',
    message: 'The loss became NaN at step 300.',
    evidence: { count: 3 },
    fixes: [
      { title: 'Lower the learning rate', detail: 'Divide it by 10.' },
      { title: 'Clip gradients', detail: 'Bound the update.', code: 'torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)' },
    ],
    confidence: 0.9,
    source: '/runs/a.log',
    ...over,
  };
}

function snapshot(over: Partial<SnapshotMessage> = {}): SnapshotMessage {
  return {
    type: 'snapshot',
    protocol: 1,
    locale: 'en',
    title: 'a.log',
    runs: [
      {
        id: 'r0',
        source: '/runs/a.log',
        name: 'a.log',
        format: 'text',
        series: [
          series('loss', 'train_loss', 100, i => (i === 30 ? NaN : 3 - i / 50)),
          series('val_loss', 'val_loss', 100, i => 3.2 - i / 60),
          series('lr', 'lr', 100, () => 0.001),
          series(XSS_NAME, 'loss_part', 100, i => 1 + i / 100),
        ],
        events: [],
      },
    ],
    findings: [
      finding(),
      finding({ kind: 'overfitting', severity: 'warning', series: 'val_loss', step: 500, endStep: 900, title: 'Overfitting', message: XSS_MESSAGE, line: undefined }),
    ],
    summaries: [
      { runId: 'r0', source: '/runs/a.log', name: 'a.log', format: 'text', points: 400, series: 4, nonFinite: 1, convergence: 'non-finite', bestValSeries: 'val_loss', bestValStep: 990, bestValValue: 1.55 },
    ],
    problems: [],
    ...over,
  };
}

let api: StubApi;
let app: App;
let root: HTMLElement;

function mount(state?: unknown): void {
  document.body.className = 'vscode-dark';
  document.body.replaceChildren();
  root = document.createElement('div');
  root.id = 'app';
  document.body.appendChild(root);
  api = stubApi(state);
  app = new App(root, api);
}

beforeEach(() => mount());
afterEach(() => {
  app.dispose();
  vi.useRealTimers();
});

const persisted = () => (api.state as Record<string, Record<string, unknown>>)['lossLens.view'];

describe('snapshot', () => {
  it('builds a chart per group present, the series toggles, the findings and the summary', () => {
    app.handle(snapshot());
    expect(app.charts.map(c => c.group)).toEqual(['loss', 'lr']);
    expect(root.querySelectorAll('.series-list li.series').length).toBe(4);
    expect(root.querySelectorAll('.findings-list li.finding').length).toBe(2);
    expect(root.querySelector('.ll-title')!.textContent).toBe('a.log');
    const summary = root.querySelector('.ll-summary')!.textContent!;
    expect(summary).toContain('NaN/Inf in the loss');
    expect(summary).toContain('best val_loss 1.55 at step 990');
    // Loss chart: raw + smoothed for each of the three loss-like series.
    expect(app.charts[0].chart.data.datasets.length).toBe(6);
    expect(app.charts[0].content!.markers.map(m => m.stepFirst)).toEqual([300]);
  });

  it('ignores malformed messages and reports handler errors to the host', () => {
    app.handle(null);
    app.handle({ nope: 1 });
    app.handle({ type: 'append', runId: 'r9', series: [] });
    expect(api.posted).toEqual([]);
    app.handle({ type: 'mystery' });
    expect(api.posted[0]).toMatchObject({ type: 'error' });
  });

  it('shows the problems the host could not read, as text', () => {
    app.handle(snapshot({ problems: [{ source: '/x/<i>bad</i>.log', message: 'no metrics' }] }));
    const status = root.querySelector('.ll-status')!;
    expect(status.textContent).toContain('/x/<i>bad</i>.log: no metrics');
    expect(status.querySelector('i')).toBeNull();
  });
});

describe('strings from logs are text, never HTML', () => {
  it('renders a series named like an <img> tag and a finding message with markup as text', () => {
    app.handle(snapshot());
    expect(root.querySelectorAll('img, script, b').length).toBe(0);
    const names = Array.from(root.querySelectorAll('.series-name')).map(e => e.textContent);
    expect(names).toContain(XSS_NAME);
    const messages = Array.from(root.querySelectorAll('.finding-message')).map(e => e.textContent);
    expect(messages).toContain(XSS_MESSAGE);
    const fixCode = root.querySelector('.fix-code code')!;
    expect(fixCode.textContent).toBe('torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)');
  });
});

describe('findings pane', () => {
  it('lists errors first, with severity icon, meta line and ordered fixes', () => {
    app.handle(snapshot());
    const items = Array.from(root.querySelectorAll<HTMLElement>('.findings-list li.finding'));
    expect(items.map(i => i.dataset.kind)).toEqual(['non-finite', 'overfitting']);
    expect(items[0].querySelector('.sev-icon')!.getAttribute('aria-label')).toBe('Error');
    expect(items[0].querySelector('.finding-meta')!.textContent).toBe('loss · step 300 · line 32');
    expect(Array.from(items[0].querySelectorAll('.fix-title')).map(e => e.textContent)).toEqual(['Lower the learning rate', 'Clip gradients']);
  });

  it('clicking a finding zooms the chart to it and asks the host to reveal its line', () => {
    app.handle(snapshot());
    const head = root.querySelector<HTMLButtonElement>('.findings-list li[data-kind="overfitting"] .finding-head')!;
    head.click();
    const zoom = app.state.zoom!;
    expect(zoom[0]).toBeLessThanOrEqual(500);
    expect(zoom[1]).toBeGreaterThanOrEqual(900);
    expect(zoom[1] - zoom[0]).toBeLessThan(990);
    expect(api.posted.at(-1)).toEqual({ type: 'revealSource', source: '/runs/a.log', line: undefined, series: 'val_loss', step: 500 });
    expect(root.querySelector('.findings-list li.selected')!.getAttribute('data-kind')).toBe('overfitting');
    const band = app.charts[0].content!.findings.find(f => f.type === 'band');
    expect(band).toMatchObject({ x: 500, x2: 900 });
  });

  it('a findings message replaces the list and the summaries', () => {
    vi.useFakeTimers();
    app.handle(snapshot());
    app.handle({ type: 'findings', findings: [finding({ title: 'Only this', severity: 'info', kind: 'not-converged' })] });
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS + 5);
    const titles = Array.from(root.querySelectorAll('.finding-title')).map(e => e.textContent);
    expect(titles).toEqual(['Only this']);
  });
});

describe('toggles and state', () => {
  it('hides a series everywhere and remembers it', () => {
    app.handle(snapshot());
    const box = root.querySelector<HTMLInputElement>('.series-list li[data-series="/runs/a.log|val_loss"] input')!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    expect(app.charts[0].specs.some(s => s.series.name === 'val_loss')).toBe(false);
    expect(persisted().hidden).toEqual(['/runs/a.log|val_loss']);
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    expect(app.charts[0].specs.some(s => s.series.name === 'val_loss')).toBe(true);
  });

  it('persists smoothing, log scale, outliers and the axis under one namespaced key', () => {
    api.state = { other: { keep: true } };
    app.handle(snapshot());
    const smoothing = root.querySelector<HTMLSelectElement>('.ctl-smoothing')!;
    smoothing.value = 'off';
    smoothing.dispatchEvent(new Event('change'));
    expect(app.charts[0].specs.every(s => s.kind !== 'smooth')).toBe(true);
    const log = root.querySelector<HTMLInputElement>('.ctl-logy')!;
    log.checked = true;
    log.dispatchEvent(new Event('change'));
    expect(app.charts[0].chart.options.scales!.y!.type).toBe('logarithmic');
    const out = root.querySelector<HTMLInputElement>('.ctl-outliers')!;
    out.checked = true;
    out.dispatchEvent(new Event('change'));
    expect(persisted()).toMatchObject({ smoothing: 'off', logY: true, ignoreOutliers: true, xAxis: 'step' });
    expect((api.state as Record<string, unknown>).other).toEqual({ keep: true });
  });

  it('a re-created webview restores its UI state from getState and re-hydrates from the snapshot', () => {
    mount({ 'lossLens.view': { smoothing: 'window', window: 5, weight: 0.6, logY: true, ignoreOutliers: false, xAxis: 'step', hidden: ['/runs/a.log|lr'], zoom: [100, 400] } });
    app.handle(snapshot());
    expect(root.querySelector<HTMLSelectElement>('.ctl-smoothing')!.value).toBe('window');
    expect(root.querySelector<HTMLInputElement>('.ctl-logy')!.checked).toBe(true);
    expect(app.charts.map(c => c.group)).toEqual(['loss', 'lr']);
    expect(app.charts[1].specs.length).toBe(0);
    const x = app.charts[0].chart.options.scales!.x!;
    expect([x.min, x.max]).toEqual([100, 400]);
  });

  it('drops a restored axis the data no longer has', () => {
    mount({ 'lossLens.view': { xAxis: 'wall', zoom: [5, 6] } });
    app.handle(snapshot());
    expect(app.state.xAxis).toBe('step');
    expect(app.state.zoom).toBeNull();
  });

  it('double-click on a chart resets the zoom', () => {
    app.handle(snapshot());
    app.setRange([100, 200]);
    app.charts[0].canvas.dispatchEvent(new MouseEvent('dblclick'));
    expect(app.state.zoom).toBeNull();
    expect(persisted().zoom).toBeNull();
  });
});

describe('other metrics and colours', () => {
  it('lists other metrics beside a loss unchecked, and shows them in their own chart on demand', () => {
    const snap = snapshot();
    snap.runs[0].series.push(series('metrics/mAP_0.5', 'other', 50, i => i / 50), series('epoch', 'other', 50, i => i));
    app.handle(snap);
    expect(app.charts.map(c => c.group)).toEqual(['loss', 'lr']);
    const item = root.querySelector<HTMLInputElement>('.series-list li[data-series="/runs/a.log|metrics/mAP_0.5"] input')!;
    expect(item.checked).toBe(false);
    // The epoch counter is an axis, not a curve.
    expect(root.querySelector('.series-list li[data-series="/runs/a.log|epoch"]')).toBeNull();
    item.checked = true;
    item.dispatchEvent(new Event('change'));
    expect(app.charts.map(c => c.group)).toEqual(['loss', 'lr', 'other']);
    expect(persisted().shown).toEqual(['/runs/a.log|metrics/mAP_0.5']);
  });

  it('gives train/x and val/x one colour, the validation one dashed', () => {
    const snap = snapshot();
    snap.runs[0].series = [
      series('train/box_loss', 'loss_part', 20, i => 1 / (i + 1)),
      series('val/box_loss', 'val_loss', 20, i => 1.2 / (i + 1)),
      series('train_loss', 'train_loss', 20, i => 2 / (i + 1)),
      series('val_loss', 'val_loss', 20, i => 2.2 / (i + 1)),
    ];
    app.handle(snap);
    const s = (n: string) => app.model.allSeries().find(x => x.name === n)!;
    expect(app.colorOf(s('train/box_loss'))).toBe(app.colorOf(s('val/box_loss')));
    expect(app.dashOf(s('val/box_loss')).length).toBeGreaterThan(0);
    expect(app.dashOf(s('train/box_loss'))).toEqual([]);
    expect(app.colorOf(s('train_loss'))).not.toBe(app.colorOf(s('val_loss')));
    expect(root.querySelectorAll('.swatch.dashed').length).toBe(1);
  });

  it('overlays several runs with a colour each', () => {
    const snap = snapshot();
    const second = { ...snap.runs[0], id: 'r1', source: '/runs/b.log', name: 'b.log' };
    snap.runs.push(second);
    app.handle(snap);
    const [a, b] = app.model.runs.map(r => r.series.get('loss')!);
    expect(app.colorOf(a)).not.toBe(app.colorOf(b));
    expect(app.labelOf(b)).toBe('b.log: loss');
    expect(root.querySelectorAll('.series-list li.series-run').length).toBe(2);
  });
});

describe('live appends', () => {
  it('redraws at most ten times a second however fast points arrive', () => {
    vi.useFakeTimers();
    app.handle(snapshot());
    const before = app.redrawCount;
    for (let k = 0; k < 100; k++) {
      app.handle({ type: 'append', runId: 'r0', series: [series('loss', 'train_loss', 1, () => 1)] });
      vi.advanceTimersByTime(10); // 100 appends over one second
    }
    vi.advanceTimersByTime(200);
    const redraws = app.redrawCount - before;
    expect(redraws).toBeGreaterThanOrEqual(5);
    expect(redraws).toBeLessThanOrEqual(11);
    expect(app.model.runs[0].series.get('loss')!.length).toBe(200);
  });

  it('adds a chart when a new kind of series appears, and marks the run finished', () => {
    vi.useFakeTimers();
    app.handle(snapshot());
    app.handle({ type: 'append', runId: 'r0', series: [series('grad_norm', 'grad_norm', 5, i => i)], done: true });
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS + 5);
    expect(app.charts.map(c => c.group)).toEqual(['loss', 'lr', 'grad']);
    expect(app.model.runs[0].live).toBe(false);
  });
});

describe('host requests', () => {
  it('answers requestPng with the same id', () => {
    app.handle(snapshot());
    app.handle({ type: 'requestPng', requestId: 7 });
    // jsdom lays nothing out (canvases are 0x0): the reply says why; Chromium tests the image.
    const reply = api.posted.at(-1) as { type: string; requestId?: number; dataUrl?: string; error?: string };
    expect(reply).toMatchObject({ type: 'exportPng', requestId: 7 });
    expect(reply.dataUrl ?? reply.error).toBeTruthy();
  });

  it('asks the host for data exports from the toolbar', () => {
    app.handle(snapshot());
    const sel = root.querySelector<HTMLSelectElement>('.ctl-export')!;
    sel.value = 'csv';
    sel.dispatchEvent(new Event('change'));
    expect(api.posted.at(-1)).toEqual({ type: 'exportData', format: 'csv' });
    expect(sel.value).toBe('');
  });

  it('reveal zooms to the step and selects a finding there', () => {
    app.handle(snapshot());
    app.handle({ type: 'reveal', source: '/runs/a.log', series: 'loss', step: 300 });
    const z = app.state.zoom!;
    expect(z[0]).toBeLessThan(300);
    expect(z[1]).toBeGreaterThan(300);
    expect(root.querySelector('.findings-list li.selected')!.getAttribute('data-kind')).toBe('non-finite');
  });
});

describe('locale and theme', () => {
  it('speaks Simplified Chinese when the host says zh-cn', () => {
    app.handle(snapshot({ locale: 'zh-cn' }));
    expect(root.querySelector('.ll-findings .pane-title')!.textContent).toBe('诊断结果');
    expect(root.querySelector('.ctl-reset')!.textContent).toBe('重置缩放');
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('re-reads the colours when the body class changes, and turns animation off in high contrast', async () => {
    app.handle(snapshot());
    document.body.style.setProperty('--vscode-charts-blue', '#123456');
    document.body.className = 'vscode-high-contrast';
    await new Promise(r => setTimeout(r, 0));
    expect(app.theme().kind).toBe('high-contrast');
    expect(app.theme().blue).toBe('#123456');
    expect(app.charts[0].chart.options.animation).toBe(false);
    const ds = app.charts[0].chart.data.datasets.find(d => d.label === 'loss' && d.order === 0)!;
    expect(ds.borderWidth).toBeGreaterThanOrEqual(2.5);
  });
});
