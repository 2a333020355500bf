/**
 * Issue #14.3: a very wide CSV (100,000 columns) is read in linear time and bounded memory, its
 * series capped at 5,000 per file (as the text reader), with a note saying how many were dropped.
 */
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../helpers';

function wide(cols: number, rows: number, name: (i: number) => string): Uint8Array {
  const lines = [Array.from({ length: cols }, (_, i) => name(i)).join(',')];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, i) => ((i * 7 + r * 13) % 997) / 100).join(','));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

function note(run: { events: Array<{ type: string; message?: string }> }): string | undefined {
  return run.events.find(e => e.type === 'note' && /named columns/.test(e.message ?? ''))?.message;
}

describe('wide CSV files', () => {
  it('100,000 distinct columns: the first 5,000 series are kept, the rest counted in a note, quickly', () => {
    const data = wide(100_000, 10, i => `m${i}`);
    const t0 = Date.now();
    const [run] = parseBytes('csv', data, 'wide.csv', 1 << 20);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(run.series.size).toBe(5000);
    expect([...run.series.keys()].slice(0, 3)).toEqual(['m0', 'm1', 'm2']);
    expect(run.series.get('m4999')!.length).toBe(10);
    expect(run.series.has('m5000')).toBe(false);
    expect(note(run)).toBe('more than 5000 named columns: 95,000 column(s) after the first 5000 series were not read');
    expect(run.events.filter(e => e.type === 'malformed')).toEqual([]);
  });

  it('100,000 columns with the same name are renamed in linear time', () => {
    const data = wide(100_000, 5, () => 'x');
    const t0 = Date.now();
    const [run] = parseBytes('csv', data, 'same.csv', 1 << 20);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(run.series.size).toBe(5000);
    expect([...run.series.keys()].slice(0, 3)).toEqual(['x', 'x (2)', 'x (3)']);
    expect(run.series.get('x (5000)')!.length).toBe(5);
  });

  it('a narrow CSV has no note', () => {
    const [run] = parseBytes('csv', wide(50, 5, i => `c${i}`));
    expect(run.series.size).toBe(50);
    expect(note(run)).toBeUndefined();
  });
});
