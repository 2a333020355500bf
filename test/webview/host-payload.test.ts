import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/diagnose/types';
import { createRun, type Run, seriesOf } from '../../src/core/model';
import { csvField, numText, toCsv, toJson } from '../../src/host/viewer/exportData';
import { buildViewerHtml, makeNonce, viewerCsp } from '../../src/host/viewer/html';
import {
  AppendCursor,
  buildSnapshot,
  buildSummary,
  convergenceOf,
  lineForStep,
  viewerLocale,
} from '../../src/host/viewer/payload';
import { DETECTRON, loadOne } from './fixtures';

function run(source = '/logs/a.log'): Run {
  const r = createRun(source, 'text');
  const loss = seriesOf(r, 'loss');
  loss.push(0, 2.5, 1000, 3);
  loss.push(10, 1.25, 1010, 5);
  loss.push(20, NaN, 1020, 7);
  loss.push(30, Infinity, undefined, 9);
  const val = seriesOf(r, 'val_loss');
  val.push(10, 2, undefined, 6);
  val.push(20, 1.5, undefined, 8);
  val.push(30, 1.75, undefined, 10);
  return r;
}

function finding(over: Partial<Finding>): Finding {
  return {
    kind: 'loss-spike',
    severity: 'warning',
    series: 'loss',
    step: 10,
    title: 't',
    message: 'm',
    evidence: {},
    fixes: [],
    confidence: 0.5,
    ...over,
  };
}

describe('buildSnapshot(runs, findings)', () => {
  it('sends every series at full resolution as typed arrays, NaN and Infinity kept', () => {
    const r = run();
    const snap = buildSnapshot({ runs: [r], findings: [], locale: 'en' });
    expect(snap.type).toBe('snapshot');
    expect(snap.protocol).toBe(1);
    const loss = snap.runs[0].series.find(s => s.name === 'loss')!;
    expect(loss.steps).toBeInstanceOf(Float64Array);
    expect(Array.from(loss.values)).toEqual([2.5, 1.25, NaN, Infinity]);
    expect(Array.from(loss.wallTimes!)).toEqual([1000, 1010, 1020, NaN]);
    expect(loss.lines).toBeInstanceOf(Uint32Array);
    expect(Array.from(loss.lines!)).toEqual([3, 5, 7, 9]);
    expect(snap.runs[0].id).toBe('r0');
    expect(snap.title).toBe('a.log');
  });

  it('says when a run\'s steps are epochs (the viewer then offers the Epoch axis)', () => {
    const r = run();
    expect(buildSnapshot({ runs: [r], findings: [], locale: 'en' }).runs[0].stepUnit).toBeUndefined();
    r.meta.stepUnit = 'epoch';
    expect(buildSnapshot({ runs: [r], findings: [], locale: 'en' }).runs[0].stepUnit).toBe('epoch');
  });

  it('gives the findings of a lone run its source, and summarises each run', () => {
    const r = run();
    const snap = buildSnapshot({ runs: [r], findings: [finding({})], locale: 'zh-cn' });
    expect(snap.findings[0].source).toBe('/logs/a.log');
    expect(snap.locale).toBe('zh-cn');
    const s = snap.summaries[0];
    expect(s).toMatchObject({ runId: 'r0', points: 7, series: 2, nonFinite: 2, firstStep: 0, lastStep: 30 });
    expect(s).toMatchObject({ bestValSeries: 'val_loss', bestValStep: 20, bestValValue: 1.5 });
  });

  it('never sends more of a live series than it holds (no spare capacity)', () => {
    const r = createRun('/live', 'text');
    const s = seriesOf(r, 'loss');
    for (let i = 0; i < 20; i++) s.push(i, i);
    const snap = buildSnapshot({ runs: [r], findings: [], locale: 'en', live: new Set([r]) });
    expect(snap.runs[0].series[0].steps.length).toBe(20);
    expect(snap.runs[0].live).toBe(true);
    expect(snap.summaries[0].live).toBe(true);
  });
});

describe('AppendCursor', () => {
  it('yields only the points added since the last message, new series and events included', () => {
    const r = createRun('/live', 'text');
    const loss = seriesOf(r, 'loss');
    loss.push(0, 1);
    loss.push(1, 0.9);
    const c = new AppendCursor();
    c.markSent(r);
    expect(c.collect(r, 0)).toBeUndefined();
    loss.push(2, 0.8, undefined, 12);
    seriesOf(r, 'lr').push(2, 0.001);
    r.events.push({ type: 'note', message: 'hello' });
    const m = c.collect(r, 0)!;
    expect(m.type).toBe('append');
    expect(m.runId).toBe('r0');
    expect(m.series.map(s => [s.name, Array.from(s.steps), Array.from(s.values)])).toEqual([
      ['loss', [2], [0.8]],
      ['lr', [2], [0.001]],
    ]);
    expect(Array.from(m.series[0].lines!)).toEqual([12]);
    expect(m.events).toEqual([{ type: 'note', message: 'hello' }]);
    expect(c.collect(r, 0)).toBeUndefined();
    expect(c.collect(r, 0, true)).toEqual({ type: 'append', runId: 'r0', series: [], done: true });
  });
});

