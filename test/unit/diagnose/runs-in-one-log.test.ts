/**
 * Runs one after another in one log (fresh restarts: a sweep or several models printed to one
 * file) are each judged for overfitting with their own training loss; one finding, the latest
 * run's, counts them. Before, only the last run was judged.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/core/diagnose';
import { loadPaths } from '../../../src/core/load';
import { REPO_ROOT } from '../../helpers';

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
});
