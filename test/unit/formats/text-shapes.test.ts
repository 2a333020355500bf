/**
 * Line shapes of the fifth held-out batch (short excerpts written like the real logs, fed in
 * small chunks): keys in square brackets, ProtoPNet's tab blocks with `cross ent`, a run's name
 * before its epoch header, a phase word's counter, printed settings, an evaluation report, an
 * evaluation's AverageMeter lines, HF dicts with quoted numbers.
 */
import { describe, expect, it } from 'vitest';
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

describe('text reader: line shapes of held-out batch 5', () => {
  it('reads keys in square brackets (`- [train]: 0.1053 - [valid]: 0.1269`)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = (0.9 - i * 0.1).toFixed(4);
      lines.push(`Iter ${i}    - time: 1     - [train]: ${t} - [valid]: ${t} - [adapt]: ${t} - [adapt_test]: ${t} - [adapt_test_per_env]: [1.0253, 0.9716]`);
      lines.push('');
    }
    const run = run1(lines.join('\n') + '\n');
    expect(roles(run)).toMatchObject({ train: 'train_loss', valid: 'val_loss', adapt: 'other', adapt_test: 'other' });
    expect(steps(run, 'train')).toEqual([0, 1, 2, 3]);
    expect(values(run, 'valid')).toEqual([0.9, 0.8, 0.7, 0.6]);
  });

  it('reads ProtoPNet tab blocks: `cross ent` is the cross-entropy loss, train vs test by the phase lines', () => {
    const block = (e: number, tr: number, te: number) =>
      `epoch: \t${e}\n\twarm\n\ttrain\n\ttime: \t666.29\n\tcross ent: \t${tr}\n\tcluster: \t0.92\n\tseparation:\t0.69\n\taccu: \t\t4.32%\n` +
      `\ttest\n\ttime: \t15.45\n\tcross ent: \t${te}\n\tcluster: \t0.067\n\taccu: \t\t6.8%\n`;
    let text = 'start training\n' + block(0, 4.8, 4.41) + block(1, 4.37, 4.27) + 'start training\n' + block(2, 2.89, 2.89);
    text += '\tpush\n\tExecuting push ...\n\tlast layer\n';
    for (let i = 0; i < 3; i++) text += `iteration: \t${i}\n\ttrain\n\ttime: \t636.7\n\tcross ent: \t${(2.2 - i * 0.1).toFixed(2)}\n\ttest\n\ttime: \t14.5\n\tcross ent: \t${(2.4 - i * 0.1).toFixed(2)}\n`;
    text += block(3, 1.5, 1.9);
    const run = run1(text);
    expect(roles(run)).toMatchObject({ 'cross ent': 'train_loss', 'test cross ent': 'val_loss' });
    // The iteration blocks inside epoch 2 stay inside it: the x axis is the epoch's.
    expect(steps(run, 'cross ent')).toEqual([0, 1, 2, 2.25, 2.5, 2.75, 3]);
    expect(values(run, 'test cross ent')).toEqual([4.41, 4.27, 2.89, 2.4, 2.3, 2.2, 1.9]);
    expect(run.events.filter(e => e.type === 'restart')).toEqual([]);
  });

  it('keeps runs named before their epoch header apart (`SqueezeNet - Epoch 0/49`); a dict of data sizes is no metric', () => {
    let text = "$ python train.py\n{'train': 40058, 'test': 12032}\n";
    for (const m of ['SqueezeNetBypass', 'AlexNet']) {
      for (let e = 0; e < 3; e++) {
        text += `${m} - Epoch ${e}/2\n----------\ntrain Loss: ${2.5 - e * 0.5} Acc: 0.3\ntest Loss: ${2.6 - e * 0.5} Acc: 0.2\n`;
      }
      text += `Training ${m} complete in 30m 26s\nBest test Acc: 0.649934\n`;
    }
    const run = run1(text);
    expect(roles(run)).toMatchObject({
      'SqueezeNetBypass/train Loss': 'train_loss',
      'SqueezeNetBypass/test Loss': 'val_loss',
      'AlexNet/train Loss': 'train_loss',
      'AlexNet/test Loss': 'val_loss',
    });
    expect(run.series.has('train')).toBe(false);
    expect(steps(run, 'AlexNet/train Loss')).toEqual([0, 1, 2]);
    expect(values(run, 'AlexNet/test Loss')).toEqual([2.6, 2.1, 1.6]);
    expect(run.events.filter(e => e.type === 'restart')).toEqual([]);
  });

  it('a phase word with a whole number before a loss is the step (`Train 3, loss: 2.05`)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) lines.push(`Train ${i}, loss: ${(2.6 - i * 0.1).toFixed(6)}, train acc: 0.45, train avg acc: 0.24`);
    const run = run1(lines.join('\n') + '\n');
    expect(run.series.has('Train')).toBe(false);
    expect(steps(run, 'loss')).toEqual([0, 1, 2, 3, 4]);
    expect(values(run, 'loss')[4]).toBeCloseTo(2.2);
    expect(run.meta.stepUnit).toBe('epoch');
  });

  it('a block of printed settings gives no points (`learning_rate: 0.0001`, `max_grad_norm: 1.0`)', () => {
    const p = '12/11/2023 05:14:10 - INFO - __main__ -   ';
    const settings = ['output_dir: ./output', 'do_train: False', 'per_device_train_batch_size: 2', 'eval_accumulation_steps: None', 'eval_delay: 0', 'learning_rate: 0.0001', 'weight_decay: 0.0', 'max_grad_norm: 1.0', 'lr_scheduler_type: cosine'];
    let text = settings.map(l => p + l).join('\n') + '\n';
    for (let i = 1; i <= 3; i++) text += `${p}{'loss': ${1.5 - i * 0.1}, 'learning_rate': 0.0001, 'epoch': ${i * 0.1}}\n`;
    const run = run1(text);
    expect(steps(run, 'learning_rate')).toEqual([0.1, 0.2, 0.30000000000000004]);
    expect(run.series.has('max_grad_norm')).toBe(false);
    expect(run.series.has('eval_delay')).toBe(false);
    expect(run.series.has('per_device_train_batch_size')).toBe(false);
  });

  it('a dict of settings gives no series; an evaluation report (`Accuracy = .. F1 = ..`) is validation', () => {
    let text = "{'embedding_dim': 50, 'hidden_num': 32, 'batch_size': 16, 'learning_rate': 0.0001, 'dropout': 0.7, 'bidirectional': True, 'epoch_num': 200}\n";
    for (let e = 0; e < 2; e++) {
      for (let k = 0; k < 3; k++) text += ` Epoch:${e},Loss:${(0.6 - e * 0.2 - k * 0.05).toFixed(6)}\n`;
      text += `work\nAccuracy = 0.93${e} Precision = 0.70 Recall = 0.93 Specificity = 0.93 F1 = 0.80${e}\n Epoch: ${e} Best F1: 0.80${e}\n`;
    }
    const run = run1(text);
    expect(run.series.has('embedding_dim')).toBe(false);
    expect(run.series.has('learning_rate')).toBe(false);
    expect(roles(run)).toMatchObject({ Loss: 'train_loss', 'eval Accuracy': 'val_acc' });
    expect(run.series.has('Accuracy')).toBe(false);
    expect(values(run, 'eval F1')).toEqual([0.8, 0.801]);
  });

  it("an evaluation's AverageMeter lines give one point per pass: the last running mean", () => {
    let text = '';
    for (let e = 0; e < 2; e++) {
      for (let i = 0; i < 20; i += 10) {
        text += `Epoch: [${e}][${i}/20]\tTime 1.158 (1.175)\tData 0.364 (0.370)\tLoss ${5 - e - i / 10} (${6 - e})\n`;
        text += 'Prec@1     37.500 (19.208)\tPrec@5     66.667 (37.569)\ncos_sim_loss  0.273 (0.281)\n';
      }
      for (let i = 0; i < 30; i += 10) {
        text += `Test: [${i}/30]\tTime 0.604 (0.604)\tLoss ${3 + i / 10} (${4 + e + i / 100})\n`;
        text += 'Prec@1     100.000 (100.000)\tPrec@5     100.000 (100.000)\ncos_sim_loss  0.311 (0.3)\n';
      }
      text += ' * Prec@1 50.552 Prec@5 77.994\n';
    }
    const run = run1(text);
    // (the training lines keep their batch values)
    expect(values(run, 'Loss')).toEqual([5, 4, 4, 3]);
    expect(values(run, 'Test Loss')).toEqual([4.2, 5.2]);
    expect(roles(run)['Test Loss']).toBe('val_loss');
    // the sub-lines printed in the pass are the evaluation's, not the training loss's terms
    expect(values(run, 'cos_sim_loss')).toHaveLength(4);
    expect(values(run, 'Test cos_sim_loss')).toEqual([0.3, 0.3]);
  });

  it('reads HF dicts with quoted numbers', () => {
    const text =
      "[transformers] Warning: The following arguments do not match the ones in the trainer_state.json within the checkpoint directory\n" +
      "{'loss': '0.9528', 'grad_norm': '0.2897', 'learning_rate': '0.0001002', 'epoch': '1.015'}\n" +
      "{'loss': '0.9474', 'grad_norm': '0.2855', 'learning_rate': '9.529e-05', 'epoch': '1.046'}\n";
    const run = run1(text);
    expect(steps(run, 'loss')).toEqual([1.015, 1.046]);
    expect(values(run, 'learning_rate')).toEqual([0.0001002, 9.529e-5]);
  });
});
