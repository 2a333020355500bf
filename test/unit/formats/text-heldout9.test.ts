/**
 * Line shapes of the ninth held-out batch (20 unseen real logs) that the text reader misread:
 * a phase word before the epoch counter (`Fine-Tune Epoch 1 | ...` after `Epoch 5 | ...`), whose
 * points were stacked at the last pre-training epoch instead of starting again. Excerpts of the
 * real shape (numbers from the log), fed in small chunks.
 */
import { describe, expect, it } from 'vitest';
import { parseText, steps, values } from '../../helpers';

describe('text reader: line shapes of held-out batch 9', () => {
  it.each(['Fine-Tune', 'Finetune', 'Pretrain'])('reads `%s Epoch 1 |` as epoch 1 of a new phase (a restart), not prose', phase => {
    const log =
      '--- Starting Training for Deep Model ---\n' +
      'Epoch 4 | Train Loss: 1.1771 | Val Loss: 1.1462 | Val Accuracy: 63.53%\n' +
      'Epoch 5 | Train Loss: 1.1714 | Val Loss: 1.1417 | Val Accuracy: 63.68%\n' +
      '--- Starting Specialized Fine-Tuning Phase ---\n' +
      `${phase} Epoch 1 | Train Loss: 0.9624 | Val Loss: 0.9294 | Val Accuracy: 70.05%\n` +
      `${phase} Epoch 2 | Train Loss: 0.9583 | Val Loss: 0.9281 | Val Accuracy: 70.09%\n`;
    const run = parseText('text', log, 13)[0];
    expect(steps(run, 'Train Loss')).toEqual([4, 5, 1, 2]);
    expect(values(run, 'Val Loss')).toEqual([1.1462, 1.1417, 0.9294, 0.9281]);
    expect(run.events.some(e => e.type === 'restart')).toBe(true);
  });

  it('still reads a step in running text as prose (`loading data for epoch 3`)', () => {
    const run = parseText('text', 'step 1: loss 0.5\nloading data for epoch 3\nstep 2: loss 0.4\n')[0];
    expect(steps(run, 'loss')).toEqual([1, 2]);
  });
});
