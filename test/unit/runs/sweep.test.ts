/**
 * A real PyTorch sweep (test/fixtures/runs/lightning_sweep.py: learning rates × batch sizes, an
 * MLP on sklearn's diabetes data, written as Lightning's CSVLogger writes it) listed by
 * `loss-lens runs`: the runs with the large learning rates are errors, the others are not, and
 * the top insight names the learning rate. Then the two-run explanation, the insights' silence
 * on thin evidence, and the CLI's JSON contract and exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainTwo, fisherOneSided, RunIndex, runLabels, type RunRow, sweepInsights } from '../../../src/core/runs';
import { REPO_ROOT, scratchDir } from '../../helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/runs/lightning_sweep.py');
const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const LRS = [0.001, 0.003, 0.01, 0.03, 3, 10];
const BATCH = [16, 64];

const tmp = scratchDir('ll-runs-sweep-');
let sweep = '';
let rows: RunRow[] = [];

beforeAll(async () => {
  sweep = path.join(tmp.path(), 'sweep');
  // Fails (never skips) when torch or sklearn is missing: the sweep is the point of the test.
  const code = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const p = spawn(PYTHON, ['-B', SCRIPT, '--out', sweep, '--lrs', LRS.join(','), '--batch-sizes', BATCH.join(',')], {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', c => resolve({ code: c, stderr }));
  });
  if (code.code !== 0) throw new Error(`${SCRIPT} failed: ${code.stderr}`);
  rows = (await new RunIndex().list([sweep])).rows;
  if (!fs.existsSync(CLI)) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(b.stderr);
  }
}, 120_000);

const byParams = (lr: number, bs: number) => rows.find(r => r.params.lr === lr && r.params.batch_size === bs)!;

describe('a real PyTorch sweep, written as Lightning writes it', () => {
  it('lists one run per version_N with its hparams, and the large learning rates as errors', () => {
    expect(rows).toHaveLength(LRS.length * BATCH.length);
    for (const r of rows) {
      expect(path.basename(path.dirname(r.path))).toBe('lightning_logs');
      expect(r.params).toMatchObject({ hidden: 32, optimizer: 'sgd' });
      const lr = r.params.lr as number;
      if (lr >= 3) {
        expect(r.status, r.path).toBe('error');
        expect(r.worst).toBe('non-finite');
      } else {
        expect(r.status, r.path).not.toBe('error');
        expect(r.best?.role).toBe('val_loss');
      }
    }
  });

  it('the top insight says the learning rate separates the broken runs, with the counts', () => {
    const ins = sweepInsights(rows);
    expect(ins.length).toBeGreaterThan(0);
    expect(ins[0]).toMatchObject({ kind: 'separates-broken', param: 'lr' });
    expect(ins[0].message).toBe('4 of 4 runs with lr ≥ 3 had an error finding (non-finite ×4); none of the 8 with lr ≤ 0.03 did.');
    // Batch size does not separate them (each batch size has broken and healthy runs).
    expect(ins.some(i => i.kind === 'separates-broken' && i.param === 'batch_size')).toBe(false);
    const zh = sweepInsights(rows, 'zh-cn');
    expect(zh[0].message).toContain('lr ≥ 3 的 4 个运行中有 4 个出现错误级问题');
  });

  it('the best setting and the best run trend are the logged numbers', () => {
    const ins = sweepInsights(rows);
    const best = ins.find(i => i.kind === 'best-setting');
    const healthy = rows.filter(r => r.status !== 'error');
    const top = healthy.reduce((a, b) => (b.best!.value < a.best!.value ? b : a));
    if (best) expect(best.message).toMatch(new RegExp(`^${best.param} = `));
    const trend = ins.find(i => i.kind === 'still-improving' || i.kind === 'stopped-improving')!;
    expect(trend.message).toContain(runLabels(rows)[rows.indexOf(top)]);
    expect(trend.message).toContain(String(top.best!.step));
  });

  it('names the runs that cannot beat the best run: their forecast interval at the planned end stays above its best', () => {
    const ins = sweepInsights(rows).find(i => i.kind === 'cannot-beat-best');
    const judged = rows.filter(r => r.best?.role === 'val_loss');
    const top = judged.reduce((a, b) => (b.best!.value < a.best!.value ? b : a));
    const lost = judged.filter(r => r !== top && r.forecast && r.forecast.series === r.best!.series && r.forecast.low > top.best!.value);
    // the slowest learning rates cannot catch up with the best run (lr 0.03), the best setting's runs can
    for (const r of judged) {
      if ((r.params.lr as number) <= 0.003) expect(lost, `lr ${r.params.lr} bs ${r.params.batch_size}`).toContain(r);
      if ((r.params.lr as number) === 0.03) expect(lost).not.toContain(r);
    }
    expect(ins).toBeDefined();
    const labels = runLabels(rows);
    for (const r of lost.slice(0, 5)) expect(ins!.message).toContain(labels[rows.indexOf(r)]);
    expect(ins!.message).toContain(labels[rows.indexOf(top)]);
    expect(ins!.message).toMatch(new RegExp(`^${lost.length} run`));
  });

  it('explains two runs: what broke, and the one parameter that differs', () => {
    const good = byParams(0.03, 16);
    const bad = byParams(3, 16);
    const [lg, lb] = runLabels([good, bad]);
    const text = explainTwo(good, bad, [lg, lb]);
    const f = bad.findings[0];
    expect(text).toBe(`${lb}'s ${f.series} became ${f.what} at step ${f.step} and ${lg}'s did not; ${lb}'s lr is 100× ${lg}'s (3 vs 0.03); everything else is equal.`);
    // The same with the runs given the other way round: the broken run stays the subject.
    expect(explainTwo(bad, good, [lb, lg])).toBe(text);
    // Two healthy runs: their best losses, and the two parameters that differ.
    const a = byParams(0.01, 16);
    const b = byParams(0.001, 64);
    const t2 = explainTwo(a, b, ['A', 'B']);
    expect(t2).toContain(`A's best val_loss is`);
    expect(t2).toContain("B's batch_size is 4× A's (64 vs 16)");
    expect(t2).toContain("A's lr is 10× B's (0.01 vs 0.001)");
    expect(t2).toMatch(/everything else is equal\.$/);
    expect(explainTwo(good, bad, [lg, lb], 'zh-cn')).toContain(`${lb} 的 lr 是 ${lg} 的 100 倍（3 对 0.03）`);
  });

  it('says nothing when the evidence is thin', () => {
    // Three runs: too few to say which parameter separates them.
    const few = [byParams(0.001, 16), byParams(3, 16), byParams(10, 16)];
    expect(sweepInsights(few).filter(i => i.param !== null)).toEqual([]);
    // All healthy: nothing separates broken from healthy.
    expect(sweepInsights(rows.filter(r => r.status !== 'error')).some(i => i.kind === 'separates-broken')).toBe(false);
    expect(fisherOneSided(4, 0, 0, 8)).toBeCloseTo(1 / 495, 10);
    expect(fisherOneSided(1, 1, 1, 1)).toBeCloseTo(5 / 6, 10);
  });
});

describe('loss-lens runs', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'runs', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOSS_LENS_CACHE_DIR: path.join(tmp.path(), 'cache') } });

  it('--json prints the contract, ranked, with the insights strongest first', () => {
    const r = cli(sweep, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { runs: Array<Record<string, unknown>>; insights: Array<Record<string, unknown>> };
    expect(Object.keys(out).sort()).toEqual(['insights', 'runs']);
    expect(out.runs).toHaveLength(12);
    for (const run of out.runs) {
      expect(Object.keys(run).sort()).toEqual(['best', 'lastStep', 'params', 'path', 'status', 'worst']);
      if (run.best) expect(Object.keys(run.best).sort()).toEqual(['series', 'step', 'value']);
      expect(typeof (run.params as Record<string, unknown>).lr).toBe('number');
    }
    // Ranked: the healthy runs by best loss, the broken ones last.
    const statuses = out.runs.map(x => x.status);
    expect(statuses.slice(-4)).toEqual(['error', 'error', 'error', 'error']);
    const bests = out.runs.slice(0, 8).map(x => (x.best as { value: number }).value);
    expect([...bests].sort((a, b) => a - b)).toEqual(bests);
    for (const i of out.insights) expect(Object.keys(i).sort()).toEqual(['kind', 'message', 'param']);
    expect(out.insights[0]).toMatchObject({ kind: 'separates-broken', param: 'lr' });
    // The second listing comes from the cache file and says the same.
    const again = cli(sweep, '--json');
    expect(again.stdout).toBe(r.stdout);
    expect(fs.existsSync(path.join(tmp.path(), 'cache', 'runs-index.json'))).toBe(true);
  });

  it('prints the table and the insights; exits 2 for a path with no run', () => {
    const r = cli(sweep, '--sort', 'status', '--no-cache');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('12 runs: 4 with errors, 0 with warnings, 8 ok');
    expect(lines[2]).toMatch(/^ ✗ error +version_\d+ +non-finite/);
    expect(r.stdout).toContain('4 of 4 runs with lr ≥ 3 had an error finding');
    const empty = path.join(tmp.path(), 'nothing');
    fs.mkdirSync(empty);
    const e = cli(empty);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('no run found under this path');
    expect(cli('--sort', 'size', sweep).status).toBe(2);
  });
});
