import { describe, expect, it } from 'vitest';
import { minMaxDecimate } from '../../../src/core/decimate';
import { centredMean, emaDebiased, emaXAware } from '../../../src/core/smooth';

describe('emaDebiased (TensorBoard smoothing)', () => {
  it('matches TensorBoard: first value unchanged, then the debiased running mean', () => {
    const out = emaDebiased([1, 2, 3], 0.6);
    expect(out[0]).toBeCloseTo(1, 12);
    // last = 0.6*0.4 + 0.4*2 = 1.04; debias = 1-0.36 = 0.64 -> 1.625
    expect(out[1]).toBeCloseTo(1.625, 12);
  });
  it('weight 0 is the raw series', () => {
    expect(Array.from(emaDebiased([3, 1, 2], 0))).toEqual([3, 1, 2]);
  });
  it('passes NaN and Inf through without poisoning later values', () => {
    const out = emaDebiased([1, NaN, 1, Infinity, 1], 0.9);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[3]).toBe(Infinity);
    expect(out[4]).toBeCloseTo(1, 12);
  });
  it('x-aware EMA equals the plain EMA on even steps', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    const ys = [5, 4, 6, 3, 2, 4];
    const a = emaXAware(xs, ys, 0.6);
    const b = emaDebiased(ys, 0.6);
    for (let i = 0; i < ys.length; i++) expect(a[i]).toBeCloseTo(b[i], 9);
  });
  it('centred mean averages a symmetric window', () => {
    expect(Array.from(centredMean([0, 3, 6, 9], 3))).toEqual([1.5, 3, 6, 7.5]);
  });
});

describe('minMaxDecimate', () => {
  it('keeps every spike of a 1,000,000-point series when drawing 500 buckets', () => {
    const n = 1_000_000;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const spikes = [1234, 250_000, 777_777, 999_998];
    for (let i = 0; i < n; i++) {
      xs[i] = i;
      ys[i] = 1 + 0.01 * Math.sin(i);
    }
    for (const s of spikes) ys[s] = 50;
    ys[500_000] = NaN;
    const d = minMaxDecimate(xs, ys, 0, n - 1, 500);
    expect(d.x.length).toBeLessThanOrEqual(2000);
    for (const s of spikes) expect(Array.from(d.x)).toContain(s);
    expect(d.nonFinite).toEqual([{ x: 500_000, value: NaN, index: 500_000 }]);
  });
  it('returns a small range whole, and re-decimates a zoomed range at full resolution', () => {
    const xs = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const ys = Float64Array.from({ length: 10_000 }, (_, i) => i % 7);
    const d = minMaxDecimate(xs, ys, 100, 199, 50);
    expect(d.x.length).toBe(100);
    expect(d.x[0]).toBe(100);
  });
});
