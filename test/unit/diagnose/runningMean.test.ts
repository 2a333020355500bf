/**
 * A loss logged as a per-epoch running mean (runningMean.ts) is judged on its epoch ends: its
 * epoch starts are not spikes. Recognised from the data only: on the judged corpus, exactly the
 * three logs that print such a mean are read so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, LiveDiagnoser } from '../../../src/core/diagnose';
import { RunningMeanTracker } from '../../../src/core/diagnose/runningMean';
import { DEFAULT_SETTINGS } from '../../../src/core/diagnose/settings';
import { loadPaths } from '../../../src/core/load';
import { REPO_ROOT } from '../../helpers';
import * as S from './scenarios';
import { growingCopy } from './synth';

const JUDGED = path.join(REPO_ROOT, 'test', 'fixtures', 'judged');
const LOSS = new Set(['train_loss', 'val_loss', 'loss_part']);

describe('a per-epoch running mean', () => {
  it('DSFD prints the running mean of its loss (`epoch:E || iter:N || Loss:X`): the epoch starts are no spikes', async () => {
    const { runs } = await loadPaths([path.join(JUDGED, 'text', 'dsfd-face.log')]);
    const run = runs[0];
    const loss = run.series.get('Loss')!;
    const read = new RunningMeanTracker().update(run, loss, DEFAULT_SETTINGS);
    expect(read).not.toBeNull();
    expect(read!.epochs).toBe(36);
    expect(read!.ends.length).toBe(36);
    // its parts are printed per batch
    for (const name of ['pal1 conf loss', 'pal1 loc loss', 'pal2 conf loss', 'pal2 loc loss']) {
      expect(new RunningMeanTracker().update(run, run.series.get(name)!, DEFAULT_SETTINGS), name).toBeNull();
    }
    const fs_ = diagnose(runs);
    expect(fs_.filter(f => f.series === 'Loss' && f.kind === 'loss-spike')).toEqual([]);
    // judged point by point, an epoch start is a spike
    const raw = diagnose(runs, { runningMeanDecay: Infinity });
    expect(raw.some(f => f.series === 'Loss' && f.kind === 'loss-spike')).toBe(true);
    // a finding on it says how it was judged, and quotes logged values
    const nc = fs_.find(f => f.series === 'Loss' && f.kind === 'not-converged');
    expect(nc?.message).toContain('"Loss" is a running mean that starts again each epoch; it was judged on its value at the end of each of 36 epochs.');
    expect(nc?.evidence.runningMeanEpochEnds).toBe(36);
    const zh = diagnose(runs, { lang: 'zh-cn' }).find(f => f.series === 'Loss' && f.kind === 'not-converged');
    expect(zh?.message).toContain('按其在 36 轮各自结束时的值判断');
  });

  it('is recognised in exactly three logs of the judged corpus', async () => {
    const found: string[] = [];
    for (const sub of ['text', 'structured']) {
      for (const f of fs.readdirSync(path.join(JUDGED, sub)).sort()) {
        if (f === 'MANIFEST.tsv') continue;
        const { runs } = await loadPaths([path.join(JUDGED, sub, f)]);
        for (const run of runs) {
          for (const s of run.series.values()) {
            if (!LOSS.has(s.role)) continue;
            if (new RunningMeanTracker().update(run, s, DEFAULT_SETTINGS)) found.push(`${sub}/${f}: ${s.name}`);
          }
        }
      }
    }
    expect(found).toEqual(['text/dsfd-face.log: Loss', 'text/liveness-mobilenet.log: train loss', 'text/transformer-pytorch-batch.log: Loss']);
  }, 120_000);

  it('a synthetic one: no spike at the epoch starts, the trend read on the epoch ends', () => {
    const run = S.runningMeanEpochs();
    const judged = diagnose([run]);
    expect(judged.filter(f => f.kind === 'loss-spike' || f.kind === 'plateau')).toEqual([]);
    const raw = diagnose([run], { runningMeanDecay: Infinity });
    expect(raw.filter(f => f.kind === 'loss-spike').length).toBeGreaterThan(0);
  });

  it('reads the same incrementally as in one go', () => {
    const full = S.runningMeanEpochs();
    const loss = full.series.get('loss')!;
    const once = new RunningMeanTracker().update(full, loss, DEFAULT_SETTINGS);
    expect(once).not.toBeNull();
    // the same points, appended a few at a time to an empty run of the same shape
    const grown = S.runningMeanEpochs(0);
    const g = grown.series.get('loss')!;
    const tr = new RunningMeanTracker();
    let last = null;
    for (let i = 0; i < loss.length; i++) {
      g.push(loss.steps.get(i), loss.values.get(i));
      if (i % 37 === 0 || i === loss.length - 1) last = tr.update(grown, g, DEFAULT_SETTINGS);
    }
    expect(last).toEqual(once);
  });

  it('live: a real log whose epochs come from its epoch series, fed as it grows, ends with the batch findings', async () => {
    const { runs } = await loadPaths([path.join(JUDGED, 'text', 'dsfd-face.log')]);
    const full = runs[0];
    const { run, grow } = growingCopy(full);
    const live = new LiveDiagnoser();
    let steps = 0;
    // the loss and the epoch series grow by shares of their lengths: an epoch's first loss
    // point may come before the epoch series says the epoch changed
    while (grow(97 + (steps++ % 5) * 61)) live.update(run);
    live.update(run);
    const stable = (fs: { kind: string; series: string; step: number; message: string }[]): string =>
      fs.map(f => `${f.kind}|${f.series}|${f.step}|${f.message}`).sort().join('\n');
    expect(stable(live.findings())).toBe(stable(diagnose([full])));
    expect(live.findings().some(f => f.series === 'Loss' && f.kind === 'not-converged')).toBe(true);
  });
});
