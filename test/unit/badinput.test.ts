/**
 * Bad input, end to end through the loader: never a crash or a hang, never a silent wrong
 * answer; each problem reported once with its file and line or byte offset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPaths } from '../../src/core/load';
import { real, scratchDir } from '../helpers';

const CAMELS = real('tfevents/lightning_camels/events.out.tfevents.1740927185.2e70dc9cc425.45742.0');

const tmp = scratchDir('loss-lens-bad-');
const write = tmp.write;


async function timed<T>(fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const r = await fn();
  expect(Date.now() - t0).toBeLessThan(5000);
  return r;
}

describe('bad input', () => {
  it('an empty file is a clear error', async () => {
    const f = write('empty.log', '');
    const r = await timed(() => loadPaths([f]));
    expect(r.runs).toEqual([]);
    expect(r.problems).toEqual([{ source: f, message: 'the file is empty' }]);
  });

  it('binary garbage is a clear error', async () => {
    const g = new Uint8Array(100_000);
    let x = 1;
    for (let i = 0; i < g.length; i++) g[i] = (x = (x * 48271) % 2147483647) & 0xff;
    const f = write('garbage.log', g);
    const r = await timed(() => loadPaths([f]));
    expect(r.runs).toEqual([]);
    expect(r.problems[0].message).toMatch(/binary/);
  });

  it('a Git LFS pointer saved under an event-file name says so and how to fix it', async () => {
    const f = real('tfevents/lfs_pointer/events.out.tfevents.1674944078.gpu07.cyverse.org.12415.0');
    const r = await timed(() => loadPaths([f]));
    expect(r.runs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].message).toMatch(/Git LFS pointer/);
  });

  it('a truncated event file keeps every complete record and reports the cut once', async () => {
    const data = fs.readFileSync(CAMELS);
    const f = write('trunc/events.out.tfevents.1.host.1.0', data.subarray(0, data.length - 37));
    const whole = await loadPaths([CAMELS]);
    const r = await timed(() => loadPaths([f]));
    expect(r.problems).toEqual([]);
    expect(r.runs).toHaveLength(1);
    const truncated = r.runs[0].events.filter(e => e.type === 'truncated');
    expect(truncated).toHaveLength(1);
    const total = (runs: typeof r.runs) => [...runs[0].series.values()].reduce((a, s) => a + s.length, 0);
    expect(total(r.runs)).toBeGreaterThan(total(whole.runs) - 5);
    expect(total(r.runs)).toBeLessThanOrEqual(total(whole.runs));
  });

  it('a CRC mismatch skips that record, reports its offset, and reading goes on', async () => {
    const data = new Uint8Array(fs.readFileSync(CAMELS));
    // Flip a byte in the middle of the file (inside some record's payload or header).
    data[Math.floor(data.length / 2)] ^= 0x5a;
    const f = write('crc/events.out.tfevents.2.host.1.0', data);
    const whole = await loadPaths([CAMELS]);
    const r = await timed(() => loadPaths([f]));
    expect(r.runs).toHaveLength(1);
    const bad = r.runs[0].events.filter(e => e.type === 'malformed');
    expect(bad.length).toBeGreaterThanOrEqual(1);
    expect(bad.every(e => e.type === 'malformed' && typeof e.offset === 'number')).toBe(true);
    const total = (runs: typeof r.runs) => [...runs[0].series.values()].reduce((a, s) => a + s.length, 0);
    expect(total(r.runs)).toBeGreaterThan(total(whole.runs) * 0.9);
  });

  it('invalid UTF-8 in a text log is read around, not fatal', async () => {
    const enc = new TextEncoder();
    const parts = [enc.encode('Epoch 1: Train Loss = 0.5, Val Loss = 0.6\n'), new Uint8Array([0xff, 0xfe, 0xc3, 0x0a]), enc.encode('Epoch 2: Train Loss = 0.4, Val Loss = 0.55\n')];
    const f = write('utf8.log', Buffer.concat(parts));
    const r = await timed(() => loadPaths([f]));
    expect(r.problems).toEqual([]);
    expect(r.runs[0].series.get('Train Loss')?.length).toBe(2);
  });

  it('a ragged CSV keeps the good rows and reports each bad row with its line', async () => {
    const f = write('ragged.csv', 'step,loss,val_loss\n1,0.9,1.0\n2,0.8\n3,0.7,0.9,99\n4,0.6,0.8\n');
    const r = await timed(() => loadPaths([f]));
    expect(r.problems).toEqual([]);
    expect(r.runs[0].series.get('loss')?.length).toBe(4);
    const bad = r.runs[0].events.filter(e => e.type === 'malformed');
    expect(bad.map(e => e.type === 'malformed' && e.line)).toEqual([3, 4]);
  });

  it('a 5 MB single line is not a hang', async () => {
    const f = write('oneline.log', 'loss=0.5 '.repeat(600_000));
    const r = await timed(() => loadPaths([f]));
    expect(r.problems.length + r.runs.length).toBeGreaterThan(0);
  });

  it('a missing path is a clear error and the other inputs are still read', async () => {
    const good = write('good.csv', 'step,loss\n1,0.5\n2,0.4\n');
    const r = await loadPaths([path.join(tmp.path(), 'nope.log'), good]);
    expect(r.problems).toEqual([{ source: path.join(tmp.path(), 'nope.log'), message: 'cannot read: no such file or directory' }]);
    expect(r.runs).toHaveLength(1);
  });

  it('a log without any metric says so', async () => {
    const r = await loadPaths([real('stdout/yolov5_wandb_output.log')]);
    expect(r.runs).toEqual([]);
    expect(r.problems[0].message).toBe('no training metrics found in this file');
  });
});
