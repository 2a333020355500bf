/**
 * Issue #14.9, with real processes: a descendant that double-forks into its own session is
 * found through the run's environment marker, stopped, and named if it survives; a runs folder
 * on a kernel pseudo file system is refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, TrainingRun } from '../../src/runner';
import { markedProcesses } from '../../src/runner/processGroup';
import { createRunFolder, pseudoFileSystem } from '../../src/runner/runFolder';
import { ensureCliBuilt } from './cliBuild';

const LINUX = process.platform === 'linux' && fs.existsSync('/proc/self/environ');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-procs-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A shell script whose grandchild leaves: fork, setsid, the middle process exits (a daemon). */
function doubleForkScript(pidFile: string, thenSleep: number): string {
  return [
    `( setsid sh -c 'echo $$ > ${pidFile}; exec sleep 300' & ) `,
    `i=0; while [ $i -lt 5 ]; do i=$((i+1)); echo "step $i loss 0.$((9-i))"; done`,
    `sleep ${thenSleep}`,
  ].join('\n');
}

async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const n = Number(fs.readFileSync(file, 'utf8').trim());
      if (n > 0) return n;
    } catch {
      // not yet
    }
    await new Promise(r => setTimeout(r, 25));
  }
  throw new Error(`no pid in ${file}`);
}

describe.runIf(LINUX)('double-forked descendants', () => {
  it('are stopped with the run, and the stop report names no survivor only when none is left', async () => {
    const pidFile = path.join(tmp, 'daemon1.pid');
    const run = new TrainingRun({
      command: 'sh',
      args: ['-c', doubleForkScript(pidFile, 300)],
      cwd: tmp,
      runsFolder: false,
      grace: { interruptMs: 200, terminateMs: 200, killMs: 2000 },
    });
    const done = run.start();
    const daemon = await pidFrom(pidFile);
    expect(isAlive(daemon)).toBe(true);
    // It left the run's group and its parent chain, but carries the marker.
    expect(markedProcesses(run.marker)).toContain(daemon);
    run.stop();
    const r = await done;
    expect(isAlive(daemon)).toBe(false);
    expect(r.survivors).toEqual([]);
  });

  it('are stopped when the command exits by itself, as leftovers', async () => {
    const pidFile = path.join(tmp, 'daemon2.pid');
    const run = new TrainingRun({ command: 'sh', args: ['-c', doubleForkScript(pidFile, 0.3)], cwd: tmp, runsFolder: false, grace: { terminateMs: 500, killMs: 2000 } });
    const notes: string[] = [];
    run.onNote(n => notes.push(n));
    const r = await run.start();
    const daemon = await pidFrom(pidFile);
    expect(r.status).toBe('exited');
    expect(isAlive(daemon)).toBe(false);
    expect(r.leftovers).toBeGreaterThanOrEqual(1);
    expect(notes.some(n => /still running after it exited/.test(n))).toBe(true);
  });
});

describe.runIf(process.platform !== 'win32')('when loss-lens itself is killed hard', () => {
  it('the guard stops the training command (no process of the run lives on unseen)', async () => {
    const cli = ensureCliBuilt();
    const pidFile = path.join(tmp, 'train.pid');
    const ll = spawn(process.execPath, [cli, 'run', '--no-save', '--', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 300`], { stdio: 'ignore' });
    const train = await pidFrom(pidFile);
    await new Promise(r => setTimeout(r, 300)); // the guard is up once the command has started
    expect(isAlive(train)).toBe(true);
    ll.kill('SIGKILL');
    const until = Date.now() + 5000;
    while (isAlive(train) && Date.now() < until) await new Promise(r => setTimeout(r, 50));
    expect(isAlive(train)).toBe(false);
  });

  it('a run that ends normally leaves no guard behind', async () => {
    const cli = ensureCliBuilt();
    const ll = spawn(process.execPath, [cli, 'run', '--no-save', '--', process.execPath, '-e', '0'], { stdio: 'ignore' });
    const code = await new Promise<number | null>(r => ll.on('exit', c => r(c)));
    expect(code).toBe(0);
    await new Promise(r => setTimeout(r, 300));
    // This run's guard has the run's marker, which starts with the runner's pid, in its arguments.
    const guards = spawnSync('pgrep', ['-f', `LOSS_LENS_RUN=${ll.pid}-`], { encoding: 'utf8' });
    expect(guards.stdout.trim()).toBe('');
  });
});

describe('runs folder on a kernel pseudo file system', () => {
  it.runIf(LINUX)('is refused by createRunFolder and by `loss-lens run` (exit 2, at once)', () => {
    expect(pseudoFileSystem('/proc')).toBe('/proc');
    expect(pseudoFileSystem('/proc/self/x/y')).toBe('/proc');
    expect(pseudoFileSystem('/sys/kernel')).toBe('/sys');
    expect(pseudoFileSystem(tmp)).toBeUndefined();
    const link = path.join(tmp, 'to-proc');
    fs.symlinkSync('/proc/self', link);
    expect(pseudoFileSystem(path.join(link, 'runs'))).toBe('/proc');
    expect(() => createRunFolder('/proc/self/runs', 'x')).toThrow(/pseudo file system/);
    const cli = ensureCliBuilt();
    const t0 = Date.now();
    const out = spawnSync(process.execPath, [cli, 'run', '--runs-folder', '/proc', '--', process.execPath, '-e', '0'], { encoding: 'utf8', timeout: 20_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('kernel pseudo file system');
  });
});
