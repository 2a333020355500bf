/**
 * `stopOn: cannot-beat-best` (issue #17 §3): predictive early stopping by the forecast, off by
 * default; on a real log grown point by point, and on a real PyTorch run through `loss-lens run`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatBestVerdict } from '../../../src/core/forecast';
import { fmtNum } from '../../../src/core/i18n';
import { RunIndex } from '../../../src/core/runs';
import { siblingBest } from '../../../src/runner/siblingBest';
import { loadPaths } from '../../../src/core/load';
import { createRun, seriesOf, type Run } from '../../../src/core/model';
import { DEFAULT_STOP_ON, parseStopKinds, StopPolicy } from '../../../src/runner/stopPolicy';
import { REPO_ROOT } from '../../helpers';

const PY = '/usr/bin/python3';

/** Feed the run's points into a fresh run a few at a time; the first finding the policy makes. */
async function grow(file: string, policy: StopPolicy): Promise<{ finding: ReturnType<StopPolicy['checkPatience']>; fed: number }> {
  const { runs } = await loadPaths([path.join(REPO_ROOT, file)], { threads: false });
  const src = runs[0];
  const live: Run = createRun(src.source, src.format, src.name);
  Object.assign(live.meta, src.meta);
  const all = [...src.series.values()];
  const n = Math.max(...all.map(s => s.length));
  for (let i = 0; i < n; i++) {
    for (const s of all) if (i < s.length) seriesOf(live, s.name).push(s.steps.get(i), s.values.get(i));
    const f = policy.checkPatience(live);
    if (f) return { finding: f, fed: i + 1 };
  }
  return { finding: undefined, fed: n };
}

describe('beatBestVerdict (the runs view\'s "cannot beat the best run")', () => {
  it('judges the validation loss at the planned end against the best run\'s best', async () => {
    const { runs } = await loadPaths([path.join(REPO_ROOT, 'test/scenarios/logs/overfit_tiny_train.log')], { threads: false });
    const low = beatBestVerdict(runs[0], 0.2);
    expect(low?.series).toBe('Val Loss');
    expect(low?.cannotBeat).toBe(true);
    expect(low!.forecast.low).toBeGreaterThan(0.2);
    const high = beatBestVerdict(runs[0], 5);
    expect(high?.cannotBeat).toBe(false);
    expect(beatBestVerdict(runs[0], NaN)).toBeUndefined();
  });
});

describe('cannot-beat-best', () => {
  it('is a stop kind, off by default', () => {
    expect(parseStopKinds('non-finite,cannot-beat-best')).toEqual({ kinds: ['non-finite', 'cannot-beat-best'], unknown: [] });
    expect(DEFAULT_STOP_ON).not.toContain('cannot-beat-best');
  });

  it('stops a run whose forecast interval stays above the best, and not one that can still beat it', async () => {
    // overfit_tiny_train.log: a real PyTorch run; its validation loss bottoms out near 0.6.
    const policy = new StopPolicy(['cannot-beat-best'], 5, 'en', 0.2);
    const { finding, fed } = await grow('test/scenarios/logs/overfit_tiny_train.log', policy);
    expect(finding).toBeDefined();
    if (!finding) return;
    expect(fed).toBeLessThan(60);
    expect(finding.kind).toBe('early-stop');
    expect(finding.evidence.decidedBy).toBe('forecast');
    expect(finding.evidence.low as number).toBeGreaterThan(0.2);
    expect(policy.shouldStop(finding)).toBe(true);
    expect(finding.message).toContain("even its low end stays above the best run's 0.2");
    // The same finding does not stop a run that does not ask for it.
    expect(new StopPolicy(['non-finite'], 5, 'en', 0.2).shouldStop(finding)).toBe(false);
    // A best the run can still reach (above where its validation loss goes): never fires.
    const never = await grow('test/scenarios/logs/overfit_tiny_train.log', new StopPolicy(['cannot-beat-best'], 5, 'en', 5));
    expect(never.finding).toBeUndefined();
  });

  it("says it in Simplified Chinese", async () => {
    const { finding } = await grow('test/scenarios/logs/overfit_tiny_train.log', new StopPolicy(['cannot-beat-best'], 5, 'zh-cn', 0.2));
    expect(finding?.title).toBe('无法超过最好的运行（Val Loss）');
  });
});

describe('loss-lens run --stop-on cannot-beat-best (real PyTorch run)', () => {
  beforeAll(() => {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(b.stderr);
  });

  it('stops train_example.py --epochs 60 early when the --best given is out of reach', () => {
    const r = spawnSync(
      process.execPath,
      ['dist/cli.js', 'run', '--no-save', '--stop-on', 'cannot-beat-best', '--best', '0.3', '--', PY, 'examples/train_example.py', '--epochs', '60'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Stopped at step \d+: Cannot beat the best run/);
    // Stopped well before the planned 60 epochs.
    expect(r.stdout).not.toMatch(/^Epoch 60:/m);
  });
});

describe('cannot-beat-best without a best given: the best of the earlier runs in the runs folder (real PyTorch runs)', () => {
  let dir = '';
  beforeAll(() => {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(b.stderr);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-best-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/cli.js', 'run', '--runs-folder', path.join(dir, 'runs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });

  it('says there is none in an empty runs folder, and then runs to the end', () => {
    const r = run('--stop-on', 'cannot-beat-best', '--', PY, 'examples/train_example.py', '--epochs', '12');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('cannot-beat-best: no earlier run with a validation loss in');
    expect(r.stdout).toMatch(/^Epoch 12:/m);
  });

  it("takes the best validation loss of the earlier runs (the runs index's rows) and stops a worse run early", async () => {
    // A good run: lr 0.01 for 20 epochs.
    const good = run('--', PY, 'examples/train_example.py', '--epochs', '20');
    expect(good.status).toBe(0);
    const { rows } = await new RunIndex().list([path.join(dir, 'runs')]);
    const best = Math.min(...rows.filter(x => x.best?.role === 'val_loss').map(x => x.best!.value));
    expect(Number.isFinite(best)).toBe(true);
    await expect(siblingBest(path.join(dir, 'runs'))).resolves.toMatchObject({ value: best, series: 'Val Loss' });
    // A run with a learning rate ten times smaller cannot get there in its 60 epochs.
    const r = run('--stop-on', 'cannot-beat-best', '--', PY, 'examples/train_example.py', '--epochs', '60', '--lr', '0.001');
    expect(r.stderr).toContain(`cannot-beat-best: the best to beat is ${fmtNum(best)}, the best Val Loss of the earlier run`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Stopped at step \d+: Cannot beat the best run/);
    expect(r.stdout).not.toMatch(/^Epoch 60:/m);
  });
});

