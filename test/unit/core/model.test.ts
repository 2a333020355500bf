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

describe('GrowableF64: adopted arrays (another thread\'s part)', () => {
  it('reads, writes, copies and views across adopted arrays, chunks and the tail', () => {
    const g = new GrowableF64();
    const ref: number[] = [];
    const push = (v: number) => {
      g.push(v);
      ref.push(v);
    };
    for (let i = 0; i < 20_000; i++) push(i);
    const a = Float64Array.from({ length: 7 }, (_, i) => 1e6 + i);
    const b = Float64Array.from({ length: 40_000 }, (_, i) => 2e6 + i);
    g.adopt([a, new Float64Array(0), b]);
    ref.push(...a, ...b);
    for (let i = 0; i < 30_000; i++) push(-i);
    g.adopt([Float64Array.of(5, 6)]);
    ref.push(5, 6);
    push(7);
    expect(g.length).toBe(ref.length);
    for (const i of [0, 19_999, 20_000, 20_006, 20_007, 60_006, 60_007, 90_006, 90_007, ref.length - 1]) expect(g.get(i)).toBe(ref[i]);
    g.set(20_003, -5);
    ref[20_003] = -5;
    expect(Array.from(g.copyRange(19_990, 60_020))).toEqual(ref.slice(19_990, 60_020));
    expect(g.viewsFrom(60_000).reduce((n, x) => n + x.length, 0)).toBe(ref.length - 60_000);
    expect(Array.from(g.viewsFrom(60_000)).flatMap(x => Array.from(x))).toEqual(ref.slice(60_000));
    g.trim();
    expect(Array.from(g.view())).toEqual(ref);
    expect(g.contiguous).toBe(true);
  });

  it('a single adopted array is the view itself (no copy)', () => {
    const g = new GrowableF64();
    const a = Float64Array.of(1, 2, 3);
    g.adopt([a]);
    expect(g.view()).toBe(a);
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
