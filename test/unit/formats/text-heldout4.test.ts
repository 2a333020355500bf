/**
 * Line shapes of the fourth held-out batch (20 unseen real logs) that the text reader misread:
 * a phase line whose tag stuck to later training lines, `Epoch N[i/M]` without a blank, tables,
 * phrase keys, non-standard ordinals, MMEngine counters past their epoch length, weight-init
 * lines, per-class metric lines and spread (std) columns. Each excerpt is a few lines of the
 * real shape (numbers from the logs).
 */
import { describe, expect, it } from 'vitest';
import { inferRole, type Run } from '../../../src/core/model';
import { counts, parseText, steps, values } from '../../helpers';

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
  it('reads `Epoch N[i/M]:` as the epoch and its batch counter, and a phase line tags only its block (CSRA / PaddlePaddle)', () => {
    const log =
      'Epoch 1[16/5011]: loss:0.71410, lr:0.00000, batch time:0.4156, data time:1.6631\n' +
      'Epoch 1[1616/5011]: loss:0.20306, lr:0.00159, batch time:0.3074, data time:0.0003\n' +
      'Epoch 1 training ends, total 98.49s\n' +
      'Test on Epoch 1\n' +
      '100%|█████████████████████████████████████████| 310/310 [00:32<00:00,  9.54it/s]\n' +
      'Evaluation\n' +
      '100%|██████████████████████████████████████████| 20/20 [00:00<00:00, 224.92it/s]\n' +
      'mAP: 0.860687\n' +
      'Epoch 2[16/5011]: loss:0.09553, lr:0.00502, batch time:0.2850, data time:1.7723\n' +
      'Epoch 2[1616/5011]: loss:0.06554, lr:0.00661, batch time:0.3092, data time:0.0003\n';
    const run = run1(log);
    expect(values(run, 'loss')).toEqual([0.7141, 0.20306, 0.09553, 0.06554]);
    expect(steps(run, 'loss')).toEqual([1 + 16 / 5011, 1 + 1616 / 5011, 2 + 16 / 5011, 2 + 1616 / 5011]);
    expect(values(run, 'Evaluation mAP')).toEqual([0.860687]);
    expect(run.series.has('Evaluation loss')).toBe(false);
    expect(restarts(run)).toBe(0);
  });

  it('ends a phase line block at a blank line after its records', () => {
    const log =
      'epoch 1 loss: 0.9\n' +
      'Validation:\n' +
      'loss: 0.8\n' +
      '\n' +
      'loss: 0.7\n';
    const run = run1(log);
    expect(values(run, 'Validation loss')).toEqual([0.8]);
    expect(values(run, 'loss')).toEqual([0.9, 0.7]);
    // (a blank line right after the phase line, before its records, does not end it)
    const r2 = run1('epoch 1 loss: 0.9\nValidation Results:\n\n  loss: 0.8\n');
    expect(values(r2, 'Validation loss')).toEqual([0.8]);
  });

  it('reads `NAME | TRAIN | VALIDATION` tables, one point per table at its epoch', () => {
    const table = (tl: string, vl: string, ta: string, va: string) =>
      '-----------------------------------------------------------------\n' +
      'METRIC     | TRAIN      | VALIDATION\n' +
      '-----------------------------------------------------------------\n' +
      `Loss       | ${tl}     | ${vl}\n` +
      `Accuracy   | ${ta}     | ${va}\n` +
      'F1 Score   | 0.9525     | 0.9506\n' +
      '-----------------------------------------------------------------\n';
    const log =
      'Epoch 1/5\n\n' +
      'Training: 100%|██████████| 294/294 [00:38<00:00,  7.76it/s, loss=0.0813]\n' +
      table('0.1788', '0.1205', '0.9308', '0.9328') +
      '--> 🏆 New Best Model saved to best_model.pth\n\n' +
      'Epoch 2/5\n\n' +
      table('0.1101', '0.0884', '0.9561', '0.9578') +
      '\nEpoch 3/5\n\n' +
      table('0.1017', '0.2786', '0.9629', '0.8292');
    const run = run1(log);
    expect(values(run, 'TRAIN Loss')).toEqual([0.1788, 0.1101, 0.1017]);
    expect(values(run, 'VALIDATION Loss')).toEqual([0.1205, 0.0884, 0.2786]);
    expect(steps(run, 'VALIDATION Loss')).toEqual([1, 2, 3]);
    expect(values(run, 'VALIDATION Accuracy')).toEqual([0.9328, 0.9578, 0.8292]);
    expect(run.series.get('TRAIN Loss')!.role).toBe('train_loss');
    expect(run.series.get('VALIDATION Loss')!.role).toBe('val_loss');
    expect(run.series.get('VALIDATION Accuracy')!.role).toBe('val_acc');
  });

  it('reads markdown and rich tables with a step column', () => {
    const md =
      '| Epoch | Train Loss | Val Loss | Val Acc |\n' +
      '|-------|------------|----------|---------|\n' +
      '| 1 | 0.90 | 0.95 | 0.50 |\n' +
      '| 2 | 0.70 | 0.80 | 0.60 |\n' +
      '| 3 | 0.50 | 0.70 | 70.0% |\n' +
      'done\n';
    const run = run1(md);
    expect(steps(run, 'Val Loss')).toEqual([1, 2, 3]);
    expect(values(run, 'Train Loss')).toEqual([0.9, 0.7, 0.5]);
    expect(values(run, 'Val Acc')).toEqual([0.5, 0.6, 70]);
    const rich =
      '┏━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┓\n' +
      '┃ Epoch ┃ train_loss ┃ val_loss ┃\n' +
      '┡━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━┩\n' +
      '│ 1     │ 0.9        │ 0.95     │\n' +
      '│ 2     │ 0.7        │ 0.85     │\n' +
      '└───────┴────────────┴──────────┘\n';
    const r2 = run1(rich);
    expect(counts(r2)).toEqual({ train_loss: 2, val_loss: 2 });
    expect(steps(r2, 'val_loss')).toEqual([1, 2]);
    // A per-class table (no step column, its columns not subsets) is no series.
    const perClass =
      '| class     | gts | dets | recall | ap    |\n' +
      '|-----------|-----|------|--------|-------|\n' +
      '| aeroplane | 285 | 1099 | 0.912  | 0.789 |\n';
    expect(run1(perClass).series.size).toBe(0);
  });

  it('reads `<metric> for this epoch: x` as the metric, and no series from early-stopping counters or best-so-far reports (YOLOv1)', () => {
    const log =
      'Starting epoch 29 / 100\n' +
      'Learning Rate for this epoch: 0.001\n' +
      'Epoch [29/100], Iter [20/1070] Loss: 1.4917, average_loss: 1.3137\n' +
      'Epoch [29/100], Iter [40/1070] Loss: 2.0527, average_loss: 1.3147\n' +
      'get best test loss 1.07210\n\n\n' +
      'Starting epoch 30 / 100\n' +
      'Learning Rate for this epoch: 1e-05\n' +
      'Epoch [30/100], Iter [20/1070] Loss: 1.2187, average_loss: 1.3182\n' +
      'EarlyStopping counter: 9 out of 8\n';
    const run = run1(log);
    expect(values(run, 'Learning Rate')).toEqual([0.001, 1e-5]);
    expect(run.series.get('Learning Rate')!.role).toBe('lr');
    expect(Object.keys(counts(run)).sort()).toEqual(['Learning Rate', 'Loss', 'average_loss', 'epoch']);
  });

  it('reads non-standard ordinals as their number (TI_SV `current step: 21th step`)', () => {
    let log = '';
    for (let k = 19; k <= 24; k++) log += `current step: ${k}th step\nbatch loss:${(4 - k / 10).toFixed(4)}\n`;
    const run = run1(log);
    expect(steps(run, 'batch loss')).toEqual([19, 20, 21, 22, 23, 24]);
    expect(restarts(run)).toBe(0);
    expect(steps(run1('current step: 1th step\nloss: 2.3\ncurrent step: 2th step\nloss: 2.2\n'), 'loss')).toEqual([1, 2]);
  });

  it('keeps an MMEngine iteration past its epoch length going on, and skips weight-init and config lines (mmseg)', () => {
    const line = (i: number, loss: string) =>
      `2023/05/11 06:41:15 - mmengine - INFO - Epoch(train) [1][${String(i).padStart(3)}/649]  lr: 1.2209e-04  eta: 0:59:31  time: 1.2535  data_time: 0.9836  memory: 7513  loss: ${loss}  decode.loss_ce: ${loss}  decode.acc_seg: 100.0000\n`;
    const log =
      "optimizer = dict(type='Adam', lr=0.001, eps=1e-08, weight_decay=0.0005)\n" +
      'backbone.stem.0.conv.weight - torch.Size([32, 3, 3, 3]): \n' +
      'KaimingInit: a=0, mode=fan_out, nonlinearity=relu, distribution =normal, bias=0 \n\n' +
      'backbone.stem.0.activate.weight - torch.Size([32]): \n' +
      'ConstantInit: val=0, bias=0 \n\n' +
      'decode_head.conv_seg.weight - torch.Size([2, 256, 1, 1]): \n' +
      'NormalInit: mean=0, std=0.01, bias=0 \n\n' +
      line(600, '0.0061') +
      line(650, '0.0057') +
      line(700, '0.0052') +
      line(2150, '0.0010');
    const run = run1(log);
    expect(values(run, 'loss')).toEqual([0.0061, 0.0057, 0.0052, 0.001]);
    expect(steps(run, 'loss')).toEqual([1 + 600 / 649, 1 + 650 / 649, 1 + 700 / 649, 1 + 2150 / 649]);
    expect(restarts(run)).toBe(0);
    for (const k of ['val', 'bias', 'a', 'mean', 'std', 'eps', 'weight_decay']) expect(run.series.has(k)).toBe(false);
    expect(values(run, 'lr')).toHaveLength(4);
  });

  it('gives per-class `class --> metric : x` lines their own names (YOLOv3 VOC evaluation)', () => {
    const log =
      'Epoch:[ 5 | 19 ]    Batch:[ 2000 | 2068 ]    loss_giou: 3.7    loss: 12.6    lr: 0.0001\n' +
      'aeroplane --> mAP : 0.5784386958590877\n' +
      'bicycle --> mAP : 0.6720404347173495\n' +
      'train --> mAP : 0.44252731615419416\n' +
      'mAP:0.534991\n' +
      'best mAP : 0.534991\n' +
      'Model is improving ppl: 5.45 --> 2.44\n';
    const run = run1(log);
    expect(values(run, 'mAP')).toEqual([0.534991]);
    expect(values(run, 'aeroplane mAP')).toEqual([0.5784386958590877]);
    expect(values(run, 'train mAP')).toEqual([0.44252731615419416]);
    expect(run.series.get('train mAP')!.role).toBe('other');
    expect(run.series.has('ppl')).toBe(false);
  });

  it('gives a spread (std / var) of a loss no loss role (LEADS `loss_test_std`)', () => {
    const run = run1(
      '[550][550/1200][1/1] | loss_test_mean: 1.195e+06 | loss_test_std: 4.660e+06\n' +
        '[600][600/1200][1/1] | loss_test_mean: 2.195e+00 | loss_test_std: 1.660e+00\n',
    );
    expect(run.series.get('loss_test_mean')!.role).toBe('val_loss');
    expect(run.series.get('loss_test_std')!.role).toBe('other');
    for (const n of ['loss_std', 'val_loss_var', 'train loss stddev', 'lossStd', 'loss_sigma', 'loss variance']) expect(inferRole(n)).toBe('other');
    for (const n of ['loss', 'val_loss', 'loss_variational', 'kl_loss']) expect(inferRole(n)).not.toBe('other');
  });
});
