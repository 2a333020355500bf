import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, real } from '../../helpers';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

beforeAll(() => {
  if (!fs.existsSync(CLI)) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(b.stderr);
  }
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('loss-lens analyze', () => {
  it('--json prints the contract: runs with series summaries and events, findings, problems', () => {
    const r = cli('analyze', '--json', '--fail-on', 'never', real('keras_csvlogger/mnist_training_log.csv'));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['findings', 'problems', 'runs']);
    expect(out.runs).toHaveLength(1);
    const run = out.runs[0];
    expect(run.format).toBe('csv');
    const names = run.series.map((s: { name: string }) => s.name).sort();
    expect(names).toEqual(['accuracy', 'learning_rate', 'loss', 'val_accuracy', 'val_loss']);
    for (const s of run.series) {
      expect(Object.keys(s).sort()).toEqual(['firstStep', 'lastStep', 'name', 'nonFinite', 'points', 'role']);
      expect(s.points).toBe(30);
    }
    expect(run.series.find((s: { name: string }) => s.name === 'val_loss').role).toBe('val_loss');
  });

  it('exits 2 and names the input when nothing can be read, 0 for the rest with --fail-on never', () => {
    const bad = real('tfevents/lfs_pointer/events.out.tfevents.1674944078.gpu07.cyverse.org.12415.0');
    const r = cli('analyze', '--json', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Git LFS pointer');
    expect(JSON.parse(r.stdout).problems).toHaveLength(1);
    const ok = cli('analyze', '--fail-on', 'never', path.join(REPO_ROOT, 'examples/healthy_run.log'));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Train Loss');
  });

  it('rejects bad usage with exit 2 and the usage text', () => {
    const r = cli('analyze', '--fail-on', 'sometimes', 'x.log');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--fail-on must be');
    expect(cli('frobnicate').status).toBe(2);
  });

  it('report writes a self-contained HTML file with an SVG chart per run', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'll-')), 'r.html');
    const r = cli('report', path.join(REPO_ROOT, 'examples'), '--out', out);
    expect(r.status === 0 || r.status === 1).toBe(true);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('healthy_run.log');
  });
});
