/**
 * Plateau details that real logs showed: the flatness of a long stretch (its trend measured on
 * at most 32 subsampled coarse points, per subsampled point) and a fine-tune's staircase (a loss
 * flat inside each epoch that falls where the next epoch begins: the data seen again).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/core/diagnose';
import { loadPaths } from '../../../src/core/load';
import { REPO_ROOT } from '../../helpers';
import { makeRun } from './synth';

describe('plateau', () => {
  it('a long stretch that falls 0.8 % in all is flat (its trend is not multiplied by the subsampling step)', () => {
    // 3000 points: a quick descent, then 2600 points that fall 0.8 % in all, with 1 % noise
    const r = makeRun(
      [{ name: 'loss', f: i => (i < 400 ? 1 + 2 * Math.exp(-i / 40) : 1.0001 * (1 - (0.008 * (i - 400)) / 2600)), n: 3000, noise: 0.01 }],
      3,
    );
    const p = diagnose([r]).filter(f => f.kind === 'plateau');
    expect(p).toHaveLength(1);
    expect(p[0].severity).toBe('info');
    expect(p[0].evidence.terminal).toBe(true);
  });

  it("a fine-tune's loss, flat inside each epoch and falling where the next begins, has no plateau", async () => {
    // a Hugging Face trainer_state.json logging every step over 6 epochs (decile medians 1.47,
    // 1.44, 1.13, 1.11, 0.73, ...): each epoch's flat inside is not the run being stuck
    const file = path.join(REPO_ROOT, 'test', 'fixtures', 'judged', 'structured', 'hf-palm-per-step-epoch-staircase', 'trainer_state.json');
    const { runs } = await loadPaths([file]);
    expect(runs).toHaveLength(1);
    expect(diagnose(runs).filter(f => f.kind === 'plateau')).toEqual([]);
  });
});
