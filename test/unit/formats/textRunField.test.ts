/**
 * A run named by a field of the line (`Run: <name> | Epoch: 1 | Train Loss: x`): interleaved
 * runs of one log (a sweep writing to one nohup.out) are kept apart, each its own series.
 */
import { describe, expect, it } from 'vitest';
import { counts, parseText, steps, values } from '../../helpers';

describe('text: a run named by a field', () => {
  it('interleaved runs of a sweep are their own series', () => {
    const log = [
      '2025-04-16 01:37:43,026 - INFO - Run: Moons_QFNN_Phase and Measure_fold_1 | Epoch: 1 | Train Loss: 1.8840 | Val Loss: 2.1676 | Val Acc: 0.5000',
      '2025-04-16 01:38:07,782 - INFO - Run: Circles_QBPNN_fold_1 | Epoch: 1 | Train Loss: 1.4087 | Val Loss: 2.1221 | Val Acc: 0.5000',
      '2025-04-16 01:38:43,026 - INFO - Run: Moons_QFNN_Phase and Measure_fold_1 | Epoch: 2 | Train Loss: 1.8500 | Val Loss: 2.1500 | Val Acc: 0.5100',
      '2025-04-16 01:39:07,782 - INFO - Run: Circles_QBPNN_fold_1 | Epoch: 2 | Train Loss: 0.9000 | Val Loss: 1.5000 | Val Acc: 0.6000',
    ].join('\n');
    const [r] = parseText('text', log + '\n');
    expect(values(r, 'Moons_QFNN_Phase and Measure_fold_1/Train Loss')).toEqual([1.884, 1.85]);
    expect(values(r, 'Circles_QBPNN_fold_1/Train Loss')).toEqual([1.4087, 0.9]);
    expect(steps(r, 'Circles_QBPNN_fold_1/Val Loss')).toEqual([1, 2]);
    expect(r.series.get('Circles_QBPNN_fold_1/Val Loss')?.role).toBe('val_loss');
    expect(r.series.has('Train Loss')).toBe(false);
  });

  it('a field that is a number, or not before a step, names no run', () => {
    const [r] = parseText('text', 'model: 3 | epoch: 1 | loss: 0.5\nmodel: 3 | epoch: 2 | loss: 0.4\n');
    expect(counts(r)).toMatchObject({ loss: 2 });
    const [r2] = parseText('text', 'Run: baseline finished in 3 min\nepoch 1 loss 0.5\nepoch 2 loss 0.4\n');
    expect(values(r2, 'loss')).toEqual([0.5, 0.4]);
  });
});
