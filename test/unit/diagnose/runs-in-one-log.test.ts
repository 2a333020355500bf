/**
 * Runs one after another in one log (fresh restarts: a sweep or several models printed to one
 * file) are each judged for overfitting with their own training loss; one finding, the latest
 * run's, counts them. Before, only the last run was judged.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/core/diagnose';
import { loadPaths } from '../../../src/core/load';
import { parseText, REPO_ROOT } from '../../helpers';

const JUDGED = path.join(REPO_ROOT, 'test', 'fixtures', 'judged');

describe('several runs in one log', () => {
  it('simple-nmt notes with four 100-epoch runs: two of them overfit, one finding counts them', async () => {
    const { runs } = await loadPaths([path.join(JUDGED, 'text', 'simple-nmt-mybk-runs-md.md')]);
    const fs = diagnose(runs);
    const o = fs.filter(f => f.kind === 'overfitting');
    expect(o).toHaveLength(1);
    expect(o[0].severity).toBe('warning');
    expect(o[0].message).toContain('The same shows in 2 of the 4 runs in this log.');
    expect(o[0].evidence).toMatchObject({ runsOverfitting: 2, runs: 4 });
    // the quoted best is the logged value at the quoted step of that run
    expect(o[0].evidence.best).toBe(1.993);
    // the last run is still at its minimum: it keeps its own not-converged
    expect(fs.some(f => f.kind === 'not-converged')).toBe(true);
  });

  it('120 ablation runs in one log (held-out batch 7\'s modded-nanogpt notes): each run its own segment, every restart counted', () => {
    // Each run: val_loss every 125 steps to 5000, falling smoothly (10.8 -> ~2.9), no rise.
    let log = '';
    for (let r = 0; r < 120; r++) {
      for (let s = 0; s <= 5000; s += 125) log += `step:${s}/5000 val_loss:${(2.9 + 7.9 * Math.exp(-s / 600) + 0.001 * (r % 7)).toFixed(4)} train_time:${s * 40}ms\n`;
    }
    const runs = parseText('text', log);
    const fs = diagnose(runs);
    // Before: runs beyond the 64th were judged as one curve (best at step 5000, then "early
    // stopping would have stopped at step 1000, 98% of the training after the best").
    expect(fs.filter(f => f.kind === 'early-stop')).toHaveLength(0);
    const r = fs.filter(f => f.kind === 'restart');
    expect(r.length).toBeGreaterThan(0);
    // 119 restarts: the reader lists 100 and counts the others; the message counts them all.
    expect(r[0].evidence.count).toBe(119);
    expect(r[0].message).toContain('There are 119 restarts in all.');
  });
});
