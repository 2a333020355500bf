/**
 * Line shapes of the fourth held-out batch (20 unseen real logs) that the text reader misread:
 * a phase line whose tag stuck to later training lines, `Epoch N[i/M]` without a blank, tables,
 * phrase keys, non-standard ordinals, MMEngine counters past their epoch length, weight-init
 * lines, per-class metric lines and spread (std) columns. Each excerpt is a few lines of the
 * real shape (numbers from the logs).
 */
import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/core/model';
import { parseText, steps } from '../../helpers';

function run1(text: string, chunk = 7): Run {
  const runs = parseText('text', text, chunk);
  expect(runs).toHaveLength(1);
  expect(runs[0].events.filter(e => e.type === 'malformed')).toEqual([]);
  return runs[0];
}

function restarts(run: Run): number {
  return run.events.filter(e => e.type === 'restart').length;
}

describe('text reader: held-out batch 4 shapes', () => {
  it('reads non-standard ordinals as their number (TI_SV `current step: 21th step`)', () => {
    let log = '';
    for (let k = 19; k <= 24; k++) log += `current step: ${k}th step\nbatch loss:${(4 - k / 10).toFixed(4)}\n`;
    const run = run1(log);
    expect(steps(run, 'batch loss')).toEqual([19, 20, 21, 22, 23, 24]);
    expect(restarts(run)).toBe(0);
    expect(steps(run1('current step: 1th step\nloss: 2.3\ncurrent step: 2th step\nloss: 2.2\n'), 'loss')).toEqual([1, 2]);
  });
});
