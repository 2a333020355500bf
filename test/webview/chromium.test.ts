/**
 * The real bundle (dist/webview.js) in real Chromium, behind the production HTML and CSP:
 * a snapshot built from a real log by the core loader draws curves, lists findings, toggles
 * series, zooms, exports a PNG, and renders hostile strings as text. Screenshots of the light
 * and dark themes go to docs/screenshots/.
 *
 * Needs Debian's /usr/bin/chromium; skipped without it, except under CI where it must exist.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../src/core/analyze';
import type { Finding } from '../../src/core/diagnose/types';
import { createRun, seriesOf } from '../../src/core/model';
import { buildSnapshot } from '../../src/host/viewer/payload';
import type { ToWebviewMessage } from '../../src/shared/protocol';
import { CHROMIUM, CHROMIUM_ARGS, encodeForPage, type Harness, REPO, startHarness, type ThemeName } from './harness';
import { DETECTRON, loadOne, NANOGPT, sampleFindings } from './fixtures';

const haveChromium = fs.existsSync(CHROMIUM);
const SHOTS = path.join(REPO, 'docs/screenshots');

if (!haveChromium && process.env.CI) {
  describe('Chromium', () => {
    it('is installed at /usr/bin/chromium (required under CI)', () => {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
    });
  });
}

const suite = haveChromium ? describe : describe.skip;

interface PageHandle {
  page: Page;
  errors: string[];
  dialogs: string[];
}

suite('the webview bundle in Chromium', () => {
  let browser: Browser;
  const harnesses: Harness[] = [];

  beforeAll(async () => {
    // The bundle under test, built the way scripts/build.mjs builds it.
    await esbuild.build({
      entryPoints: [path.join(REPO, 'webview/main.ts')],
      outfile: path.join(REPO, 'dist/webview.js'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'warning',
      legalComments: 'none',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const h of harnesses) await h.close();
  });

  async function open(theme: ThemeName = 'light', viewport = { width: 1280, height: 820 }): Promise<PageHandle> {
    const h = await startHarness({ theme });
    harnesses.push(h);
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', e => errors.push(e.message));
    page.on('console', m => {
      if (m.type() === 'error' && !m.text().includes('favicon') && !m.text().includes('404')) errors.push(m.text());
    });
    page.on('dialog', d => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(h.url);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return { page, errors, dialogs };
  }

  async function deliver(page: Page, m: ToWebviewMessage): Promise<void> {
    await page.evaluate(msg => (window as unknown as { __deliver(m: unknown): void }).__deliver(msg), encodeForPage(m));
  }

  /** Pixels of the main chart's plot area whose colour is close to `rgb` (or any saturated colour). */
  async function curvePixels(page: Page, chartIndex = 0, rgb?: [number, number, number]): Promise<number> {
    return page.evaluate(
      ({ chartIndex, rgb }) => {
        type AppLike = { charts: Array<{ chart: { canvas: HTMLCanvasElement; chartArea: { left: number; top: number; right: number; bottom: number }; currentDevicePixelRatio: number } }> };
        const app = (window as unknown as { __lossLens: AppLike }).__lossLens;
        const c = app.charts[chartIndex].chart;
        const a = c.chartArea;
        const dpr = c.currentDevicePixelRatio || 1;
        const ctx = c.canvas.getContext('2d')!;
        const x = Math.ceil(a.left * dpr) + 2;
        const y = Math.ceil(a.top * dpr) + 2;
        const w = Math.floor((a.right - a.left) * dpr) - 4;
        const h = Math.floor((a.bottom - a.top) * dpr) - 4;
        const d = ctx.getImageData(x, y, w, h).data;
        let n = 0;
        for (let k = 0; k < d.length; k += 4) {
          if (d[k + 3] < 40) continue;
          const [r, g, b] = [d[k], d[k + 1], d[k + 2]];
          if (rgb) {
            if (Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) < 60 && d[k + 3] > 200) n++;
          } else if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
        }
        return n;
      },
      { chartIndex, rgb },
    );
  }

  async function seriesColor(page: Page, name: string): Promise<[number, number, number]> {
    const css = await page.evaluate(n => {
      type AppLike = { model: { allSeries(): Array<{ name: string }> }; colorOf(s: unknown): string };
      const app = (window as unknown as { __lossLens: AppLike }).__lossLens;
      return app.colorOf(app.model.allSeries().find(s => s.name === n));
    }, name);
    const m = /^#([0-9a-f]{6})$/i.exec(css);
    if (m) return [0, 2, 4].map(i => parseInt(m[1].slice(i, i + 2), 16)) as [number, number, number];
    const p = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css)!;
    return [Number(p[1]), Number(p[2]), Number(p[3])];
  }

  async function xRange(page: Page): Promise<[number, number]> {
    return page.evaluate(() => {
      type AppLike = { charts: Array<{ chart: { scales: { x: { min: number; max: number } } } }> };
      const x = (window as unknown as { __lossLens: AppLike }).__lossLens.charts[0].chart.scales.x;
      return [x.min, x.max] as [number, number];
    });
  }

  async function nanoSnapshot() {
    const run = await loadOne(NANOGPT);
    const findings = sampleFindings(run);
    return { run, snap: buildSnapshot({ runs: [run], findings, locale: 'en' }) };
  }

  it('says ready, then draws the curves of a real nanoGPT log and lists its findings', async () => {
    const { page, errors } = await open('light');
    const posted = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted);
    expect(posted[0]).toEqual({ type: 'ready', protocol: 1 });
    const { snap } = await nanoSnapshot();
    await deliver(page, snap);
    expect(await curvePixels(page)).toBeGreaterThan(500);
    const titles = await page.locator('.findings-list .finding-title').allTextContents();
    expect(titles.length).toBe(snap.findings.length);
    expect(titles).toContain('Loss spike');
    expect(await page.locator('.series-list li.series').count()).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('hides a series when its toggle is unchecked, and brings it back', async () => {
    const { page } = await open('light');
    const { snap } = await nanoSnapshot();
    await deliver(page, snap);
    const valName = snap.runs[0].series.find(s => s.role === 'val_loss')!.name;
    const rgb = await seriesColor(page, valName);
    const before = await curvePixels(page, 0, rgb);
    expect(before).toBeGreaterThan(100);
    const toggle = page.locator(`.series-list li[data-series$="|${valName}"] input`);
    await toggle.uncheck();
    expect(await curvePixels(page, 0, rgb)).toBeLessThan(before / 10);
    const hidden = await page.evaluate(() => (window as unknown as { __state: Record<string, { hidden: string[] }> }).__state['lossLens.view'].hidden);
    expect(hidden.some(h => h.endsWith(`|${valName}`))).toBe(true);
    await toggle.check();
    expect(await curvePixels(page, 0, rgb)).toBeGreaterThan(before / 2);
    await page.close();
  }, 90_000);

  it('zooms with the wheel (re-decimating the visible range) and resets on double-click', async () => {
    const { page } = await open('dark');
    const { snap } = await nanoSnapshot();
    await deliver(page, snap);
    const full = await xRange(page);
    const canvas = page.locator('.chart-box.main canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    for (let k = 0; k < 4; k++) await page.mouse.wheel(0, -240);
    await page.waitForFunction(() => (window as unknown as { __lossLens: { state: { zoom: unknown } } }).__lossLens.state.zoom !== null);
    await page.waitForTimeout(100);
    const zoomed = await xRange(page);
    expect(zoomed[1] - zoomed[0]).toBeLessThan((full[1] - full[0]) * 0.8);
    expect(zoomed[0]).toBeGreaterThanOrEqual(full[0]);
    // Every point in view is drawn at full resolution when few enough.
    const drawn = await page.evaluate(() => {
      type AppLike = { charts: Array<{ specs: Array<{ kind: string; x: Float64Array }> }> };
      const app = (window as unknown as { __lossLens: AppLike }).__lossLens;
      return app.charts[0].specs.filter(s => s.kind === 'raw').map(s => s.x.length);
    });
    expect(Math.max(...drawn)).toBeGreaterThan(0);
    await canvas.dblclick({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
    await page.waitForTimeout(100);
    expect(await xRange(page)).toEqual(full);
    await page.close();
  }, 90_000);

  it('clicking a finding zooms to it and asks the host to open the log at its line', async () => {
    const { page } = await open('light');
    const { snap } = await nanoSnapshot();
    await deliver(page, snap);
    const spike = snap.findings.find(f => f.kind === 'loss-spike')!;
    const full = await xRange(page);
    await page.locator('.findings-list li[data-kind="loss-spike"] .finding-head').click();
    const z = await xRange(page);
    expect(z[0]).toBeLessThan(spike.step);
    expect(z[1]).toBeGreaterThan(spike.step);
    expect(z[1] - z[0]).toBeLessThan(full[1] - full[0]);
    const last = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.at(-1));
    expect(last).toEqual({ type: 'revealSource', source: snap.runs[0].source, line: spike.line, series: spike.series, step: spike.step });
    await page.close();
  }, 90_000);

  it('draws a resumed run (steps going back) with its restart marker and the re-run stretch apart', async () => {
    const { page, errors } = await open('dark');
    const run = await loadOne(DETECTRON);
    await deliver(page, buildSnapshot({ runs: [run], findings: [], locale: 'en' }));
    const info = await page.evaluate(() => {
      type AppLike = { charts: Array<{ specs: Array<{ kind: string }>; content: { restarts: Array<{ count: number }> } }> };
      const app = (window as unknown as { __lossLens: AppLike }).__lossLens;
      return { kinds: app.charts[0].specs.map(s => s.kind), restarts: app.charts[0].content.restarts };
    });
    expect(info.kinds).toContain('superseded');
    expect(info.restarts.reduce((a, r) => a + r.count, 0)).toBeGreaterThanOrEqual(4);
    expect(await curvePixels(page)).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('marks NaN/Inf where a real diverging run produced them, and explains a marker on hover', async () => {
    const { page, errors } = await open('light');
    const run = await loadOne(path.join(REPO, 'examples/diverging_run.log'));
    await deliver(page, buildSnapshot({ runs: [run], findings: analyzeRuns([run]), locale: 'en' }));
    const markers = await page.evaluate(() => {
      type Mark = { px: number; py: number; m: { count: number; nan: number } };
      type AppLike = { charts: Array<{ markers: Mark[] }> };
      return (window as unknown as { __lossLens: AppLike }).__lossLens.charts[0].markers.map(k => ({ px: k.px, py: k.py, nan: k.m.nan }));
    });
    expect(markers.length).toBeGreaterThan(0);
    expect(markers.every(k => k.nan > 0)).toBe(true);
    const box = (await page.locator('.chart-box.main canvas').boundingBox())!;
    await page.mouse.move(box.x + markers[0].px, box.y + markers[0].py);
    await expect.poll(() => page.locator('.chart-box.main canvas').getAttribute('title')).toMatch(/NaN @ step/);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('renders a series named <img src=x onerror=alert(1)> and a finding with HTML as text; nothing runs', async () => {
    const { page, errors, dialogs } = await open('light');
    const run = createRun('/logs/<img src=z onerror=alert(0)>.log', 'text');
    const evil = '<img src=x onerror=alert(1)>';
    const s = seriesOf(run, evil);
    const l = seriesOf(run, 'loss');
    for (let i = 0; i < 200; i++) {
      s.push(i, 1 + Math.sin(i / 9) * 0.2, undefined, i + 1);
      l.push(i, 2 - i / 200, undefined, i + 1);
    }
    s.role = 'train_loss';
    const message = 'Loss is <b>NaN</b><img src=y onerror=alert(2)><script>alert(3)</script>';
    const f: Finding = {
      kind: 'non-finite',
      severity: 'error',
      series: evil,
      step: 50,
      title: '<svg onload=alert(4)>',
      message,
      evidence: {},
      fixes: [{ title: '<iframe src=javascript:alert(5)>', detail: '<a href=javascript:alert(6)>x</a>', code: '</code><img src=q onerror=alert(7)>' }],
      confidence: 1,
      source: run.source,
    };
    await deliver(page, buildSnapshot({ runs: [run], findings: [f], locale: 'en' }));
    await page.waitForTimeout(500);
    const dom = await page.evaluate(() => ({
      injected: document.querySelectorAll('#app img, #app script, #app svg, #app iframe, #app b, #app a').length,
      names: Array.from(document.querySelectorAll('.series-name')).map(e => e.textContent),
      message: document.querySelector('.finding-message')?.textContent,
      title: document.querySelector('.finding-title')?.textContent,
      code: document.querySelector('.fix-code code')?.textContent,
    }));
    expect(dom.injected).toBe(0);
    expect(dom.names).toContain(evil);
    expect(dom.message).toBe(message);
    expect(dom.title).toBe('<svg onload=alert(4)>');
    expect(dom.code).toBe('</code><img src=q onerror=alert(7)>');
    // The legend and tooltips draw the name on the canvas; hover it too.
    const box = (await page.locator('.chart-box.main canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    await page.close();
  }, 90_000);

  it('answers a PNG request with an image of the charts', async () => {
    const { page } = await open('dark');
    const { snap } = await nanoSnapshot();
    await deliver(page, snap);
    await deliver(page, { type: 'requestPng', requestId: 3 });
    const reply = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; requestId?: number; dataUrl?: string }> }).__posted.at(-1)!);
    expect(reply.type).toBe('exportPng');
    expect(reply.requestId).toBe(3);
    const png = Buffer.from(reply.dataUrl!.split(',')[1], 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
    await page.close();
  }, 90_000);

  it.each([
    ['light', 'viewer-light.png', 'en'],
    ['dark', 'viewer-dark.png', 'en'],
    ['high-contrast', 'viewer-high-contrast.png', 'en'],
  ] as const)('saves a screenshot of the %s theme (%s)', async (theme, file, locale) => {
    const { page, errors } = await open(theme, { width: 1360, height: 860 });
    const run = await loadOne(NANOGPT);
    // The engine's findings when it has some for this log, else the samples.
    const engine = analyzeRuns([run]);
    const findings = engine.length ? engine : sampleFindings(run);
    await deliver(page, buildSnapshot({ runs: [run], findings, locale }));
    // Show a finding selected, as a user would after clicking it.
    await page.locator('.findings-list li.finding .finding-head').first().click();
    await page.locator('.ctl-reset').click();
    await page.waitForTimeout(150);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, file) });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('saves a screenshot of two runs overlaid (Compare Runs…)', async () => {
    const { page, errors } = await open('dark', { width: 1360, height: 860 });
    const runs = [await loadOne(path.join(REPO, 'examples/healthy_run.log')), await loadOne(path.join(REPO, 'examples/overfit_metrics.csv'))];
    await deliver(page, buildSnapshot({ runs, findings: analyzeRuns(runs), locale: 'en' }));
    expect(await page.locator('.series-list li.series-run').count()).toBe(2);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'viewer-compare-dark.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
