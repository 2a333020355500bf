/**
 * Line shapes of the sixth held-out batch (20 unseen real logs) that the text reader misread:
 * a comma between a metric's name and its value, `loss is: x` with train and test records told
 * apart only by a phase line before them, data-set sizes outside a dict, a metric named before
 * `on Test set`, a clipping setting in a config dump. Each excerpt is a few lines of the real
 * shape (numbers from the logs), fed in small chunks.
 */
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../../src/core/formats/text/keys';
import type { Run } from '../../../src/core/model';
import { parseText, steps, values } from '../../helpers';

function run1(text: string, chunk = 7): Run {
  const runs = parseText('text', text, chunk);
  expect(runs).toHaveLength(1);
  expect(runs[0].events.filter(e => e.type === 'malformed')).toEqual([]);
  return runs[0];
}

function roles(run: Run): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, s] of run.series) out[k] = s.role;
  return out;
}

describe('text reader: line shapes of held-out batch 6', () => {
  it('reads `name, value` when the name is a metric (howdrox/MRI-Analysis)', () => {
    const log =
      'done creating validation dataset\n' +
      'epoch 1, phase train, total step 0\n' +
      'epoch 1, phase train, step 10, loss_train, 0.838\n' +
      'epoch 1, phase train, step 20, loss_train, 0.771\n' +
      'epoch 1, phase train, step 30, loss_train, 0.762\n' +
      'epoch 1, phase valid, total step 104\n' +
      'epoch 1 | val_loss: 0.6590334177017212\n' +
      'epoch 2, phase train, step 110, loss_train, 0.372\n' +
      'epoch 2, phase train, step 120, loss_train, 0.333\n';
    const run = run1(log);
    expect(values(run, 'loss_train')).toEqual([0.838, 0.771, 0.762, 0.372, 0.333]);
    expect(steps(run, 'loss_train')).toEqual([10, 20, 30, 110, 120]);
    expect(roles(run)).toMatchObject({ loss_train: 'train_loss', val_loss: 'val_loss' });
    // (not from prose, a CSV row or a word that is no metric's name)
    const r2 = run1(
      'After the loss, 3 epochs passed\n' +
        'epoch 1, loss_train, 0.5\n' +
        '1, 0.5, 0.25\n' +
        'epoch 2, loss_train, 0.4\n' +
        'batch, 32\n' +
        'epoch 3, loss_train, 0.3\n',
    );
    expect([...r2.series.keys()].filter(k => k !== 'epoch')).toEqual(['loss_train']);
    expect(values(r2, 'loss_train')).toEqual([0.5, 0.4, 0.3]);
  });

  it('drops the copula of `loss is: x`, and a phase line before a record with its own step makes it that phase\'s (AIHHU/PaddleCIFAR10)', () => {
    const log =
      '  warnings.warn(("Skip loading for {}. ".format(key) + str(err)))\n' +
      'testing in eval mode……\n' +
      'epoch: 0,  loss is: 2.504774796962738, acc is: 0.0708582267165184\n' +
      '  format(lhs_dtype, rhs_dtype, lhs_dtype))\n' +
      'epoch: 0,  loss is: 0.6285572392599923, acc is: 0.7797021154238253\n' +
      'testing in eval mode……\n' +
      'epoch: 0,  loss is: 0.48661240488290786, acc is: 0.83525390625\n' +
      'Now continue training……\n' +
      'New model has been saved!\n' +
      '\n' +
      'epoch: 1,  loss is: 0.3674923047727468, acc is: 0.8732575628222251\n' +
      'testing in eval mode……\n' +
      'epoch: 1,  loss is: 0.575961934030056, acc is: 0.8035443514585495\n' +
      'Now continue training……\n' +
      'epoch: 2,  loss is: 0.2922986891804909, acc is: 0.898573213694047\n';
    const run = run1(log);
    expect(roles(run)).toMatchObject({ loss: 'train_loss', acc: 'train_acc', 'eval loss': 'val_loss', 'eval acc': 'val_acc' });
    expect(values(run, 'loss')).toEqual([0.6285572392599923, 0.3674923047727468, 0.2922986891804909]);
    expect(values(run, 'eval loss')).toEqual([2.504774796962738, 0.48661240488290786, 0.575961934030056]);
    expect(run.series.has('loss is')).toBe(false);
    // (a line that starts with a phase word but names a metric is no phase line)
    const r2 = run1('epoch: 1, loss is: 0.5\nValidation loss did not improve\nepoch: 2, loss is: 0.4\n');
    expect(values(r2, 'loss')).toEqual([0.5, 0.4]);
  });

  it('reads `Train: 20000  Val: 5000` as data sizes in any line shape (Mate-Tomatos/CatsVSDogs)', () => {
    const log =
      'Device: cuda  |  Model: convnext_large_in22ft1k  |  Image size: 384\n' +
      'Train: 20000  Val: 5000  (cat 12500, dog 12500)\n' +
      'Train: 20000  Val: 5000\n' +
      'Epoch  1/15 | trn_loss: 0.2712  trn_logloss: 0.3418 | val_loss: 0.1458  val_logloss: 0.0197 | lr: 2.00e-04\n' +
      'Epoch  2/15 | trn_loss: 0.2381  trn_logloss: 0.3031 | val_loss: 0.1331  val_logloss: 0.0232 | lr: 1.97e-04\n';
    const run = run1(log);
    expect([...run.series.keys()].sort()).toEqual(['lr', 'trn_logloss', 'trn_loss', 'val_logloss', 'val_loss']);
    expect(values(run, 'trn_loss')).toEqual([0.2712, 0.2381]);
  });

  it('names `Accuracy on Test set: 31.03%` after the metric before the preposition (pilot-j/Gsoc_Deeplense)', () => {
    const log =
      'Epoch 1/400, Test Loss: 1.10370094516266, Accuracy on Test set: 31.03%\n' +
      'saving for epoch:1 @ test accuracy 0.3363333333333333\n' +
      'Epoch 2/400, Test Loss: 1.101832611865907, Accuracy on Test set: 33.63%\n';
    const run = run1(log);
    expect(roles(run)).toMatchObject({ 'Test Loss': 'val_loss', 'Accuracy on Test set': 'val_acc' });
    expect(values(run, 'Accuracy on Test set')).toEqual([31.03, 33.63]);
  });

  it('reads a `*_clip` key as a setting (ccc-ai0/minGPT config dump)', () => {
    const log =
      'trainer:\n' +
      '    learning_rate: 0.0005\n' +
      '    grad_norm_clip: 1.0\n' +
      'iter_dt 0.00ms; iter 0: train loss 4.19189\n' +
      'iter_dt 28.73ms; iter 10: train loss 3.45862\n';
    const run = run1(log);
    expect(run.series.has('grad_norm_clip')).toBe(false);
    expect(values(run, 'train loss')).toEqual([4.19189, 3.45862]);
  });

  it('knows `trn_` and `tst_` as subset prefixes (CatsVSDogs\' `trn_loss`): a phase block leaves their names alone', () => {
    const t = new KeyTable();
    expect(t.get('trn_loss').subset).toBe(true);
    expect(t.get('tst_acc').subset).toBe(true);
    expect(t.get('turn_loss').subset).toBe(false);
    const run = run1('epoch 1, trn_loss: 0.9\nValidation:\ntst_loss: 0.8\n');
    expect(values(run, 'tst_loss')).toEqual([0.8]);
  });
});
