/**
 * Issue #14 (hardening), through the loader and the parsers: non-regular files, inputs from
 * which nothing can be read, UTF-16 logs, bare-CR JSON lines, non-finite steps, radix literals.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNumber } from '../../src/core/formats/numbers';
import { loadPaths } from '../../src/core/load';
import { counts, parseText, scratchDir } from '../helpers';

const tmp = scratchDir('loss-lens-harden-');
const write = tmp.write;


function losses(n: number, line: (i: number, v: number) => string): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += line(i, 2 * Math.exp(-i / 30) + 0.1);
  return s;
}

const posix = process.platform !== 'win32';

describe('non-regular files (#14.6)', () => {
  it.runIf(posix)('a FIFO given as PATH is refused at once, not read for ever', async () => {
    const fifo = path.join(tmp.path(), 'pipe.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const t0 = Date.now();
    const r = await loadPaths([fifo]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.runs).toEqual([]);
    expect(r.problems).toEqual([{ source: fifo, message: expect.stringContaining('not a regular file (a named pipe)') }]);
  });

  it.runIf(posix)('a character device given as PATH is refused', async () => {
    const r = await loadPaths(['/dev/zero']);
    expect(r.problems[0].message).toContain('not a regular file (a character device)');
  });
});

describe('nothing readable is a problem (#14.5)', () => {
  it('a directory of garbage logs gives a problem naming why, not "0 runs"', async () => {
    const bytes = new Uint8Array(2048).map((_, i) => (i * 131 + 7) & 0xff);
    write('garbage/a.log', bytes);
    write('garbage/b.csv', 'hello\nworld\n');
    const r = await loadPaths([path.join(tmp.path(), 'garbage')]);
    expect(r.runs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].source).toBe(path.join(tmp.path(), 'garbage'));
    expect(r.problems[0].message).toMatch(/nothing could be read from this directory: 2 log source\(s\) found/);
    expect(r.problems[0].message).toContain('a.log: binary data');
  });

  it('an MLflow store whose runs have no metrics is a problem', async () => {
    const store = path.join(tmp.path(), 'mlruns-empty');
    write('mlruns-empty/1/meta.yaml', 'experiment_id: "1"\nname: e\n');
    write('mlruns-empty/1/r1/meta.yaml', 'run_id: r1\nexperiment_id: "1"\n');
    write('mlruns-empty/1/r1/params/lr', '0.1');
    const r = await loadPaths([store]);
    expect(r.runs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].message).toContain('MLflow store .: 1 run(s), none with metrics');
  });

  it('a directory with one good log and one bad one is fine (the bad one is not explicit)', async () => {
    write('mixed/a.log', new Uint8Array(100).fill(1));
    write('mixed/b.jsonl', losses(20, (i, v) => JSON.stringify({ step: i, loss: v }) + '\n'));
    const r = await loadPaths([path.join(tmp.path(), 'mixed')]);
    expect(r.runs).toHaveLength(1);
    expect(r.problems).toEqual([]);
  });
});

describe('encodings and numbers (#14.8)', () => {
  // Characters of two and four bytes in UTF-16 (the emoji), split between chunks of odd sizes.
  const csv = 'step,loss,lössé😀\n' + losses(40, (i, v) => `${i},${v},${v}\n`);
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]);
  const be = Buffer.from(le);
  for (let i = 0; i + 1 < be.length; i += 2) [be[i], be[i + 1]] = [le[i + 1], le[i]];

  it.each([
    ['LE', le],
    ['BE', be],
  ])('UTF-16 %s with a byte-order mark is decoded, whatever the chunk size', async (name, bytes) => {
    const f = write(`ps-${name}.csv`, bytes);
    for (const chunkSize of [3, 7, 1 << 20]) {
      const r = await loadPaths([f], { chunkSize, threads: false });
      expect(r.problems).toEqual([]);
      expect(counts(r.runs[0])).toEqual({ loss: 40, 'lössé😀': 40 });
      expect(r.runs[0].series.get('loss')!.values.get(0)).toBeCloseTo(2 * Math.exp(-1 / 30) + 0.1, 12);
    }
  });

  it('a text log in UTF-16 LE is read as text', async () => {
    const f = write('train16.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(losses(30, (i, v) => `step ${i} loss ${v}\n`), 'utf16le')]));
    const r = await loadPaths([f]);
    expect(r.runs[0]?.format).toBe('text');
    expect(r.runs[0].series.get('loss')?.length).toBe(30);
  });

  it('JSON lines ended by a bare CR are read, in any chunking; CRLF and LF are unchanged', () => {
    const body = (end: string) => losses(40, (i, v) => JSON.stringify({ step: i, loss: v }) + end);
    for (const chunk of [1, 2, 5, 64 * 1024]) {
      for (const end of ['\r', '\r\n', '\n']) {
        const runs = parseText('jsonl', body(end), chunk);
        expect(counts(runs[0]), `end ${JSON.stringify(end)}, chunk ${chunk}`).toEqual({ loss: 40 });
        const s = runs[0].series.get('loss')!;
        expect(s.lines!.get(39)).toBe(40);
        expect(runs[0].events.filter(e => e.type === 'malformed')).toEqual([]);
      }
    }
  });

  it('a step of 1e309 (Infinity) is not accepted: the record is reported and skipped', () => {
    const text = losses(10, (i, v) => JSON.stringify({ step: i, loss: v }) + '\n') + '{"step": 1e309, "loss": 0.5}\n{"step": -1e999, "loss": 0.5}\n';
    const run = parseText('jsonl', text)[0];
    const s = run.series.get('loss')!;
    expect(s.length).toBe(10);
    expect(s.lastStep()).toBe(10);
    const bad = run.events.filter(e => e.type === 'malformed');
    expect(bad.map(e => (e.type === 'malformed' ? e.line : 0))).toEqual([11, 12]);
  });

  it('0x10, 0b11 and 0o7 are not numbers; ordinary spellings still are', () => {
    for (const s of ['0x10', '0X1f', '0b11', '0o7', ' 0x10 ', '"0x10"']) expect(parseNumber(s), s).toBeUndefined();
    expect(parseNumber('0.5')).toBe(0.5);
    expect(parseNumber('0')).toBe(0);
    expect(parseNumber('0e5')).toBe(0);
    expect(parseNumber('-0.25')).toBe(-0.25);
    expect(parseNumber('inf')).toBe(Infinity);
    const run = parseText('csv', 'step,loss\n1,0.5\n2,0x10\n3,0.4\n')[0];
    expect([...run.series.get('loss')!.values.view()]).toEqual([0.5, 0.4]);
  });
});
