// @vitest-environment jsdom
/**
 * The viewer while a big log is read: the bytes read with a bar and Cancel, the cancelled
 * state, the first picture (a preview of overviews) that says it is being analysed, and the
 * overview note once the findings came.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressMessage, SeriesPayload, SnapshotMessage } from '../../src/shared/protocol';
import { App } from '../../webview/app';
import { installCanvas, type StubApi, stubApi } from './jsdom-env';

installCanvas();

let api: StubApi;
let app: App;
let root: HTMLElement;

beforeEach(() => {
  document.body.replaceChildren();
  root = document.createElement('div');
  document.body.appendChild(root);
  api = stubApi();
  app = new App(root, api);
});
afterEach(() => app.dispose());

function progress(over: Partial<ProgressMessage> = {}): ProgressMessage {
  return { type: 'progress', locale: 'en', title: 'big.csv', state: 'reading', done: 52_300_000, total: 200_400_000, file: 'big.csv', ...over };
}

function overview(total: number | undefined, analysing: boolean): SnapshotMessage {
  const n = 1000;
  const s: SeriesPayload = { name: 'train_loss', role: 'train_loss', steps: new Float64Array(n).map((_, i) => i * 100), values: new Float64Array(n).map((_, i) => 2 - i / n) };
  if (total !== undefined) s.total = total;
  return {
    type: 'snapshot',
    protocol: 1,
    locale: 'en',
    title: 'big.csv',
    runs: [{ id: 'r0', source: '/w/big.csv', name: 'big.csv', format: 'csv', series: [s], events: [] }],
    findings: [],
    summaries: [{ runId: 'r0', source: '/w/big.csv', name: 'big.csv', format: 'csv', points: total ?? n, series: 1, nonFinite: 0 }],
    problems: [],
    ...(analysing ? { analysing: true } : {}),
  };
}

const text = (sel: string) => root.querySelector(sel)?.textContent ?? '';

describe('progress of a big log', () => {
  it('shows the bytes read, the percentage and a Cancel button that asks the host to stop', () => {
    app.handle(progress());
    const p = root.querySelector<HTMLElement>('.ll-progress')!;
    expect(p.hidden).toBe(false);
    expect(text('.ll-progress-text')).toBe('Reading big.csv: 52.3 MB of 200.4 MB (26 %)');
    expect(root.querySelector<HTMLProgressElement>('progress.ll-progress-bar')!.value).toBe(26);
    expect(text('.ll-title')).toBe('big.csv');
    root.querySelector<HTMLButtonElement>('button.ll-cancel')!.click();
    expect(api.posted).toContainEqual({ type: 'cancelLoad' });
    expect(root.querySelector<HTMLButtonElement>('button.ll-cancel')!.disabled).toBe(true);
  });

  it('says where it stopped once cancelled, with no Cancel button; in Chinese too', () => {
    app.handle(progress({ state: 'cancelled' }));
    expect(text('.ll-progress-text')).toBe('Cancelled after 52.3 MB of 200.4 MB (26 %). Close this view, or open the log again to read it.');
    expect(root.querySelector('button.ll-cancel')).toBeNull();
    app.handle(progress({ locale: 'zh-cn', done: 100_000_000 }));
    expect(text('.ll-progress-text')).toBe('正在读取 big.csv：已读 100.0 MB，共 200.4 MB（49%）');
  });

  it('draws the preview, says the findings are being computed, then shows the overview note', () => {
    app.handle(progress());
    app.handle(overview(21_700_000, true));
    expect(app.charts.length).toBeGreaterThan(0);
    expect(text('.ll-progress')).toContain('Analysing big.csv…');
    expect(text('.findings-list')).toBe('Analysing big.csv…');
    expect(text('.ll-overview')).toBe(
      'Overview of a long log: 1000 of 21.7 M points drawn (the first, lowest, highest and last point of each step bucket; every NaN kept). Export has all points.',
    );
    // Progress after the preview no longer replaces it; a cancel during the analysis is said.
    app.handle(progress({ done: 10 }));
    expect(text('.ll-progress')).toContain('Analysing');
    app.handle(overview(21_700_000, false));
    expect(text('.ll-progress')).not.toContain('Analysing');
    expect(text('.findings-list')).toBe('No problems found.');
    expect(root.querySelector('button.ll-cancel')).toBeNull();
  });

  it('draws the part read so far and keeps the progress going until the whole log is read', () => {
    app.handle(progress());
    app.handle({ ...overview(5_000_000, false), reading: true });
    expect(app.charts.length).toBeGreaterThan(0);
    expect(text('.ll-progress-text')).toBe('Reading big.csv: 52.3 MB of 200.4 MB (26 %)');
    expect(root.querySelector('button.ll-cancel')).not.toBeNull();
    expect(text('.findings-list')).toBe('The findings come once the whole log is read and analysed.');
    app.handle(progress({ done: 150_000_000 }));
    expect(text('.ll-progress-text')).toBe('Reading big.csv: 150.0 MB of 200.4 MB (74 %)');
    app.handle(overview(21_700_000, true));
    expect(text('.ll-progress')).toContain('Analysing big.csv…');
    app.handle(progress({ done: 200_400_000 }));
    expect(text('.ll-progress')).toContain('Analysing big.csv…');
  });

  it('hides the progress for a log drawn whole', () => {
    app.handle(progress());
    app.handle(overview(undefined, false));
    expect(root.querySelector<HTMLElement>('.ll-progress')!.hidden).toBe(true);
  });
});
