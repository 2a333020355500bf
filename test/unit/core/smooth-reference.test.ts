import { describe, expect, it } from 'vitest';
// The smoothing of src/core/smooth.ts (Math.pow out of the loops) against the textbook
// formulas kept in test/reference/smooth.ts: the same numbers, bit for bit.
import * as fast from '../../../src/core/smooth';
import { centredMean, emaDebiased, emaXAware, smooth } from '../../reference/smooth';

function data(n: number, seed: number, nan = 0) {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let step = 0;
  for (let i = 0; i < n; i++) {
    step += r() < 0.1 ? 1 + Math.floor(r() * 20) : 1;
    x[i] = step;
    y[i] = 3 * Math.exp(-i / 500) + r();
    if (nan && r() < nan) y[i] = r() < 0.5 ? NaN : Infinity;
  }
  return { x, y };
}

const same = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
};

describe('the smoothing returns the reference smoothing bit for bit', () => {
  it.each([0, 0.3, 0.6, 0.9, 0.99, 0.999, 1.5, NaN])('debiased EMA, weight %s', w => {
    const { y } = data(20_000, 7, 0.01);
    same(fast.emaDebiased(y, w), emaDebiased(y, w));
  });

  it('debiased EMA of a constant series is the series (TensorBoard #786)', () => {
    const y = Float64Array.from([2, 2, NaN, 2, 2]);
    same(fast.emaDebiased(y, 0.6), emaDebiased(y, 0.6));
  });

  it.each([0, 0.6, 0.95, 0.999])('x-aware EMA on uneven steps, weight %s', w => {
    const { x, y } = data(20_000, 9, 0.005);
    same(fast.emaXAware(x, y, w), emaXAware(x, y, w));
  });

  it('uses only the first n values of a longer (growable) buffer', () => {
    const { x, y } = data(1000, 3);
    const big = new Float64Array(1500);
    big.set(y);
    big.fill(99, 1000);
    same(fast.emaDebiased(big, 0.6, 1000), emaDebiased(y, 0.6));
    const bx = new Float64Array(1500);
    bx.set(x);
    same(fast.smooth('window', bx, big, 9, 1000), centredMean(y, 9));
    same(fast.smooth('ema-x', bx, big, 0.9, 1000), emaXAware(x, y, 0.9));
    same(fast.smooth('off', bx, big, 0, 1000), smooth('off', x, y, 0));
  });

  it('on plain arrays too (the report)', () => {
    const y = [5, 4, NaN, 6, 3, Infinity, 2, 4];
    same(fast.emaDebiased(y, 0.6), emaDebiased(y, 0.6));
    same(fast.smooth('window', [], y, 3), smooth('window', [], y, 3));
  });
});