describe('buildSummary / convergenceOf', () => {
  it('reads the status from the most serious finding', () => {
    expect(convergenceOf([])).toBeUndefined();
    expect(convergenceOf([finding({ kind: 'not-converged', title: 'more' })])).toEqual({ status: 'improving', detail: 'more' });
    expect(convergenceOf([finding({ kind: 'not-converged' }), finding({ kind: 'divergence' })])!.status).toBe('diverged');
  });

  it('computes the early-stop saving from an early-stop finding', () => {
    const r = run();
    const s = buildSummary(r, 0, [finding({ kind: 'early-stop', series: 'val_loss', step: 20 })]);
    expect(s.earlyStopStep).toBe(20);
    expect(s.earlyStopSavedSteps).toBe(10);
    expect(s.earlyStopSavedFraction).toBeCloseTo(10 / 30);
  });

  it('counts restarts of a real resumed log', async () => {
    const r = await loadOne(DETECTRON);
    expect(buildSummary(r, 0, []).restarts).toBeGreaterThanOrEqual(4);
  });
});

describe('lineForStep(run, series, step)', () => {
  it('finds the source line of a point, or the nearest one', () => {
    const r = run();
    expect(lineForStep(r, 'loss', 20)).toBe(7);
    expect(lineForStep(r, 'val_loss', 21)).toBe(8);
    expect(lineForStep(r, undefined, 0)).toBe(3);
    expect(lineForStep(createRun('/x', 'csv'), 'loss', 1)).toBeUndefined();
  });
});

describe('viewerLocale(vscode.env.language)', () => {
  it.each([
    ['zh-cn', 'zh-cn'],
    ['zh-CN', 'zh-cn'],
    ['zh-hans', 'zh-cn'],
    ['zh-tw', 'en'],
    ['en', 'en'],
    ['de', 'en'],
    [undefined, 'en'],
  ])('%s -> %s', (lang, want) => expect(viewerLocale(lang)).toBe(want));
});

describe('CSV / JSON export (full resolution, from the Run objects)', () => {
  it('writes long format run,series,step,value,wall_time with full precision', () => {
    const r = run();
    const lines = toCsv([r]).trimEnd().split('\n');
    expect(lines[0]).toBe('run,series,step,value,wall_time');
    expect(lines.slice(1)).toEqual([
      'a.log,loss,0,2.5,1000',
      'a.log,loss,10,1.25,1010',
      'a.log,loss,20,NaN,1020',
      'a.log,loss,30,Infinity,',
      'a.log,val_loss,10,2,',
      'a.log,val_loss,20,1.5,',
      'a.log,val_loss,30,1.75,',
    ]);
    const p = createRun('/x/b.csv', 'csv');
    seriesOf(p, 'loss, "total"').push(1, 0.1 + 0.2);
    expect(toCsv([p]).split('\n')[1]).toBe('b.csv,"loss, ""total""",1,0.30000000000000004,');
  });

  it('tells runs with the same name apart by their source', () => {
    const a = run('/x/1/log.txt');
    const b = run('/x/2/log.txt');
    const rows = toCsv([a, b]).split('\n');
    expect(rows[1].startsWith('/x/1/log.txt,')).toBe(true);
    expect(rows.some(l => l.startsWith('/x/2/log.txt,'))).toBe(true);
  });

  it('numText and csvField', () => {
    expect([numText(NaN), numText(-Infinity), numText(1e-20), numText(123456789012345680)]).toEqual([
      'NaN',
      '-Infinity',
      '1e-20',
      '123456789012345680',
    ]);
    expect(csvField('plain')).toBe('plain');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('a\nb')).toBe('"a\nb"');
  });

  it('writes JSON with every point, non-finite values as strings', () => {
    const j = JSON.parse(toJson([run()], [finding({ evidence: { ratio: Infinity } })]));
    expect(j.format).toBe('loss-lens-series');
    const loss = j.runs[0].series[0];
    expect(loss.values).toEqual([2.5, 1.25, 'NaN', 'Infinity']);
    expect(loss.wallTimes).toEqual([1000, 1010, 1020, null]);
    expect(loss.lines).toEqual([3, 5, 7, 9]);
    expect(j.findings[0].evidence.ratio).toBe('Infinity');
  });
});

describe('buildViewerHtml (strict CSP, fresh nonce)', () => {
  const html = buildViewerHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc123==',
    scriptUri: 'https://x/dist/webview.js',
    styleUri: 'https://x/media/viewer.css',
    title: '<b>"log"</b>',
  });

  it('allows only the extension for styles, images, fonts and only the nonce for scripts', () => {
    expect(viewerCsp('SRC', 'N')).toBe(
      "default-src 'none'; style-src SRC; img-src SRC data:; font-src SRC; script-src 'nonce-N'",
    );
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src https://file+.vscode-resource.vscode-cdn.net;`);
    expect(html).not.toContain('unsafe-inline');
    expect(html).not.toContain('unsafe-eval');
  });

  it('has one script, with the nonce and a src, and no inline handlers or styles', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toEqual(['<script nonce="abc123==" src="https://x/dist/webview.js">']);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toContain('<style');
    expect(html).toContain('<title>&#60;b&#62;"log"&#60;/b&#62;</title>');
  });

  it('makes a new 128-bit nonce every time', () => {
    const a = makeNonce();
    const b = makeNonce();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64').length).toBe(16);
  });
});
