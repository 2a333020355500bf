/**
 * The forecaster (src/core/forecast): what it returns on known curves, when it declines, and
 * the measured table of `npm run eval` (issue #17 §5) on the repository's real curves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forecastCurve, forecastSegment } from '../../../src/core/forecast/forecast';
import { loadPaths } from '../../../src/core/load';
import { evaluateForecasts, lastValueBaseline, logError, powerLawBaseline } from '../../../src/eval/forecastEval';
import { REPO_ROOT } from '../../helpers';

/** A reproducible uniform in [-0.5, 0.5). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 4294967296 - 0.5;
  };
}

function curve(n: number, f: (s: number) => number, noise: number, seed = 7): { steps: Float64Array; values: Float64Array } {
  const r = lcg(seed);
  const steps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = (i + 1) * 10;
    values[i] = f(steps[i]) * (1 + noise * r());
  }
  return { steps, values };
}

describe('forecastCurve', () => {
  it('extrapolates a noisy power law with offset to 3× its length, the truth inside the interval', () => {
    const f = (s: number) => 0.5 + 3 * Math.pow(s, -0.5);
    const { steps, values } = curve(300, f, 0.2);
    const r = forecastCurve(steps, values, { to: 9000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fromStep).toBe(3000);
    expect(r.toStep).toBe(9000);
    expect(Math.abs(Math.log(r.median / f(9000)))).toBeLessThan(0.1);
    expect(r.low).toBeLessThan(f(9000));
    expect(r.high).toBeGreaterThan(f(9000));
    // The interval holds the noise of one logged point: ±20% uniform noise spans about ±0.15 in ln.
    expect(Math.log(r.high / r.low)).toBeGreaterThan(0.15);
    expect(Math.log(r.high / r.low)).toBeLessThan(1);
  });

  it('is wider for an erratic curve than for a smooth one', () => {
    const f = (s: number) => 0.2 + Math.exp(-s / 800);
    const smooth = forecastCurve(...Object.values(curve(200, f, 0.01)) as [Float64Array, Float64Array]);
    const noisy = forecastCurve(...Object.values(curve(200, f, 0.6)) as [Float64Array, Float64Array]);
    expect(smooth.ok && noisy.ok).toBe(true);
    if (!smooth.ok || !noisy.ok) return;
    expect(noisy.high / noisy.low).toBeGreaterThan(1.5 * (smooth.high / smooth.low));
    expect(smooth.toStep).toBe(4000); // twice the last step by default
  });

  it('declines a curve with a non-finite value, a too short one and a diverged one', () => {
    const { steps, values } = curve(50, s => 1 / s, 0);
    values[30] = NaN;
    expect(forecastCurve(steps, values)).toEqual({ ok: false, reason: 'non-finite' });
    expect(forecastCurve([1, 2, 3, 4, 5], [5, 4, 3, 2.5, 2])).toEqual({ ok: false, reason: 'too-short' });
    const up = curve(60, s => 0.5 * Math.exp(s / 150), 0.05);
    expect(forecastCurve(up.steps, up.values)).toEqual({ ok: false, reason: 'diverged' });
    expect(forecastCurve(up.steps, up.values, { to: 10 })).toEqual({ ok: false, reason: 'bad-target' });
  });

  it('forecasts from the last segment after a restart (steps going backwards)', () => {
    const a = curve(40, s => 2 + 1 / s, 0.01);
    const b = curve(60, s => 0.3 + 5 / Math.sqrt(s), 0.01);
    const steps = Float64Array.of(...a.steps, ...b.steps);
    const values = Float64Array.of(...a.values, ...b.values);
    const r = forecastCurve(steps, values, { to: 1200 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(Math.abs(Math.log(r.median / (0.3 + 5 / Math.sqrt(1200))))).toBeLessThan(0.1);
  });

  it('fits after the last step drop of the learning rate', () => {
    // A step schedule: the loss drops by half at step 1000 when the LR is divided by ten.
    const f = (s: number) => (s < 1000 ? 1 + 2 / Math.sqrt(s) : 0.5 + 1 / Math.sqrt(s));
    const { steps, values } = curve(200, f, 0.05);
    const lr = { steps, values: Float64Array.from(steps, s => (s < 1000 ? 0.1 : 0.01)) };
    const r = forecastCurve(steps, values, { to: 6000, lr });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.windowStart).toBeGreaterThanOrEqual(1000);
    expect(Math.abs(Math.log(r.median / f(6000)))).toBeLessThan(0.08);
  });

  it('with a decaying learning rate logged, forecasts the annealing drop from the LR up to its last step only', () => {
    // A linear decay to zero at step 2000 and a loss of the annealing law L0 + A·S1^-α − C·S2.
    const total = 2000;
    const lrAt = (s: number) => 1e-3 * (1 - s / total);
    const ls = new Float64Array(total);
    const lv = new Float64Array(total);
    const loss = new Float64Array(total);
    let s1 = 0;
    let s2 = 0;
    for (let s = 1; s <= total; s++) {
      s1 += lrAt(s);
      s2 += 1e-3 - lrAt(s);
      ls[s - 1] = s;
      lv[s - 1] = lrAt(s);
      loss[s - 1] = 1.5 + 2 * Math.pow(s1 / 0.1, -0.5) - 0.4 * (s2 / 1);
    }
    const r = lcg(3);
    const steps = Float64Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
    const values = Float64Array.from(steps, s => loss[s - 1] * (1 + 0.05 * r()));
    const withFuture = forecastCurve(steps, values, { to: total, lr: { steps: ls, values: lv } });
    const upToNow = forecastCurve(steps, values, { to: total, lr: { steps: ls.subarray(0, 1000), values: lv.subarray(0, 1000) } });
    const without = forecastCurve(steps, values, { to: total });
    expect(withFuture.ok && upToNow.ok && without.ok).toBe(true);
    if (!withFuture.ok || !upToNow.ok || !without.ok) return;
    // The LR logged after the curve's last step is not read (a live run has none).
    expect(withFuture.median).toBe(upToNow.median);
    expect(withFuture.high).toBe(upToNow.high);
    // The annealing still ahead lowers the forecast towards the truth.
    const truth = loss[total - 1];
    expect(withFuture.median).toBeLessThan(without.median);
    expect(Math.abs(Math.log(withFuture.median / truth))).toBeLessThan(Math.abs(Math.log(without.median / truth)));
  });

  it('reads a million points in one pass (a stride), and its curve goes through the forecast', () => {
    const { steps, values } = curve(1_000_000, s => 0.1 + 1 / Math.pow(s, 0.3), 0.3);
    const r = forecastCurve(steps, values);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.at(r.toStep)).toBeCloseTo(r.median, 10);
    expect(Math.abs(Math.log(r.median / (0.1 + 1 / Math.pow(2e7, 0.3))))).toBeLessThan(0.05);
  });

  it('forecasts a real validation loss (scenario overfit_tiny_train.log, cut at half) within its interval', async () => {
    const { runs } = await loadPaths([path.join(REPO_ROOT, 'test/scenarios/logs/overfit_tiny_train.log')]);
    const s = [...runs[0].series.values()].find(x => x.role === 'val_loss');
    expect(s).toBeDefined();
    if (!s) return;
    const st = s.steps.view();
    const v = s.values.view();
    let half = 0;
    while (st[half] <= st[0] + 0.5 * (st[st.length - 1] - st[0])) half++;
    const r = forecastCurve(st.subarray(0, half), v.subarray(0, half), { to: st[st.length - 1] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const actual = v[v.length - 1];
    expect(actual).toBeGreaterThanOrEqual(r.low);
    expect(actual).toBeLessThanOrEqual(r.high);
    expect(logError(r.median, actual)).toBeLessThan(logError(lastValueBaseline(v, half), actual));
  });
});

describe('the baselines of the evaluation', () => {
  it('last value: the mean of the last three points; power law: a least-squares a + b·x^-c', () => {
    expect(lastValueBaseline([5, 4, 3, 2, 1], 4)).toBe(3);
    const steps = Array.from({ length: 50 }, (_, i) => i + 1);
    const values = steps.map(s => 0.4 + 2 * Math.pow(s, -0.7));
    expect(powerLawBaseline(steps, values, 50, 200)).toBeCloseTo(0.4 + 2 * Math.pow(200, -0.7), 2);
  });
});

describe('the measured table (npm run eval, issue #17 §5)', () => {
  it('beats both baselines on every group of real curves; its 80% intervals hold 70–90% of all outcomes (60–95% in each group)', async () => {
    const { scores } = await evaluateForecasts(REPO_ROOT);
    const all = scores.find(s => s.label === 'all');
    expect(all?.curves).toBeGreaterThan(100);
    expect(all?.coverage).toBeGreaterThanOrEqual(0.7);
    expect(all?.coverage).toBeLessThanOrEqual(0.9);
    for (const s of scores) {
      expect(s.ours, s.label).toBeLessThan(s.last);
      expect(s.ours, s.label).toBeLessThan(s.powerLaw);
      expect(s.coverage, s.label).toBeGreaterThan(0.6);
      expect(s.coverage, s.label).toBeLessThan(0.95);
    }
  });
});

describe('forecastSegment (the diagnostic engine\'s bounded read)', () => {
  it('gives exactly the forecast forecastCurve gives, on every loss of the scenario logs and on a 2 M-point curve', async () => {
    const dir = path.join(REPO_ROOT, 'test/scenarios/logs');
    let compared = 0;
    const check = (steps: ArrayLike<number>, values: ArrayLike<number>, to?: number) => {
      let start = 0;
      for (let i = 1; i < steps.length; i++) if (steps[i] < steps[i - 1]) start = i;
      for (let i = start; i < values.length; i++) if (!Number.isFinite(values[i])) return;
      const a = forecastCurve(steps, values, { to });
      const b = forecastSegment({ length: values.length, step: i => steps[i], value: i => values[i] }, start, { to });
      expect(b.ok).toBe(a.ok);
      if (a.ok && b.ok) {
        expect([b.fromStep, b.toStep, b.median, b.low, b.high, b.asymptote]).toEqual([a.fromStep, a.toStep, a.median, a.low, a.high, a.asymptote]);
        compared++;
      }
    };
    for (const f of fs.readdirSync(dir)) {
      for (const run of (await loadPaths([path.join(dir, f)], { threads: false })).runs) {
        for (const s of run.series.values()) {
          if (s.role === 'train_loss' || s.role === 'val_loss') check(s.steps.view(), s.values.view());
        }
      }
    }
    const n = 2_000_000;
    const steps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      steps[i] = i;
      values[i] = 2.5 * Math.exp(-i / 400_000) + 0.3 + 0.01 * Math.sin(i);
    }
    check(steps, values, 3_000_000);
    expect(compared).toBeGreaterThan(20);
  });
});
