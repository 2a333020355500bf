// Real processes, real PyTorch: the training runner end to end.
//
// These tests need /usr/bin/python3 with torch and sklearn (Debian python3-torch,
// python3-sklearn). Without it they are skipped locally, and FAIL when CI is set.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPaths } from '../../src/core/load';
import type { Finding } from '../../src/core/diagnose/types';
import { groupMembers, isAlive, listRuns, TrainingRun, type RunResult } from '../../src/runner';
import { REPO_ROOT } from '../helpers';
import { ensureCliBuilt } from './cliBuild';

const PY = '/usr/bin/python3';
const hasTorch = spawnSync(PY, ['-c', 'import torch, sklearn'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const torchIt = hasTorch || process.env.CI ? it : it.skip;
const requireTorch = () =>
  expect(hasTorch, `${PY} with torch and sklearn is required (apt-get install python3-torch python3-sklearn)`).toBe(true);

const FIX = path.join(REPO_ROOT, 'test/fixtures/runner');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-runner-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** `ps -o pid= -g PGID`: every process (zombies aside) still in the group. */
function psGroup(pgid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=,stat=', '-g', String(pgid)], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map(l => l.trim().split(/\s+/))
    .filter(([pid, stat]) => pid && stat && !stat.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

const problems = (fs: Finding[]) => fs.filter(f => f.severity !== 'info');

describe('TrainingRun: stops a run that goes NaN', () => {
  torchIt('examples/train_example.py --lr 0.5 is stopped within a few steps of the first NaN line', async () => {
    requireTorch();
    const run = new TrainingRun({
      command: PY,
      args: ['examples/train_example.py', '--lr', '0.5', '--sleep', '0.5'],
      cwd: REPO_ROOT,
      runsFolder: path.join(tmp, 'runs'),
    });
    let lastStep = 0;
    let nan: { step: number; at: number } | undefined;
    let stop: { at: number; lastStep: number } | undefined;
    run.onLine(({ text, at }) => {
      const m = /^step (\d+): loss (\S+)/.exec(text);
      if (!m) return;
      lastStep = Number(m[1]);
      if (!nan && /nan|inf/i.test(m[2])) nan = { step: lastStep, at };
    });
    run.onStopping(() => {
      stop = { at: Date.now(), lastStep };
    });
    const r = await run.start();
    expect(r.status).toBe('stopped');
    expect(r.stoppedBy?.by).toBe('finding');
    expect(r.stoppedBy?.kind).toBe('non-finite');
    expect(r.stoppedBy?.finding?.fixes.length).toBeGreaterThan(0);
    expect(nan).toBeDefined();
    expect(stop).toBeDefined();
    const decisionMs = stop!.at - nan!.at;
    const decisionSteps = stop!.lastStep - nan!.step;
    const stepsAfter = lastStep - nan!.step;
    const exitMs = r.endedAt - nan!.at;
    console.log(
      `[stop latency] train_example --lr 0.5: first NaN at step ${nan!.step}; stop decided ${decisionMs} ms / ` +
        `${decisionSteps} steps after the NaN line; last step printed ${lastStep} (${stepsAfter} steps after); ` +
        `process group gone ${exitMs} ms after the NaN line (${r.stoppedBy?.signal})`,
    );
    expect(decisionMs).toBeLessThan(500);
    expect(stepsAfter).toBeLessThanOrEqual(10); // it logs every 5 steps
    expect(r.exitCode === 0 && r.signal === null).toBe(false);

    // The run folder: run.json says why, output.log reopens with the NaN in it.
    const past = listRuns(path.join(tmp, 'runs'));
    expect(past.length).toBe(1);
    expect(past[0].record.status).toBe('stopped');
    expect(past[0].record.stoppedBy?.kind).toBe('non-finite');
    expect(past[0].record.findings.some(f => f.kind === 'non-finite')).toBe(true);
    const loaded = await loadPaths(past[0].logs);
    const loss = loaded.runs[0]?.series.get('loss');
    expect(loss && loss.nonFinite).toBeGreaterThan(0);
    // Finding lines are output.log lines.
    const f = r.stoppedBy!.finding!;
    const lines = fs.readFileSync(r.outputLog!, 'utf8').split('\n');
    expect(f.series).toBe('loss');
    expect(f.step).toBe(nan!.step);
    expect(lines[f.line! - 1]).toBe(`step ${nan!.step}: loss nan grad_norm nan`);
  });

  torchIt('test/scenarios/nan_huge_lr.py (kept running after its NaN) is stopped', async () => {
    requireTorch();
    const script = path.join(REPO_ROOT, 'test/scenarios/nan_huge_lr.py');
    if (!fs.existsSync(script)) return;
    const run = new TrainingRun({
      command: PY,
      args: [script, '--steps', '1000000', '--after-nan', '1000000'],
      cwd: path.dirname(script),
      runsFolder: false,
    });
    let lastStep = 0;
    let bad: { step: number; at: number } | undefined;
    let stop: { at: number; lastStep: number } | undefined;
    run.onLine(({ text, at }) => {
      const m = /^step (\d+): loss (\S+)/.exec(text);
      if (!m) return;
      lastStep = Number(m[1]);
      if (!bad && /nan|inf/i.test(m[2])) bad = { step: lastStep, at };
    });
    run.onStopping(() => {
      stop = { at: Date.now(), lastStep };
    });
    const r = await run.start();
    expect(r.stoppedBy?.kind).toBe('non-finite');
    expect(bad && stop).toBeTruthy();
    console.log(
      `[stop latency] nan_huge_lr: first non-finite loss at step ${bad!.step}; stop decided ${stop!.at - bad!.at} ms / ` +
        `${stop!.lastStep - bad!.step} steps after it (lines already read in the same chunk); the script printed ` +
        `${lastStep - bad!.step} steps after it before the group was gone (${r.endedAt - bad!.at} ms)`,
    );
    expect(stop!.at - bad!.at).toBeLessThan(500);
    expect(r.stoppedBy!.finding!.step).toBe(bad!.step);
  });
});

describe('TrainingRun: a healthy run', () => {
  torchIt('train_example.py (default args) exits 0 with no warning or error finding', async () => {
    requireTorch();
    const run = new TrainingRun({
      command: PY,
      args: ['examples/train_example.py'],
      cwd: REPO_ROOT,
      runsFolder: path.join(tmp, 'healthy'),
    });
    let updates = 0;
    run.onUpdate(() => updates++);
    const r = await run.start();
    expect(r.status).toBe('exited');
    expect(r.exitCode).toBe(0);
    expect(r.stoppedBy).toBeUndefined();
    expect(problems(r.reported)).toEqual([]);
    expect(problems(r.findings)).toEqual([]);
    expect(updates).toBeGreaterThan(0);
    const series = run.outputRun!.series;
    expect(series.get('loss')?.length).toBeGreaterThanOrEqual(20);
    expect(r.survivors).toEqual([]);
  });
});

describe('TrainingRun: stopping leaves no process behind', () => {
  async function startAndWaitForPids(run: TrainingRun): Promise<number[]> {
    const pids = new Promise<number[]>((resolve, reject) => {
      run.onLine(({ text }) => {
        const m = /^pids (.*)$/.exec(text);
        if (m) resolve(m[1].trim().split(/\s+/).map(Number));
      });
      void run.start().then(r => reject(new Error(`ended before its workers were up: ${JSON.stringify(r)}`)));
    });
    return pids;
  }

  torchIt('a DataLoader with 2 persistent workers sleeping forever: the whole group is gone after stop', async () => {
    requireTorch();
    const run = new TrainingRun({
      command: PY,
      args: [path.join(FIX, 'workers.py'), '--mode', 'dataloader'],
      cwd: tmp,
      runsFolder: false,
      stopOn: [],
    });
    const workers = await startAndWaitForPids(run);
    const pgid = run.pid!;
    expect(workers.length).toBe(2);
    expect(psGroup(pgid).sort()).toEqual([pgid, ...workers].sort());
    const t0 = Date.now();
    run.stop();
    const r = await run.done!;
    expect(r.status).toBe('stopped');
    expect(r.stoppedBy?.by).toBe('user');
    expect(psGroup(pgid)).toEqual([]);
    expect(groupMembers(pgid)).toEqual([]);
    for (const p of workers) expect(isAlive(p)).toBe(false);
    expect(r.survivors).toEqual([]);
    console.log(`[stop] DataLoader workers: group empty ${Date.now() - t0} ms after stop (last signal ${r.stoppedBy?.signal})`);
  });

  it('children that ignore SIGINT and SIGTERM, one of them in its own session, are killed', async () => {
    const run = new TrainingRun({
      command: PY,
      args: [path.join(FIX, 'workers.py'), '--mode', 'stubborn'],
      cwd: tmp,
      runsFolder: false,
      stopOn: [],
      grace: { interruptMs: 300, terminateMs: 300 },
    });
    const kids = await startAndWaitForPids(run);
    const pgid = run.pid!;
    expect(kids.length).toBe(3);
    const t0 = Date.now();
    run.stop();
    const r = await run.done!;
    const ms = Date.now() - t0;
    expect(r.stoppedBy?.signal).toBe('SIGKILL');
    expect(psGroup(pgid)).toEqual([]);
    for (const p of kids) expect(isAlive(p), `pid ${p}`).toBe(false);
    expect(r.survivors).toEqual([]);
    expect(ms).toBeLessThan(3000);
  });
});

describe('TrainingRun: output floods stay bounded', () => {
  async function flood(
    args: string[],
    maxOutputBytes: number,
  ): Promise<{ r: RunResult; growthMb: number; run: TrainingRun; secs: number; steps: number }> {
    const run = new TrainingRun({
      command: process.execPath,
      args: [path.join(FIX, 'flood.mjs'), ...args],
      cwd: tmp,
      runsFolder: path.join(tmp, 'flood'),
      maxOutputBytes,
    });
    let lines = 0;
    let steps = -1;
    run.onLine(({ text }) => {
      lines++;
      const m = /^flood done (\d+) steps/.exec(text);
      if (m) steps = Number(m[1]);
    });
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const t0 = Date.now();
    const r = await run.start();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(lines).toBeGreaterThan(0);
    return { r, run, steps, growthMb: (peak - before) / 1024 / 1024, secs: (Date.now() - t0) / 1000 };
  }

  it('100 MB of output: output.log keeps the first and last part, memory stays bounded, the drop is reported', async () => {
    const { r, run, growthMb, secs, steps } = await flood(['--mb', '100'], 8 * 1024 * 1024);
    console.log(
      `[flood] 100 MB in ${secs.toFixed(1)} s: RSS growth (peak) ${growthMb.toFixed(1)} MB; output.log ` +
        `${(fs.statSync(r.outputLog!).size / 1048576).toFixed(1)} MB; dropped ${(r.output.droppedBytes / 1048576).toFixed(1)} MB ` +
        `(${r.output.droppedLines} lines)`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.output.bytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(r.output.droppedBytes).toBeGreaterThan(85 * 1024 * 1024);
    expect(fs.statSync(r.outputLog!).size).toBeLessThanOrEqual(8 * 1024 * 1024 + 4096);
    const text = fs.readFileSync(r.outputLog!, 'utf8');
    expect(text).toMatch(/\[loss-lens\] [\d,]+ lines \([\d.]+ MiB\) of output were dropped here/);
    const tail = text.trimEnd().split('\n').slice(-2);
    expect(tail[0]).toMatch(/^step \d+: loss/);
    expect(tail[1]).toMatch(/^flood done \d+ steps/);
    expect(r.notes.some(n => /dropped/.test(n))).toBe(true);
    expect(growthMb).toBeLessThan(200);
    // Every metric line was parsed, dropped from the file or not.
    const loss = run.outputRun!.series.get('loss')!;
    expect(steps).toBeGreaterThan(200);
    expect(loss.length).toBe(steps);
  });

  it('one endless line (50 MB, no newline) is cut, memory stays bounded, and parsing resumes after it', async () => {
    const { r, run, growthMb, secs } = await flood(['--mb', '50', '--endless'], 8 * 1024 * 1024);
    console.log(
      `[flood] one 50 MB line in ${secs.toFixed(1)} s: RSS growth (peak) ${growthMb.toFixed(1)} MB; ` +
        `${r.output.truncatedLines} line cut, ${(r.output.truncatedChars / 1048576).toFixed(1)} MB of it dropped`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.output.truncatedLines).toBe(1);
    expect(r.output.truncatedChars).toBeGreaterThan(49 * 1024 * 1024);
    expect(r.notes.some(n => /longer than/.test(n))).toBe(true);
    expect(growthMb).toBeLessThan(200);
    expect(fs.statSync(r.outputLog!).size).toBeLessThan(1024 * 1024);
    expect(run.outputRun!.series.get('loss')?.length).toBe(1);
  });
});

describe('TrainingRun: commands that cannot start', () => {
  const cases: Array<[string, { command: string; cwd?: string }, RegExp]> = [
    ['a missing interpreter (full path)', { command: '/nonexistent/bin/python3' }, /does not exist/],
    ['an interpreter not on PATH', { command: 'python3.99' }, /command not found: 'python3.99' is not on PATH\. Is Python installed\?/],
    ['a bad working directory', { command: PY, cwd: '/nonexistent/work/dir' }, /working directory does not exist: \/nonexistent\/work\/dir/],
    ['a file that is not executable', { command: path.join(FIX, 'workers.py') }, /not executable/],
  ];
  for (const [what, o, re] of cases) {
    it(`${what} fails with a clear error within a second`, async () => {
      const t0 = Date.now();
      const run = new TrainingRun({ ...o, args: ['train.py'], cwd: o.cwd ?? tmp, runsFolder: path.join(tmp, 'nostart') });
      const r = await run.start();
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(r.status).toBe('failed');
      expect(run.status).toBe('failed');
      expect(r.error).toMatch(/^Cannot start/);
      expect(r.error).toMatch(re);
      expect(fs.existsSync(path.join(tmp, 'nostart'))).toBe(false);
    });
  }
});

describe('loss-lens run (CLI)', () => {
  beforeAll(() => {
    ensureCliBuilt();
  });

  torchIt('run --stop-on non-finite -- python3 train_example.py --lr 0.5 exits 1 and says why', () => {
    requireTorch();
    const r = spawnSync(
      process.execPath,
      ['dist/cli.js', 'run', '--stop-on', 'non-finite', '--runs-folder', path.join(tmp, 'cli-runs'), '--', PY, 'examples/train_example.py', '--lr', '0.5', '--sleep', '0.5'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 40_000 },
    );
    expect(r.status).toBe(1);
    // stdout stays the command's own output.
    expect(r.stdout).toMatch(/^step 5: loss/m);
    expect(r.stdout).not.toMatch(/loss-lens/);
    expect(r.stderr).toMatch(/ERROR non-finite: .*loss @ step 15/);
    // One sentence, the same as the editor's notification (issue #13, 5).
    expect(r.stderr).toMatch(/Stopped at step 15: the loss became NaN\. Try: lower the learning rate; clip the gradient norm/);
    expect(r.stderr).toMatch(/What to change:\n.*1\. /);
    expect(r.stderr).toMatch(/learning rate/i);
  });

  it('run exits 2 at once when the command cannot start', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'run', '--no-save', '--', '/nonexistent/python3', 'x.py'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Cannot start \/nonexistent\/python3 x\.py: '\/nonexistent\/python3' does not exist/);
  });

  it('run passes the exit code of the command through', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'run', '--no-save', '--', process.execPath, '-e', 'console.log("step 1: loss 0.5"); process.exit(7)'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(r.stdout).toBe('step 1: loss 0.5\n');
    expect(r.status).toBe(7);
  });
});
