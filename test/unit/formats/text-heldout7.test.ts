/**
 * Line shapes of the seventh held-out batch (20 unseen real logs) that the text reader misread:
 * a batch index (`batch_id`) as the counter inside an epoch. Excerpts of the real shape
 * (numbers from the log), fed in small chunks.
 */
import { describe, expect, it } from 'vitest';
import { parseText, steps, values } from '../../helpers';

describe('text reader: line shapes of held-out batch 7', () => {
  it('reads `batch_id` as the batch counter: per-batch and per-epoch losses apart (PaddlePaddle/PaddleRec sign)', () => {
    const log =
      '2022-04-12 17:06:10,849 - INFO - epoch: 0, batch_id: 0, AUC:0.500000, ACC:0.649414, loss:0.5009312, avg_reader_cost: 0.00058 sec\n' +
      '2022-04-12 17:10:51,909 - INFO - epoch: 0, batch_id: 500, AUC:0.788134, ACC:0.688159, loss:0.18541333, avg_reader_cost: 0.00012 sec\n' +
      '2022-04-12 17:15:26,908 - INFO - epoch: 0, batch_id: 1000, AUC:0.841936, ACC:0.768826, loss:0.16569619, avg_reader_cost: 0.00016 sec\n' +
      '2022-04-12 17:24:35,400 - INFO - epoch: 0 done, AUC: 0.874769,ACC: 0.822143,loss:0.14919266, epoch time: 1105.58 s\n' +
      '2022-04-12 17:24:36,273 - INFO - epoch: 1, batch_id: 0, AUC:0.905023, ACC:0.890625, loss:0.13951969, avg_reader_cost: 0.00025 sec\n' +
      '2022-04-12 17:29:16,416 - INFO - epoch: 1, batch_id: 500, AUC:0.910986, ACC:0.883834, loss:0.127161, avg_reader_cost: 0.00012 sec\n' +
      '2022-04-12 17:33:57,542 - INFO - epoch: 1, batch_id: 1000, AUC:0.913552, ACC:0.884155, loss:0.13304195, avg_reader_cost: 0.00012 sec\n' +
      '2022-04-12 17:42:59,469 - INFO - epoch: 1 done, AUC: 0.916897,ACC: 0.885012,loss:0.13309471, epoch time: 1104.06 s\n';
    const runs = parseText('text', log, 9);
    expect(runs).toHaveLength(1);
    const run = runs[0];
    expect(run.series.has('batch_id')).toBe(false);
    expect(values(run, 'loss')).toEqual([0.5009312, 0.18541333, 0.16569619, 0.13951969, 0.127161, 0.13304195]);
    expect(values(run, 'loss (epoch)')).toEqual([0.14919266, 0.13309471]);
    const st = steps(run, 'loss');
    for (let i = 1; i < st.length; i++) expect(st[i]).toBeGreaterThan(st[i - 1]);
  });
});
