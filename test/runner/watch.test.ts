// Following logs written elsewhere: append, truncation, rotation, new TensorBoard event files,
// and `loss-lens watch`. Plus the runner's --log (a log file the command writes).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../../src/core/load';
import type { Run } from '../../src/core/model';
import { LogWatcher, TrainingRun, type WatchEvent } from '../../src/runner';
import { real, REPO_ROOT } from '../helpers';
import { ensureCliBuilt } from './cliBuild';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-watch-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const steps = (run: Run, name = 'loss') => Array.from(run.series.get(name)?.steps.view() ?? []);
const values = (run: Run, name = 'loss') => Array.from(run.series.get(name)?.values.view() ?? []);
const lines = (from: number, to: number, loss = (s: number) => 1 / s) => {
  let out = '';
  for (let s = from; s <= to; s++) out += `step ${s}: loss ${loss(s).toFixed(4)}\n`;
  return out;
};

describe('LogWatcher on one file', () => {
  it('reads each appended point exactly once, across truncation and rotation (rename + new file)', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'file-'));
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, lines(1, 5));
    const events: WatchEvent[] = [];
    const w = new LogWatcher(file, { onEvent: e => events.push(e), useFsWatch: false, detectWaitMs: 0 });
    w.poll();
    expect(w.runs.length).toBe(1);
    const first = w.runs[0];
    expect(steps(first)).toEqual([1, 2, 3, 4, 5]);

    // Appends, one of them cut in the middle of a line.
    fs.appendFileSync(file, lines(6, 8));
    w.poll();
    fs.appendFileSync(file, 'step 9: lo');
    w.poll();
    expect(steps(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    fs.appendFileSync(file, 'ss 0.1111\n' + lines(10, 10));
    w.poll();
    w.poll(); // nothing new: nothing read twice
    expect(steps(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(values(first)[8]).toBeCloseTo(0.1111);

    // Truncation: the script restarted and rewrote its log.
    fs.writeFileSync(file, lines(1, 2, s => 9 - s));
    w.poll();
    expect(events.some(e => e.type === 'note' && /truncated/.test(e.message))).toBe(true);
    expect(w.runs.length).toBe(2);
    const second = w.runs[1];
    expect(steps(second)).toEqual([1, 2]);
    expect(values(second)).toEqual([8, 7]);
    expect(steps(first).length).toBe(10);

    // A rewrite that is already longer than what was read is noticed too (its first bytes changed).
    fs.writeFileSync(file, lines(1, 1, () => 5) + lines(2, 30, () => 4));
    w.poll();
    expect(events.some(e => e.type === 'note' && /rewritten/.test(e.message))).toBe(true);
    expect(w.runs.length).toBe(3);
    const third = w.runs[2];
    expect(steps(third).length).toBe(30);
    expect(values(third)[0]).toBe(5);

    // Rotation: the file is renamed, the writer still appends to it, then a new file appears.
    fs.renameSync(file, file + '.1');
    fs.appendFileSync(file + '.1', lines(31, 32, () => 3));
    w.poll();
    expect(events.some(e => e.type === 'note' && /moved or deleted/.test(e.message))).toBe(true);
    fs.appendFileSync(file + '.1', lines(33, 33, () => 3));
    fs.writeFileSync(file, lines(34, 36, () => 2));
    w.poll();
    expect(events.some(e => e.type === 'note' && /rotated/.test(e.message))).toBe(true);
    expect(steps(third)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
    expect(w.runs.length).toBe(4);
    expect(steps(w.runs[3])).toEqual([34, 35, 36]);
    fs.appendFileSync(file, lines(37, 37, () => 2));
    w.close();
    expect(steps(w.runs[3])).toEqual([34, 35, 36, 37]);

    // Every line written was read once: 10 + 2 + 33 + 4.
    const total = w.runs.reduce((n, r) => n + (r.series.get('loss')?.length ?? 0), 0);
    expect(total).toBe(49);
    const reasons = events.filter(e => e.type === 'run').map(e => (e as { reason: string }).reason);
    expect(reasons).toEqual(['opened', 'truncated', 'truncated', 'rotated']);
  });

  it('follows a file live (polling and fs.watch) and waits for one that does not exist yet', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'live-'));
    const file = path.join(dir, 'later.log');
    const notes: string[] = [];
    let data = 0;
    const w = new LogWatcher(file, {
      pollMs: 50,
      onEvent: e => {
        if (e.type === 'note') notes.push(e.message);
        if (e.type === 'data') data++;
      },
    });
    w.start();
    expect(notes[0]).toMatch(/waiting for .*later\.log to appear/);
    for (let s = 1; s <= 20; s++) {
      fs.appendFileSync(file, lines(s, s));
      await new Promise(r => setTimeout(r, 10));
    }
    const t0 = Date.now();
    while ((w.runs[0]?.series.get('loss')?.length ?? 0) < 20 && Date.now() - t0 < 3000) await new Promise(r => setTimeout(r, 20));
    w.close();
    expect(steps(w.runs[0])).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(data).toBeGreaterThan(1);
  });
});

