import { describe, expect, it } from 'vitest';
import { parseNumber } from '../../../src/core/formats/numbers';

describe('parseNumber(string)', () => {
  it.each<[string, number | undefined]>([
    ['0.1234', 0.1234],
    ['-3e-5', -3e-5],
    ['4.0000003e-05', 4.0000003e-5],
    ['         0.12345', 0.12345],
    ['"16.464"', 16.464],
    ['nan', NaN],
    ['NaN', NaN],
    ['-nan', NaN],
    ['inf', Infinity],
    ['Infinity', Infinity],
    ['-inf', -Infinity],
    ['-Infinity', -Infinity],
    ['NA', undefined],
    ['', undefined],
    ['   ', undefined],
    ['None', undefined],
    ['abc', undefined],
    ['-', undefined],
    ['59h:30m:19s', undefined],
  ])('parseNumber(%j) is %s', (s, v) => {
    const got = parseNumber(s);
    if (v === undefined) expect(got).toBeUndefined();
    else if (Number.isNaN(v)) expect(Number.isNaN(got)).toBe(true);
    else expect(got).toBe(v);
  });
});
