import { describe, expect, it } from 'vitest';
import { GrowableF64, Series } from '../../../src/core/model';

describe('GrowableF64', () => {
  it('stores, reads and views values across many chunks, with views consolidating', () => {
    const g = new GrowableF64();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      g.push(i * 0.5);
      if (i === 20_000) expect(g.view().length).toBe(20_001);
    }
    expect(g.length).toBe(n);
    expect(g.get(0)).toBe(0);
    expect(g.get(16_384)).toBe(8192);
    expect(g.get(n - 1)).toBe((n - 1) * 0.5);
    expect(g.last()).toBe((n - 1) * 0.5);
    g.set(50_000, -1);
    expect(g.get(50_000)).toBe(-1);
    const v = g.view();
    expect(v.length).toBe(n);
    expect(v[50_000]).toBe(-1);
    expect(v[n - 1]).toBe((n - 1) * 0.5);
    g.trim();
    expect(g.byteLength).toBeLessThanOrEqual(n * 8 + 64);
  });
});

describe('Series', () => {
  it('keeps NaN and Inf, counts them and counts backward steps', () => {
    const s = new Series('loss');
    s.push(1, 0.5);
    s.push(2, NaN);
    s.push(3, Infinity);
    s.push(1, 0.4);
    expect(s.length).toBe(4);
    expect(s.nonFinite).toBe(2);
    expect(s.restarts).toBe(1);
    expect(s.role).toBe('train_loss');
  });
  it('back-fills wall times and lines with placeholders when they start mid-series', () => {
    const s = new Series('val_loss');
    s.push(1, 1);
    s.push(2, 2, 1000.5, 7);
    expect(Array.from(s.wallTimes!.view())).toEqual([NaN, 1000.5]);
    expect(Array.from(s.lines!.view())).toEqual([0, 7]);
  });
});