describe('LogWatcher on a TensorBoard run directory', () => {
  it('picks up a new event file as it is written', async () => {
    const src = real('tfevents/tf1_magenta_tempo');
    const files = fs.readdirSync(src).filter(f => f.startsWith('events.out.tfevents.')).sort();
    expect(files.length).toBe(2);
    const dir = fs.mkdtempSync(path.join(tmp, 'tb-'));
    fs.copyFileSync(path.join(src, files[0]), path.join(dir, files[0]));
    const events: WatchEvent[] = [];
    const w = new LogWatcher(dir, { onEvent: e => events.push(e), useFsWatch: false });
    w.poll(true);
    expect(w.runs.length).toBe(1);

    // The second file arrives in two halves (a record may be cut in the middle).
    const second = fs.readFileSync(path.join(src, files[1]));
    const half = Math.floor(second.length / 2) + 3;
    fs.writeFileSync(path.join(dir, files[1]), second.subarray(0, half));
    w.poll(true); // a final-style poll forces the directory scan
    expect(events.some(e => e.type === 'note' && /new file picked up/.test(e.message))).toBe(true);
    fs.appendFileSync(path.join(dir, files[1]), second.subarray(half));
    w.poll();
    w.close();
    expect(w.runs.length).toBe(2);
    for (let i = 0; i < 2; i++) {
      const expected = (await readLogFile(path.join(src, files[i]))).runs[0];
      const got = w.runs[i];
      expect(got.format).toBe('tfevents');
      for (const [name, s] of expected.series) {
        expect(got.series.get(name)?.length, `${files[i]} ${name}`).toBe(s.length);
      }
    }
  });
});

describe('loss-lens watch (CLI)', () => {
  beforeAll(() => {
    ensureCliBuilt();
  });

  it('prints a finding as the log goes NaN and ends after --stop-after-idle', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
    const file = path.join(dir, 'train.log');
    fs.writeFileSync(file, lines(1, 30));
    const child = spawn(process.execPath, ['dist/cli.js', 'watch', file, '--stop-after-idle', '1.5', '--poll', '50'], {
      cwd: REPO_ROOT,
    });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    const code = new Promise<number | null>(r => child.on('exit', c => r(c)));
    await new Promise(r => setTimeout(r, 600));
    fs.appendFileSync(file, 'step 31: loss nan\nstep 32: loss nan\n');
    expect(await code).toBe(1); // an error finding, as analyze's default --fail-on error
    expect(out).toMatch(/following .*train\.log \(text\)/);
    expect(out).toMatch(/ERROR non-finite: .* loss @ step 31 \(line 31\)/);
    expect(out).toMatch(/train\.log: text, 1 series, 32 points, last step 32/);
  });

  it('exits 2 when there is nothing to read', () => {
    const r = spawnSync(
      process.execPath,
      ['dist/cli.js', 'watch', path.join(tmp, 'never-there.log'), '--stop-after-idle', '0.3'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 10_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/waiting for .*never-there\.log to appear/);
  });
});

describe('TrainingRun --log: a log file the command writes', () => {
  const writer = (file: string, mode: 'w' | 'a', body: string) => [
    '-e',
    `const fs=require('fs');const f=fs.openSync(${JSON.stringify(file)},${JSON.stringify(mode)});` +
      `const ls=${JSON.stringify(body)}.split('\\n').filter(Boolean);let i=0;` +
      `const t=setInterval(()=>{if(i>=ls.length){clearInterval(t);setTimeout(()=>{},30000);return}` +
      `fs.writeSync(f,ls[i++]+'\\n')},15);`,
  ];

  it('stops on a NaN in the followed file, not on stale content left from an earlier run', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'log-'));
    const log = path.join(dir, 'metrics.log');
    // Left over from a previous run that went NaN: must not stop this one.
    fs.writeFileSync(log, lines(1, 50) + 'step 51: loss nan\n');
    const run = new TrainingRun({
      command: process.execPath,
      args: writer(log, 'w', lines(1, 12) + 'step 13: loss nan\n'),
      cwd: dir,
      logFiles: ['metrics.log'],
      pollMs: 30,
      runsFolder: false,
      grace: { interruptMs: 500, terminateMs: 500 },
    });
    const r = await run.start();
    expect(r.stoppedBy?.kind).toBe('non-finite');
    expect(r.stoppedBy?.finding?.step).toBe(13);
    expect(r.stoppedBy?.finding?.source).toBe(log);
  });

  it('an appended log: the old part is history, only new NaN counts', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'log-'));
    const log = path.join(dir, 'metrics.log');
    fs.writeFileSync(log, lines(1, 20) + 'step 21: loss nan\n');
    const run = new TrainingRun({
      command: process.execPath,
      args: [
        '-e',
        `const fs=require('fs');let i=22;const t=setInterval(()=>{fs.appendFileSync(${JSON.stringify(log)},'step '+i+': loss 0.5\\n');if(++i>40){clearInterval(t)}},10)`,
      ],
      cwd: dir,
      logFiles: [log],
      pollMs: 30,
      runsFolder: false,
    });
    const r = await run.start();
    expect(r.status).toBe('exited');
    expect(r.stoppedBy).toBeUndefined();
    expect(r.reported.filter(f => f.kind === 'non-finite')).toEqual([]);
    const fileRun = run.runs.find(x => x.source === log)!;
    expect(fileRun.series.get('loss')?.length).toBe(40);
  });
});
