/**
 * LiveDiagnoser: feeding a run as it grows, in random chunks, ends with exactly the findings of
 * the batch engine; added / updated / removed describe the changes between updates.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, LiveDiagnoser, summarize } from '../../../src/core/diagnose';
import { createRun, Series, type Run } from '../../../src/core/model';
import * as S from './scenarios';
import { gauss, growingCopy, rng } from './synth';

/** A random run: trend, noise, spikes, NaN patches, zeros, a schedule, parts, maybe a restart. */
function randomRun(seed: number): Run {
  const u = rng(seed);
  const g = gauss(rng(seed + 1000));
  const n = 200 + Math.floor(u() * 1800);
  const run = createRun(`random-${seed}.log`, 'text');
  const loss = new Series('loss');
  const val = new Series('val_loss');
  const lr = new Series('lr');
  const gn = new Series('grad_norm');
  const p1 = new Series('loss_cls', 'loss_part');
  const p2 = new Series('loss_box', 'loss_part');
  const acc = new Series('val_accuracy');
  const tau = 50 + u() * n;
  const floor = 0.05 + u();
  const noise = 0.02 + u() * 0.4;
  const sched = Math.floor(u() * 4);
  const restartAt = u() < 0.3 ? Math.floor(n * (0.3 + 0.4 * u())) : -1;
  const fresh = u() < 0.5;
  const divergeAt = u() < 0.2 ? Math.floor(n * (0.5 + 0.4 * u())) : -1;
  const valEvery = 5 + Math.floor(u() * 50);
  let step = 0;
  for (let i = 0; i < n; i++) {
    if (i === restartAt) step = fresh ? 0 : Math.max(0, step - Math.floor(50 + u() * 200));
    let v = floor + 2 * Math.exp(-i / tau);
    if (divergeAt >= 0 && i > divergeAt) v *= Math.exp((i - divergeAt) / 100);
    v *= Math.exp(noise * g());
    if (u() < 0.003) v *= 3 + 5 * u();
    if (u() < 0.002) v = NaN;
    if (u() < 0.001) v = 0;
    if (u() < 0.0005) v = Infinity;
    loss.push(step, v, undefined, i + 1);
    p1.push(step, v * 0.7, undefined, i + 1);
    p2.push(step, v * (0.3 + 0.2 * u()), undefined, i + 1);
    const l = sched === 0 ? 1e-3 : sched === 1 ? (i < n / 2 ? 0.1 : 0.01) : sched === 2 ? 1e-3 * (0.5 + 0.5 * Math.cos((Math.PI * i) / n)) : 1e-7 * Math.pow(1e7, i / n);
    lr.push(step, l);
    gn.push(step, u() < 0.002 ? NaN : (1 + Math.exp(-i / tau)) * Math.exp(0.3 * g()));
    if (i % valEvery === valEvery - 1) {
      val.push(step, (floor + 0.1 + 2 * Math.exp(-i / tau) + (u() < 0.5 ? 0.0005 * i : 0)) * Math.exp(0.02 * g()));
      acc.push(step, Math.min(1, 0.5 + 0.4 * (1 - Math.exp(-i / tau)) + 0.02 * g()));
    }
    step += 1 + Math.floor(u() * 3);
  }
  for (const s of [loss, val, lr, gn, p1, p2, acc]) run.series.set(s.name, s);
  return run;
}

function replayLive(full: Run, seed: number): { live: LiveDiagnoser; run: Run; updates: number } {
  const u = rng(seed);
  const { run, grow } = growingCopy(full);
  const live = new LiveDiagnoser();
  let total = 0;
  for (const s of full.series.values()) total = Math.max(total, s.length);
  const big = Math.max(20, Math.ceil(total / 12));
  let updates = 0;
  let more = true;
  while (more) {
    // a mix of tiny appends (single points) and large ones
    more = grow(1 + Math.floor(u() * (u() < 0.2 ? 5 : big)));
    live.update(run);
    updates++;
  }
  return { live, run, updates };
}

const stable = (x: unknown) => JSON.stringify(x);

describe('LiveDiagnoser', () => {
  it('equals the batch engine on every scenario, fed in random chunks', () => {
    let k = 0;
    for (const [name, make] of Object.entries(S)) {
      const full = (make as () => Run)();
      const { live, run } = replayLive(full, 100 + k++);
      expect(stable(live.findings()), name).toBe(stable(diagnose([run])));
      expect(stable(diagnose([run])), name).toBe(stable(diagnose([full])));
    }
  });

  it('equals the batch engine on 30 random runs with NaN, zeros, spikes, schedules and restarts', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const full = randomRun(seed);
      const { live, run } = replayLive(full, seed * 7);
      expect(stable(live.findings()), `seed ${seed}`).toBe(stable(diagnose([full])));
      expect(stable(live.summary(run))).toBe(stable(summarize(full, diagnose([full]))));
    }
  });

  it('a long still-falling loss: the not-converged forecast (memoised on a grid of prefix lengths) is the batch one', () => {
    const full = createRun('long', 'text', 'long');
    const s = new Series('loss');
    full.series.set('loss', s);
    const g = gauss(rng(5));
    for (let i = 1; i <= 20_000; i++) s.push(i, (0.3 + 2 * Math.pow(i / 200, -0.5)) * (1 + 0.05 * g()));
    const { live, run, updates } = replayLive(full, 77);
    expect(updates).toBeGreaterThan(20);
    const batch = diagnose([full]);
    const nc = batch.find(f => f.kind === 'not-converged');
    expect(nc?.message).toMatch(/expect [0-9.e-]+ \([0-9.e-]+–[0-9.e-]+, 80% interval\)/);
    expect(stable(live.findings())).toBe(stable(batch));
    expect(stable(diagnose([run]))).toBe(stable(batch));
  });

  it('reports added, updated and removed findings with stable ids', () => {
    const full = S.divergence();
    const { run, grow } = growingCopy(full);
    const live = new LiveDiagnoser();
    const seen = new Map<string, string>();
    let addedDivergence = 0;
    let more = true;
    while (more) {
      more = grow(250);
      const up = live.update(run);
      for (const f of up.added) {
        expect(seen.has(f.id!)).toBe(false);
        seen.set(f.id!, f.kind);
        if (f.kind === 'divergence') addedDivergence++;
      }
      for (const f of up.updated) expect(seen.has(f.id!)).toBe(true);
      for (const f of up.removed) seen.delete(f.id!);
      expect(new Set(up.all.map(f => f.id))).toEqual(new Set(seen.keys()));
    }
    expect(addedDivergence).toBe(1);
  });

  it('follows several runs', () => {
    const a = S.overfit();
    const b = S.singleSpike();
    const live = new LiveDiagnoser();
    live.update(a);
    const up = live.update(b);
    expect(stable(up.all)).toBe(stable([...diagnose([a]), ...diagnose([b])]));
  });

  it('speaks Chinese when asked', () => {
    const live = new LiveDiagnoser({ lang: 'zh-cn' });
    const up = live.update(S.nanAt1200());
    const f = up.all.find(x => x.kind === 'non-finite')!;
    expect(f.message).toContain('第 1200 步');
    expect(f.fixes[0].title).toBe('降低学习率');
  });
});
