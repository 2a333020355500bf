// @vitest-environment jsdom
/**
 * Issue #13, points 1 and 2 on the bundled examples: a blown-up run opens in log scale (and
 * says why), a healthy one does not, the user's choice wins and is remembered; Epoch is offered
 * wherever epochs are known; ticks, counts and tooltips are formatted; fix snippets wrap; the
 * whole finding card selects it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/diagnose/types';
import { createRun } from '../../src/core/model';
import { buildSnapshot } from '../../src/host/viewer/payload';
import type { SnapshotMessage } from '../../src/shared/protocol';
import { App } from '../../webview/app';
import { compact, count, sig } from '../../webview/format';
import { loadOne } from './fixtures';
import { installCanvas, type StubApi, stubApi } from './jsdom-env';

installCanvas();

const EXAMPLES = path.resolve(__dirname, '../../examples');
const DIVERGING = path.join(EXAMPLES, 'diverging_run.log');
const HEALTHY = path.join(EXAMPLES, 'healthy_run.log');

let api: StubApi;
let app: App;
let root: HTMLElement;

function mount(state?: unknown): void {
  document.body.className = 'vscode-dark';
  document.body.replaceChildren();
  root = document.createElement('div');
  document.body.appendChild(root);
  api = stubApi(state);
  app = new App(root, api);
}

afterEach(() => app?.dispose());

async function snapshotOf(files: string[], findings: Finding[] = []): Promise<SnapshotMessage> {
  const runs = await Promise.all(files.map(f => loadOne(f)));
  return buildSnapshot({ runs, findings, locale: 'en' });
}

const logBox = () => root.querySelector<HTMLInputElement>('.ctl-logy')!;
const logNote = () => root.querySelector<HTMLElement>('.ctl-logy-note')!;
const lossChart = () => app.charts.find(c => c.group === 'loss')!;
const persisted = () => (api.state as Record<string, Record<string, unknown>> | undefined)?.['lossLens.view'];

describe('blown-up runs stay readable (issue #13, 1)', () => {
  it('opens examples/diverging_run.log in log scale and says so beside the control', async () => {
    mount();
    app.handle(await snapshotOf([DIVERGING]));
    expect(logBox().checked).toBe(true);
    expect(logNote().hidden).toBe(false);
    expect(logNote().textContent).toMatch(/^\(auto: values span \d+ decades\)$/);
    const decades = Number(/span (\d+)/.exec(logNote().textContent!)![1]);
    expect(decades).toBeGreaterThan(3);
    expect(lossChart().chart.options.scales!.y!.type).toBe('logarithmic');
    // The y range covers the small values too, not just 0 … 1e20.
    const y = lossChart().content!.y!;
    expect(y[0]).toBeGreaterThan(0);
    expect(Math.log10(y[1] / y[0])).toBeGreaterThan(3);
    // Nothing chosen yet: nothing saved as the user's choice.
    expect(persisted()?.logYChosen ?? false).toBe(false);
  });

  it('keeps examples/healthy_run.log linear, with no note', async () => {
    mount();
    app.handle(await snapshotOf([HEALTHY]));
    expect(logBox().checked).toBe(false);
    expect(logNote().hidden).toBe(true);
    expect(lossChart().chart.options.scales!.y!.type).toBe('linear');
  });

  it("the user's choice wins over the default and is remembered across a reload", async () => {
    mount();
    const snap = await snapshotOf([DIVERGING]);
    app.handle(snap);
    logBox().checked = false;
    logBox().dispatchEvent(new Event('change'));
    expect(lossChart().chart.options.scales!.y!.type).toBe('linear');
    expect(logNote().hidden).toBe(true);
    expect(persisted()).toMatchObject({ logY: false, logYChosen: true });
    // The webview is re-created with the saved state: still linear.
    const saved = api.state;
    app.dispose();
    mount(saved);
    app.handle(snap);
    expect(logBox().checked).toBe(false);
    expect(lossChart().chart.options.scales!.y!.type).toBe('linear');
    // And a healthy run the user put in log scale stays there.
    app.dispose();
    mount();
    app.handle(await snapshotOf([HEALTHY]));
    logBox().checked = true;
    logBox().dispatchEvent(new Event('change'));
    expect(lossChart().chart.options.scales!.y!.type).toBe('logarithmic');
    expect(logNote().hidden).toBe(true);
  });

  it('a state saved before the automatic default (logY false, no choice recorded) gets the default', async () => {
    mount({ 'lossLens.view': { logY: false } });
    app.handle(await snapshotOf([DIVERGING]));
    expect(logBox().checked).toBe(true);
  });

  it('in Compare Runs a blown-up run does not flatten the healthy one', async () => {
    mount();
    app.handle(await snapshotOf([HEALTHY, DIVERGING]));
    expect(logBox().checked).toBe(true);
    const c = lossChart().content!;
    expect(c.logY).toBe(true);
    // The healthy run's losses (0.1 … 1) lie inside the range, more than a decade above its floor.
    const [lo, hi] = c.y!;
    expect(lo).toBeLessThan(0.2);
    expect(hi).toBeGreaterThan(1e15);
  });
});

describe('one x axis that tells the truth (issue #13, 2)', () => {
  it('offers Epoch for healthy_run.log (an epoch series), enabled, and plots epoch-level series at their steps', async () => {
    mount();
    const snap = await snapshotOf([HEALTHY]);
    app.handle(snap);
    const sel = root.querySelector<HTMLSelectElement>('.ctl-xaxis')!;
    expect(Array.from(sel.options, o => o.value)).toContain('epoch');
    expect(sel.disabled).toBe(false);
    // Per-epoch series sit at the steps of the step counter, not at 1 … 30.
    const run = snap.runs[0];
    const stepLoss = run.series.find(s => s.role === 'train_loss' && s.steps.length > 40)!;
    const epochLevel = run.series.filter(s => s !== stepLoss && s.name !== 'epoch' && s.steps.length <= 40);
    expect(epochLevel.length).toBeGreaterThan(0);
    const lastStep = stepLoss.steps[stepLoss.steps.length - 1];
    for (const s of epochLevel) expect(s.steps[s.steps.length - 1]).toBeGreaterThan(lastStep / 2);
    sel.value = 'epoch';
    sel.dispatchEvent(new Event('change'));
    expect(app.xMode()).toBe('epoch');
    const xs = lossChart().chart.options.scales!.x!;
    expect(xs.max as number).toBeLessThan(lastStep);
  });

  it("offers Epoch where the run's steps are epochs (stepUnit 'epoch'), with x = step", async () => {
    mount();
    const snap = await snapshotOf([HEALTHY]);
    const run = snap.runs[0];
    run.series = run.series.filter(s => s.name !== 'epoch');
    run.stepUnit = 'epoch';
    app.handle(snap);
    const sel = root.querySelector<HTMLSelectElement>('.ctl-xaxis')!;
    expect(Array.from(sel.options, o => o.value)).toEqual(['step', 'epoch']);
    expect(sel.disabled).toBe(false);
    app.setXAxis('epoch');
    const ext = app.extent()!;
    const steps = run.series.flatMap(s => Array.from(s.steps));
    expect(ext[0]).toBe(Math.min(...steps));
    expect(ext[1]).toBe(Math.max(...steps));
  });

  it('step ticks are integers; ticks and counts are formatted (500 k, 23.9 M points)', async () => {
    mount();
    app.handle(await snapshotOf([HEALTHY]));
    const xs = lossChart().chart.options.scales!.x! as { ticks: { precision?: number } };
    expect(xs.ticks.precision).toBe(0);
    app.setXAxis('epoch');
    expect((lossChart().chart.options.scales!.x! as { ticks: { precision?: number } }).ticks.precision).toBeUndefined();
    expect(compact(500000)).toBe('500 k');
    expect(compact(23_912_345)).toBe('23.9 M');
    expect(compact(2000)).toBe('2000');
    expect(compact(12_000)).toBe('12 k');
    expect(compact(999_800)).toBe('1 M');
    expect(count(23_912_345)).toBe('23.9 M');
    expect(count(330)).toBe('330');
  });

  it('tooltips show six significant digits, not 0.48796827444651075', async () => {
    expect(sig(0.48796827444651075)).toBe('0.487968');
    expect(sig(5.254091959727607e19)).toBe('5.25409e19');
    expect(sig(2.3)).toBe('2.3');
    expect(sig(NaN)).toBe('NaN');
    mount();
    const snap = await snapshotOf([HEALTHY]);
    snap.runs[0].series[0].values[3] = 0.48796827444651075;
    app.handle(snap);
    app.setSmoothing('off');
    const chart = lossChart();
    const ds = chart.chart.data.datasets.findIndex(d => (d.data as unknown[]).length > 3);
    const label = (chart.chart.options.plugins!.tooltip!.callbacks!.label as (item: unknown) => string[]).call(
      chart.chart.tooltip,
      { datasetIndex: ds, dataIndex: 3, chart: chart.chart } as never,
    );
    expect(label.join('\n')).toContain(': 0.487968');
    expect(label.join('\n')).not.toMatch(/\d\.\d{7,}/);
  });

  it('fix snippets wrap instead of scrolling; the whole finding card selects the finding', async () => {
    const css = fs.readFileSync(path.resolve(__dirname, '../../media/viewer.css'), 'utf8');
    const fixCode = /\.fix-code \{([^}]*)\}/.exec(css)![1];
    expect(fixCode).toMatch(/white-space: pre-wrap/);
    expect(fixCode).not.toMatch(/overflow-x: auto/);
    mount();
    const snap = await snapshotOf([HEALTHY]);
    const f: Finding = {
      kind: 'loss-spike',
      severity: 'warning',
      series: snap.runs[0].series[0].name,
      step: 50,
      line: 12,
      title: 'Loss spike',
      message: 'The loss jumped.',
      evidence: {},
      fixes: [{ title: 'Clip gradients', detail: 'Bound the update size.', code: 'torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)' }],
      confidence: 0.7,
      source: snap.runs[0].source,
    };
    snap.findings = [f];
    app.handle(snap);
    const card = root.querySelector<HTMLElement>('.findings-list li.finding')!;
    card.querySelector('.finding-message')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(card.ownerDocument.querySelector('.findings-list li.finding.selected')).not.toBeNull();
    expect(api.posted.filter(m => m.type === 'revealSource').length).toBe(1);
    // The fixes toggle only toggles.
    root.querySelector('.findings-list summary')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(api.posted.filter(m => m.type === 'revealSource').length).toBe(1);
  });
});

describe('a run that failed before logging anything (issue #13, 5)', () => {
  it('says nothing could be diagnosed, not "0 points" and "No problems found"', () => {
    mount();
    const empty = createRun('runs/20261207-train/output.log', 'text');
    app.handle(buildSnapshot({ runs: [empty], findings: [], locale: 'en' }));
    // (before the host says the run failed, an empty run reads as one without problems)
    expect(root.textContent).toContain('No problems found.');
    app.handle({ type: 'error', message: "The run failed before logging any metric (exit code 1): ModuleNotFoundError: No module named 'torch'" });
    const text = root.textContent ?? '';
    expect(text).toContain("ModuleNotFoundError: No module named 'torch'");
    expect(text).toContain('Nothing to diagnose: no metric was logged.');
    expect(text).not.toContain('No problems found.');
    expect(text).not.toMatch(/\b0 points\b/);
  });
});
