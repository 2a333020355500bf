/** Statistical building blocks against brute force. */
import { describe, expect, it } from 'vitest';
import { median, medianInPlace, olsSlope, runningMedian3, select, theilSen, turningZ } from '../../../src/core/diagnose/stats';
import { gauss, rng } from './synth';

describe('stats', () => {
  it('select / median agree with sorting', () => {
    const u = rng(1);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(u() * 300);
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = u() < 0.2 ? Math.floor(u() * 5) : u();
      const sorted = Array.from(a).sort((x, y) => x - y);
      const k = Math.floor(u() * n);
      expect(select(a.slice(), n, k)).toBe(sorted[k]);
      const med = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      expect(medianInPlace(a.slice(), n)).toBe(med);
      expect(median(Array.from(a))).toBe(med);
    }
  });

  it('slopes', () => {
    expect(olsSlope([1, 3, 5, 7])).toBeCloseTo(2);
    const ts = theilSen([1, 3, 100, 7, 9]);
    expect(ts.slope).toBeCloseTo(2);
    expect(runningMedian3([1, 9, 2, 3, 8, 4])).toEqual([1, 2, 3, 3, 4, 4]);
  });

  it('the turning-point rate of i.i.d. noise is 2/3 (z near 0)', () => {
    const g = gauss(rng(2));
    const y = Array.from({ length: 20000 }, () => g());
    let t = 0;
    for (let i = 1; i < y.length - 1; i++) if ((y[i] > y[i - 1] && y[i] > y[i + 1]) || (y[i] < y[i - 1] && y[i] < y[i + 1])) t++;
    expect(t / (y.length - 2)).toBeCloseTo(2 / 3, 1);
    expect(Math.abs(turningZ(t, y.length - 2))).toBeLessThan(3);
  });
});
