import { describe, expect, it } from 'vitest';
import * as core from '../../src/core/decimate';
import { minMaxBuckets } from '../../src/core/decimate';
import {
  decimateRange,
  isSortedX,
  lowerBound,
  MinMaxPyramid,
  nonFiniteBuckets,
  nonFiniteIndices,
  percentileRange,
  upperBound,
} from '../../webview/viewport';
import { minMaxDecimate } from '../reference/decimate';

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
}

function series(n: number, seed: number, opts: { restarts?: number; nan?: number } = {}) {
  const r = rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let step = 0;
  for (let i = 0; i < n; i++) {
    if (opts.restarts && r() < opts.restarts / n) step = Math.max(0, step - Math.floor(r() * 200));
    x[i] = step++;
    y[i] = Math.sin(i / 50) + r();
    if (opts.nan && r() < opts.nan) y[i] = r() < 0.5 ? NaN : r() < 0.5 ? Infinity : -Infinity;
  }
  return { x, y };
}

describe('minMaxBuckets(xs, ys, x0, x1, buckets)', () => {
  const cases: Array<[string, number, number, { restarts?: number; nan?: number }, number, number, number]> = [
    ['sorted, many points per bucket', 20_000, 1, {}, 0, 19_999, 300],
    ['sorted, a sub-range', 20_000, 2, {}, 4_321.5, 9_876, 250],
    ['few points: returned whole', 500, 3, {}, 0, 499, 300],
    ['NaN and Infinity skipped', 10_000, 4, { nan: 0.05 }, 0, 9_999, 200],
    ['restarts (steps going back)', 20_000, 5, { restarts: 12 }, 0, 20_000, 300],
    ['restarts and NaN, a sub-range', 30_000, 6, { restarts: 20, nan: 0.01 }, 1_000, 8_000, 123],
    ['an empty range', 1_000, 7, {}, 5_000, 6_000, 50],
  ];
  it.each(cases)('returns exactly what the reference minMaxDecimate returns: %s', (_name, n, seed, o, x0, x1, b) => {
    const { x, y } = series(n, seed, o);
    const ref = minMaxDecimate(x, y, x0, x1, b);
    const fast = minMaxBuckets(x, y, x0, x1, b);
    expect(Array.from(fast.index)).toEqual(Array.from(ref.index));
    expect(Array.from(fast.x)).toEqual(Array.from(ref.x));
    expect(Array.from(fast.y)).toEqual(Array.from(ref.y));
    // The core's minMaxDecimate (the report) adds the non-finite markers, as the reference does.
    for (const max of [10_000, 3]) {
      const c = core.minMaxDecimate(Array.from(x), Array.from(y), x0, x1, b, max);
      const r = minMaxDecimate(x, y, x0, x1, b, max);
      expect(Array.from(c.index)).toEqual(Array.from(r.index));
      expect(Array.from(c.y)).toEqual(Array.from(r.y));
      expect(c.nonFinite).toEqual(r.nonFinite);
    }
  });
});

