/**
 * Issue #17 §2: a tqdm bar's total as the run's planned end, in the run's step unit; bars that
 * count one epoch's batches, an evaluation or data preparation are not the run's end.
 */
import { describe, expect, it } from 'vitest';
import { forecastRun, plannedEnd } from '../../../src/core/forecast';
import { parseText } from '../../helpers';

const BLOCKS = ' ▏▎▍▌▋▊▉';
/** A tqdm bar as tqdm draws it (10 cells, partial blocks), with its rate and postfix. */
function bar(n: number, total: number, rate = '6.63it/s', post = ''): string {
  const cells = (10 * n) / total;
  const full = Math.floor(cells);
  const part = Math.floor((cells - full) * 8);
  const drawn = ('█'.repeat(full) + (full < 10 ? BLOCKS[part] : '')).padEnd(10).slice(0, 10);
  return `${String(Math.floor((100 * n) / total)).padStart(3)}%|${drawn}| ${n}/${total} [00:10<02:20, ${rate}${post}]`;
}

function plan(text: string) {
  return plannedEnd(parseText('text', text)[0]);
}

describe('tqdm totals as the planned end', () => {
  it('a Hugging Face Trainer stdout: the step bar (5490) in the log\'s epoch unit (10 epochs)', () => {
    let t = '***** Running training *****\n  Num Epochs = 10\n';
    for (let i = 1; i <= 12; i++) {
      const step = 50 * i;
      t += `${bar(step - 1, 5490, '2.13it/s')}\r${bar(step, 5490, '2.13it/s')}\r`;
      t += `{'loss': ${(2 - i * 0.05).toFixed(4)}, 'grad_norm': 2.75, 'learning_rate': 1.8e-05, 'epoch': ${((step * 10) / 5490).toFixed(2)}}\n`;
      if (i % 4 === 0) {
        // The evaluation's own bar (restarts at every evaluation) is not the run's.
        t += `${bar(20, 40, '15.2it/s')}\r${bar(40, 40, '15.2it/s')}\r`;
        t += `{'eval_loss': ${(2.1 - i * 0.04).toFixed(4)}, 'eval_runtime': 2.6, 'epoch': ${((step * 10) / 5490).toFixed(2)}}\n`;
      }
    }
    const run = parseText('text', t)[0];
    expect(run.meta.stepUnit).toBe('epoch');
    expect(plannedEnd(run)).toEqual({ step: 10, from: 'tqdm total' });
    const f = forecastRun(run);
    expect(f.target).toBe('tqdm total');
    expect(f.forecasts.find(e => e.series === 'loss')?.toStep).toBe(10);
  });

  it('a step bar with the loss in its postfix, one line per update: its total in steps', () => {
    let t = '';
    for (let i = 1; i <= 20; i++) t += `Training: ${bar(25 * i, 1000, '6.63it/s', `, loss=${(2 - i * 0.02).toFixed(3)}, lr=1e-3`)}\n`;
    // The record's step is a running index (one line every 25 bar steps): half-way through
    // the bar at index 19, the run ends near index 39.
    const run = parseText('text', t)[0];
    expect(run.series.get('loss')!.lastStep()).toBe(19);
    const p = plannedEnd(run);
    expect(p?.from).toBe('tqdm total');
    expect(p!.step).toBeGreaterThanOrEqual(38);
    expect(p!.step).toBeLessThanOrEqual(40);
  });

  it('a step bar next to `step N` lines: the total itself', () => {
    let t = '';
    for (let i = 1; i <= 30; i++) {
      t += `  ${bar(10 * i, 1000)}\r`;
      t += `step ${10 * i}: train loss ${(3 - i * 0.03).toFixed(4)}\n`;
    }
    expect(plan(t)).toEqual({ step: 1000, from: 'tqdm total' });
  });

  it('a bar that counts epochs: its total in epochs (an epoch-indexed log)', () => {
    let t = '';
    for (let e = 1; e <= 6; e++) {
      t += `Epoch: ${bar(e - 1, 50, '1.10s/it')}\n`;
      t += `Epoch ${e}: train_loss=${(1 - e * 0.05).toFixed(3)}, val_loss=${(1.1 - e * 0.04).toFixed(3)}\n`;
    }
    expect(plan(t)).toEqual({ step: 50, from: 'tqdm total' });
  });

  it('Lightning per-epoch bars (`Epoch 3:`) count one epoch\'s batches: no planned end from them', () => {
    let t = '';
    for (let e = 0; e < 4; e++) {
      const segs: string[] = [];
      for (let i = 1; i <= 4; i++) segs.push(`Epoch ${e}: ${bar(250 * i, 1000, '44.1it/s', `, loss=${(2 - e * 0.1 - i * 0.01).toFixed(3)}, v_num=0`)}`);
      t += segs.join('\r') + '\n';
    }
    const run = parseText('text', t)[0];
    expect(run.series.get('loss')!.length).toBeGreaterThan(0);
    expect(plannedEnd(run)).toBeUndefined();
  });

  it('an unlabelled bar that restarts every epoch is an epoch\'s bar, not the run\'s', () => {
    let t = '';
    for (let e = 1; e <= 3; e++) {
      for (let i = 1; i <= 4; i++) t += `${bar(100 * i, 400)}\n`;
      t += `epoch ${e} train loss ${(1 - e * 0.1).toFixed(3)}\n`;
    }
    expect(plan(t)).toBeUndefined();
  });

  it('datasets / evaluation bars are not the run\'s end', () => {
    const t =
      'Map: 100%|██████████| 3290/3290 [00:11<00:00, 274.45 examples/s]\n' +
      'Evaluating: 100%|██████████| 200/200 [00:11<00:00, 17.45it/s]\n' +
      'Downloading: 100%|██████████| 1.2G/1.2G [00:30<00:00, 40.0MB/s]\n' +
      Array.from({ length: 10 }, (_, i) => `step ${i + 1}: loss ${(1 - i * 0.01).toFixed(3)}`).join('\n') +
      '\n';
    expect(plan(t)).toBeUndefined();
  });

  it('an explicit `Epoch 3/50` total wins over a bar', () => {
    let t = '';
    for (let e = 1; e <= 3; e++) {
      t += `Epoch ${e}/50\n${bar(100, 100, '20it/s')}\n`;
      t += `100/100 - 2s - loss: ${(1 - e * 0.1).toFixed(4)} - val_loss: ${(1.1 - e * 0.1).toFixed(4)}\n`;
    }
    expect(plan(t)?.from).toBe('plannedEpochs');
  });
});
