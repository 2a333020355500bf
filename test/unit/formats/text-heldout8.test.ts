/**
 * Line shapes of the eighth held-out batch (20 unseen real logs) that the text reader missed:
 * an `Epoch 20/200:` counter closed by a colon, and a table in blank-separated columns under
 * a header, and the names of several words in PyTorch ProgressMeter's tab-separated fields. Excerpts of the real shapes (numbers from the logs), fed in small chunks.
 */
import { describe, expect, it } from 'vitest';
import { parseText, steps, values } from '../../helpers';

describe('text reader: line shapes of held-out batch 8', () => {
  it('reads `Epoch 20/200:` as the epoch (python logging, a tabular ensemble\'s gating network)', () => {
    const pre = '2026-02-13 15:03:06,467 - models.components - INFO - ';
    const log =
      `${pre}Training PyTorch gating network on 7000 samples\n` +
      `${pre}Epoch 20/200: train_loss=0.4954, val_loss=0.4380, val_acc=0.8400\n` +
      `${pre}Epoch 40/200: train_loss=0.4540, val_loss=0.4080, val_acc=0.8671\n` +
      `${pre}Epoch 60/200: train_loss=0.4263, val_loss=0.3925, val_acc=0.8829\n` +
      `${pre}Early stopping at epoch 90\n` +
      `${pre}Gating network training complete. Best validation loss: 0.3828\n`;
    const run = parseText('text', log, 11)[0];
    expect(steps(run, 'train_loss')).toEqual([20, 40, 60]);
    expect(values(run, 'val_loss')).toEqual([0.438, 0.408, 0.3925]);
    // (a time is still no fraction: `1/2:30` stays out)
    const t = parseText('text', 'Epoch 1/2:30 loss=0.5\nEpoch 2/2:31 loss=0.4\n')[0];
    expect(steps(t, 'loss')).not.toEqual([1, 2]);
  });

  it('reads a table in blank-separated columns under a header (peptide classifier: epoch loss acc)', () => {
    const log =
      'epoch loss acc\n' +
      '0 0.20271688839420676 0.8717783505154639\n' +
      '1 0.1737461625598371 0.9246134020618557\n' +
      '2 0.1665328429080546 0.9265463917525774\n' +
      'done\n' +
      '3 0.15 0.95\n';
    const run = parseText('text', log)[0];
    expect(steps(run, 'loss')).toEqual([0, 1, 2]);
    expect(values(run, 'loss')).toEqual([0.20271688839420676, 0.1737461625598371, 0.1665328429080546]);
    expect(run.series.get('loss')?.role).toBe('train_loss');
    expect(values(run, 'acc')).toEqual([0.8717783505154639, 0.9246134020618557, 0.9265463917525774]);
    // words without a step column are no header, and prose is no row
    expect(parseText('text', 'loss went down\n0 0.2 0.8\n1 0.1 0.9\n').every(r => r.series.size === 0)).toBe(true);
  });

  it('reads the words of a tab-separated field as the name (ProgressMeter: `\tLoss dro 6.354 (6.316)`)', () => {
    const row = (it: number, l: number, d: number, c: number) =>
      `Epoch: [0][${it}/400]\tTime 5.656 (6.701)\tData 0.000 (0.497)\tLoss ${l} (23.973)\tLoss dro ${d} (6.316)\tcamera dro ${c} (0.000)\n`;
    const run = parseText('text', row(10, 23.873, 6.354, 0) + row(20, 14.357, 4.32, 0) + row(30, 9.218, 3.726, 0.5))[0];
    expect(values(run, 'Loss')).toEqual([23.873, 14.357, 9.218]);
    expect(values(run, 'Loss dro')).toEqual([6.354, 4.32, 3.726]);
    expect(run.series.get('Loss dro')?.role).toBe('loss_part');
    expect(values(run, 'camera dro')).toEqual([0, 0, 0.5]);
    // (words before a value in running text are still prose: `loading data for epoch 1`)
    const prose = parseText('text', 'we trained dro 6.3 today\nwe trained dro 6.1 today\n')[0];
    expect(prose?.series.has('trained dro') ?? false).toBe(false);
  });
});