describe('decimateRange with a min/max pyramid', () => {
  const n = 400_000;
  const { x, y } = series(n, 11);
  const r = rng(99);
  const spikes: number[] = [];
  for (let k = 0; k < 40; k++) {
    const i = Math.floor(r() * n);
    y[i] = 50 + k;
    spikes.push(i);
  }
  const dips: number[] = [];
  for (let k = 0; k < 10; k++) {
    const i = Math.floor(r() * n);
    y[i] = -50 - k;
    dips.push(i);
  }
  for (let k = 0; k < 30; k++) y[Math.floor(r() * n)] = NaN;
  const pyr = new MinMaxPyramid(y, n);

  it('builds coarser levels from finer ones', () => {
    expect(pyr.levels.length).toBeGreaterThanOrEqual(3);
    expect(pyr.levels[0].size).toBe(16);
    expect(pyr.levels[1].size).toBe(256);
  });

  it.each([
    ['the whole run', 0, n - 1, 800],
    ['half of it', n * 0.25, n * 0.75, 800],
    ['a narrow window', n * 0.4, n * 0.41, 800],
  ])('keeps every spike and dip in view: %s', (_name, x0, x1, buckets) => {
    const d = decimateRange(x, y, n, x0, x1, buckets, { sorted: true, pyramid: pyr });
    const kept = new Set(d.index);
    for (const i of [...spikes, ...dips]) {
      if (x[i] >= x0 && x[i] <= x1 && Number.isFinite(y[i])) expect(kept.has(i)).toBe(true);
    }
    // At most 4 points per bucket, every one finite, in x order.
    expect(d.x.length).toBeLessThanOrEqual(buckets * 4 + 2);
    for (let k = 0; k < d.y.length; k++) expect(Number.isFinite(d.y[k])).toBe(true);
    expect(isSortedX(d.x, d.x.length)).toBe(true);
  });

  it('has the same extremes as the full-resolution core decimation', () => {
    const x0 = n * 0.1;
    const x1 = n * 0.9;
    const a = decimateRange(x, y, n, x0, x1, 600, { sorted: true, pyramid: pyr });
    const b = minMaxDecimate(x, y, x0, x1, 600, 0);
    expect(Math.max(...a.y)).toBe(Math.max(...b.y));
    expect(Math.min(...a.y)).toBe(Math.min(...b.y));
  });

  it('adds the nearest points outside the range so lines reach the edges', () => {
    const d = decimateRange(x, y, n, 1000.5, 2000.5, 100, { sorted: true, pyramid: pyr, edges: true });
    expect(d.x[0]).toBeLessThan(1000.5);
    expect(d.x[d.x.length - 1]).toBeGreaterThan(2000.5);
  });

  it('scans unsorted series (restarts) with the core algorithm', () => {
    const s = series(50_000, 12, { restarts: 5 });
    expect(isSortedX(s.x, s.x.length)).toBe(false);
    const d = decimateRange(s.x, s.y, s.x.length, 0, 60_000, 300, { sorted: false });
    const core = minMaxDecimate(s.x, s.y, 0, 60_000, 300, 0);
    expect(Array.from(d.index)).toEqual(Array.from(core.index));
  });
});

describe('binary search and helpers', () => {
  const x = Float64Array.from([0, 1, 1, 2, 5, 5, 9]);
  it.each([
    [-1, 0, 0],
    [1, 1, 3],
    [3, 4, 4],
    [5, 4, 6],
    [10, 7, 7],
  ])('lowerBound/upperBound of %d are %d/%d', (v, lo, hi) => {
    expect(lowerBound(x, x.length, v)).toBe(lo);
    expect(upperBound(x, x.length, v)).toBe(hi);
  });

  it('isSortedX rejects a step going back and NaN', () => {
    expect(isSortedX(Float64Array.from([1, 2, 2, 3]), 4)).toBe(true);
    expect(isSortedX(Float64Array.from([1, 3, 2]), 3)).toBe(false);
    expect(isSortedX(Float64Array.from([1, NaN, 2]), 3)).toBe(false);
  });

  it('nonFiniteIndices lists NaN and +-Infinity in order', () => {
    const y = Float64Array.from([1, NaN, 2, Infinity, -Infinity, 3]);
    expect(Array.from(nonFiniteIndices(y, y.length))).toEqual([1, 3, 4]);
    expect(Array.from(nonFiniteIndices(y, y.length, 3))).toEqual([1, 3, 4]);
  });

  it('nonFiniteBuckets groups nearby NaN/Inf into one marker with counts', () => {
    const x = Float64Array.from([0, 1, 2, 3, 50, 51, 99]);
    const y = Float64Array.from([NaN, NaN, Infinity, 1, NaN, -Infinity, NaN]);
    const nf = nonFiniteIndices(y, y.length);
    const b = nonFiniteBuckets(x, y, nf, 0, 100, 10);
    expect(b.map(g => [g.x, g.count, g.nan, g.posInf, g.negInf])).toEqual([
      [0, 3, 2, 1, 0],
      [50, 2, 1, 0, 1],
      [99, 1, 1, 0, 0],
    ]);
    expect(nonFiniteBuckets(x, y, nf, 40, 60, 10).map(g => g.count)).toEqual([2]);
  });

  it("percentileRange is TensorBoard's 5th-95th percentile of the finite values", () => {
    const v = Float64Array.from({ length: 101 }, (_, i) => i);
    expect(percentileRange([v], false)).toEqual([5, 95]);
    const withJunk = Float64Array.from([NaN, ...v, Infinity, -Infinity]);
    expect(percentileRange([withJunk], false)![0]).toBe(5);
    expect(percentileRange([Float64Array.from([-1, 0, 2, 4])], true)).toEqual([2, 4]);
  });
});
