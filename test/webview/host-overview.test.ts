/**
 * The snapshot of a big log (src/host/viewer/overview.ts): long series travel as their
 * overviews — real points of the log with their steps, values, wall times and lines, every
 * spike and NaN among them, and the full count in `total` — short series whole.
 */
import { describe, expect, it } from 'vitest';
import { createRun, seriesOf } from '../../src/core/model';
import { OVERVIEW_MIN_POINTS } from '../../src/core/overview';
import { overviewSnapshot } from '../../src/host/viewer/overview';
import { buildSnapshot } from '../../src/host/viewer/payload';

describe('overviewSnapshot', () => {
  it('cuts long series down to real points (spikes and NaN kept), keeps short ones whole', () => {
    const run = createRun('/w/big.log', 'text', 'big.log');
    const loss = seriesOf(run, 'loss');
    const n = 400_000;
    for (let i = 0; i < n; i++) {
      const v = i === 123_456 ? NaN : i === 300_001 ? 77 : 2 - i / n;
      loss.push(i * 2, v, 1.7e9 + i, i + 10);
    }
    const val = seriesOf(run, 'val_loss');
    for (let i = 0; i < 400; i++) val.push(i * 2000, 2.1 - i / 400, undefined, i * 1000 + 11);
    const full = buildSnapshot({ runs: [run], findings: [], locale: 'en' });
    const m = overviewSnapshot(full, [run]);
    const [lp, vp] = m.runs[0].series;
    expect(n).toBeGreaterThan(OVERVIEW_MIN_POINTS);
    expect(lp.total).toBe(n);
    expect(lp.steps.length).toBeLessThan(40_000);
    // Each kept point is the log's own: step, value, wall time and line agree.
    for (let k = 0; k < lp.steps.length; k += 97) {
      const i = lp.steps[k] / 2;
      expect(lp.lines![k]).toBe(i + 10);
      expect(lp.wallTimes![k]).toBe(1.7e9 + i);
      if (i !== 123_456) expect(lp.values[k]).toBe(i === 300_001 ? 77 : 2 - i / n);
    }
    const at = (step: number) => lp.values[Array.from(lp.steps).indexOf(step)];
    expect(Number.isNaN(at(123_456 * 2))).toBe(true);
    expect(at(300_001 * 2)).toBe(77);
    // The short series and the summary are untouched: the counts are the log's.
    expect(vp.total).toBeUndefined();
    expect(vp.steps.length).toBe(400);
    expect(m.summaries[0].points).toBe(n + 400);
    // Nothing long: the same message.
    const small = buildSnapshot({ runs: [createRun('/w/s.log', 'text')], findings: [], locale: 'en' });
    expect(overviewSnapshot(small, [])).toBe(small);
  });
});
