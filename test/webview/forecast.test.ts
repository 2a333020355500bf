/**
 * The forecast in the viewer (issue #17 §3): the host sends each loss's forecast curve, the chart
 * draws it dashed with its 80% band after the last point (the full view reaches its end), and
 * the "Forecast" toggle takes it away. Render logic in Node; the drawing in real Chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPaths } from '../../src/core/load';
import { buildSnapshot } from '../../src/host/viewer/payload';
import type { ToWebviewMessage } from '../../src/shared/protocol';
import { ViewModel } from '../../webview/model';
import { buildChartContent, forecastOf } from '../../webview/render';
import { CHROMIUM, CHROMIUM_ARGS, encodeForPage, type Harness, REPO, startHarness } from './harness';

const LOG = path.join(REPO, 'test/scenarios/logs/overfit_tiny_train.log');

async function snapshot() {
  const { runs } = await loadPaths([LOG], { threads: false });
  return buildSnapshot({ runs, findings: [], locale: 'en' });
}

describe('forecast curves in the snapshot and the chart content', () => {
  it('sends a curve per loss from its last step to twice it, band around the median, widening', async () => {
    const snap = await snapshot();
    const fc = snap.runs[0].forecasts ?? [];
    expect(fc.map(f => f.series).sort()).toEqual(['Train Loss', 'Val Loss']);
    for (const f of fc) {
      expect(f.steps[0]).toBe(f.fromStep);
      expect(f.steps[f.steps.length - 1]).toBe(f.toStep);
      expect(f.med[f.med.length - 1]).toBe(f.median);
      expect(f.lo[f.lo.length - 1]).toBeCloseTo(f.low, 10);
      expect(f.hi[f.hi.length - 1]).toBeCloseTo(f.high, 10);
      expect(f.hi[0] - f.lo[0]).toBe(0);
      for (let i = 0; i < f.steps.length; i++) expect(f.lo[i]).toBeLessThanOrEqual(f.hi[i]);
    }
    const m = new ViewModel();
    m.load(snap.runs);
    const series = m.runs[0] ? [...m.runs[0].series.values()].filter(s => s.role === 'val_loss') : [];
    const v = { xMode: 'step' as const, smoothing: { mode: 'off' as const, weight: 0.6, window: 9 }, logY: false, ignoreOutliers: false, x0: 0, x1: 300, pixels: 300 };
    expect(buildChartContent(m, 'loss', series, { ...v, forecast: true }, []).forecasts).toHaveLength(1);
    expect(buildChartContent(m, 'loss', series, { ...v, forecast: false }, []).forecasts).toHaveLength(0);
    // Not on a wall-clock axis: a forecast is in steps.
    expect(forecastOf(series[0], 'wall')).toBeUndefined();
  });
});

const haveChromium = fs.existsSync(CHROMIUM);
(haveChromium || process.env.CI ? describe : describe.skip)('the forecast drawn in Chromium', () => {
  let browser: Browser;
  let harness: Harness | undefined;

  beforeAll(async () => {
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
    await harness?.close();
  });

  async function xMax(page: Page): Promise<number> {
    return page.evaluate(() => {
      type AppLike = { charts: Array<{ chart: { scales: { x: { max: number } } } }> };
      return (window as unknown as { __lossLens: AppLike }).__lossLens.charts[0].chart.scales.x.max;
    });
  }

  it('is off by default; the Forecast toggle extends the view to the forecast end and back; the expected values are listed', async () => {
    harness = await startHarness({ theme: 'light' });
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', e => errors.push(e.message));
    await page.goto(harness.url);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const snap = await snapshot();
    const m: ToWebviewMessage = snap;
    await page.evaluate(msg => (window as unknown as { __deliver(m: unknown): void }).__deliver(msg), encodeForPage(m));
    const toStep = Math.max(...(snap.runs[0].forecasts ?? []).map(f => f.toStep));
    await page.waitForFunction(() => (window as unknown as { __lossLens?: { charts: unknown[] } }).__lossLens?.charts.length);
    // The expected values, under the findings.
    expect(await page.locator('.forecast-list .forecast-title').textContent()).toBe('Where the losses are heading');
    const lines = await page.locator('.forecast-list li.forecast-item').allTextContents();
    const val = (snap.runs[0].forecasts ?? []).find(f => f.series === 'Val Loss')!;
    // (this log counts epochs: "Epoch 0: Train Loss = …")
    expect(snap.runs[0].stepUnit).toBe('epoch');
    expect(lines).toContain(`Val Loss: ${Number(val.median.toPrecision(6))} at epoch ${val.toStep} (80% interval ${Number(val.low.toPrecision(6))}–${Number(val.high.toPrecision(6))})`);
    // Off by default: the view ends at the last point; the toggle brings the forecast in.
    expect(await xMax(page)).toBeLessThan(toStep);
    await page.locator('.ctl-forecast').check();
    expect(await xMax(page)).toBeGreaterThanOrEqual(toStep);
    await page.screenshot({ path: path.join(REPO, 'bench/out/forecast-viewer.png') });
    await page.locator('.ctl-forecast').uncheck();
    expect(await xMax(page)).toBeLessThan(toStep);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
