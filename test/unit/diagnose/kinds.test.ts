/**
 * Every finding kind: at least one run where it must fire (with its onset checked) and one
 * near-miss where it must not. All runs are synthetic and seeded (see scenarios.ts).
 */
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, type FindingKind } from '../../../src/core/diagnose';
import { createRun, Series } from '../../../src/core/model';
import * as S from './scenarios';
import { makeRun } from './synth';

const run = (r: ReturnType<typeof createRun>) => diagnose([r]);
const of = (fs: Finding[], kind: FindingKind) => fs.filter(f => f.kind === kind);
const aboveInfo = (fs: Finding[]) => fs.filter(f => f.severity !== 'info');

describe('healthy runs', () => {
  it('a noisy but healthy minibatch loss raises nothing above info', () => {
    for (const seed of [1, 2, 3]) {
      const fs = run(S.healthy(20000, seed));
      expect(aboveInfo(fs), JSON.stringify(fs.map(f => f.message))).toEqual([]);
      expect(of(fs, 'loss-spike')).toEqual([]);
      expect(of(fs, 'oscillation')).toEqual([]);
    }
  });

  it('a very noisy plateau after early convergence is not oscillation, plateau or no-learning', () => {
    const fs = run(S.noisyPlateau());
    expect(aboveInfo(fs)).toEqual([]);
    expect(of(fs, 'oscillation')).toEqual([]);
    expect(of(fs, 'no-learning')).toEqual([]);
  });

  it('every finding carries evidence, fixes and a confidence in 0..1', () => {
    for (const r of [S.divergence(), S.overfit(), S.singleSpike(), S.chanceLevel(), S.imbalanced(), S.rangeTest()]) {
      for (const f of run(r)) {
        expect(Object.keys(f.evidence).length).toBeGreaterThan(0);
        expect(f.fixes.length).toBeGreaterThan(0);
        expect(f.confidence).toBeGreaterThanOrEqual(0);
        expect(f.confidence).toBeLessThanOrEqual(1);
        expect(Number.isFinite(f.step)).toBe(true);
        expect(f.title.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('non-finite', () => {
  it('reports the exact first NaN step and its source line', () => {
    const fs = of(run(S.nanAt1200()), 'non-finite');
    expect(fs).toHaveLength(1);
    expect(fs[0].step).toBe(1200);
    expect(fs[0].line).toBe(1300);
    expect(fs[0].severity).toBe('error');
    expect(fs[0].evidence.count).toBe(800);
    expect(fs[0].message).toContain('step 1200');
    expect(fs[0].fixes[0].title).toMatch(/learning rate/i);
    expect(fs[0].fixes.some(f => f.code?.includes('clip_grad_norm_'))).toBe(true);
  });

  it('finds NaN masked as a 0.0 loss while the gradient norm is NaN (HF logging filter)', () => {
    const fs = of(run(S.maskedNaN()), 'non-finite');
    const masked = fs.find(f => f.evidence.masked === true);
    expect(masked).toBeDefined();
    expect(masked!.series).toBe('loss');
    expect(masked!.step).toBe(710);
    expect(masked!.line).toBe(170);
    expect(masked!.severity).toBe('error');
    expect(masked!.evidence.gradSeries).toBe('grad_norm');
  });

  it('a run that ended NaN and was started again is not "finite again" (the finite values are the next run\'s)', () => {
    // four Keras runs in one README (U-Net): the BCE runs NaN from their first to their last
    // epoch, the Dice runs after them finite
    const r = createRun('runs.md', 'text');
    const loss = new Series('loss', 'train_loss');
    for (let e = 1; e <= 15; e++) loss.push(e, NaN);
    for (let e = 1; e <= 15; e++) loss.push(e, 0.5 * Math.exp(-e / 5) + 0.1);
    r.series.set('loss', loss);
    const f = of(run(r), 'non-finite');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('error');
    expect(f[0].message).toContain('It stayed non-finite to the end of its run; the log then starts again at step 1.');
    expect(f[0].message).not.toContain('finite again');
  });

  it('a loss of exactly 0.0 with finite gradient norms is not a NaN', () => {
    expect(of(run(S.zeroLossFiniteGrad()), 'non-finite')).toEqual([]);
  });

  it('isolated Inf gradient norms (mixed-precision skips) are info only', () => {
    const fs = of(run(S.ampOverflow()), 'non-finite');
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe('info');
    expect(fs[0].step).toBe(800);
  });
});

describe('divergence and loss spikes', () => {

  it('the first value of a resumed run is no spike of a short series (steps went back before it)', () => {
    // per-epoch HF losses of two runs appended: 0.0014 at epoch 2.8, then a fresh run's 0.1373 at 2.21
    const steps = [0.22, 0.43, 0.65, 0.87, 1.08, 1.3, 1.51, 1.72, 1.94, 2.16, 2.37, 2.59, 2.8, 2.21, 4.42, 6.63, 8.85];
    const vals = [1.6, 0.07, 0.02, 0.012, 0.009, 0.007, 0.005, 0.0032, 0.0027, 0.0022, 0.002, 0.0016, 0.0014, 0.1373, 0.0276, 0.01, 0.006];
    const r = makeRun([{ name: 'loss', f: i => vals[i], n: vals.length }], 1);
    const fresh = makeRun([], 1);
    const t = new Series('loss');
    steps.forEach((x, i) => t.push(x, vals[i]));
    fresh.series.set('loss', t);
    expect(of(run(fresh), 'loss-spike')).toEqual([]);
    // the same values on steps that never go back: a spike
    expect(of(run(r), 'loss-spike')).toHaveLength(1);
  });

  it('a per-epoch validation loss that blows up over one or two evaluations has spikes, quoted from the logged values', () => {
    // Keras 3 fit(): val_loss 0.09 -> 7.33, 9.38 -> 0.16 (two evaluations), and 0.55, 3.31 earlier
    const val = [1.345, 0.151, 0.154, 0.55, 3.31, 0.0677, 0.0533, 0.0899, 7.33, 9.38, 0.159, 0.125, 0.0268, 0.0251, 0.0855, 0.024, 0.0334, 0.0392, 0.0511, 0.0387, 0.0489, 0.0397, 0.039, 0.0392, 0.036, 0.0724];
    const train = val.map((_, i) => 0.365 * Math.pow(0.82, i));
    const r = makeRun([{ name: 'loss', f: i => train[i], n: val.length }, { name: 'val_loss', f: i => val[i], n: val.length }], 1);
    const sp = of(run(r), 'loss-spike').filter(f => f.series === 'val_loss');
    expect(sp.map(f => f.evidence.peak)).toEqual([3.31, 9.38, 0.0855]);
    expect(sp[1].evidence).toMatchObject({ before: 0.0899, after: 0.159, values: 2 });
    expect(sp[1].message).toContain('steps 8–9 stayed 46×');
    // a series that jumps like that all the time is erratic, not spiking
    const erratic = val.map((v, i) => (i % 3 === 1 ? v * 20 : v));
    const r2 = makeRun([{ name: 'loss', f: i => train[i], n: val.length }, { name: 'val_loss', f: i => erratic[i], n: val.length }], 1);
    expect(of(run(r2), 'loss-spike').filter(f => f.series === 'val_loss')).toEqual([]);
  });

  it("a validation loss whose first evaluation is far above anything training saw still has its later blow-ups", () => {
    // keras-yolo3: val_loss 1.9e8 at epoch 1 (training loss 5657), then about 50 with blow-ups
    // to 1757 and 1033; measured from 1.9e8 every later jump would be "tiny"
    const val = [1.92e8, 6.79e7, 2.2e6, 4.97e5, 2.3e5, 2.38e4, 1024, 374, 610, 508, 190, 143, 161, 145, 154, 120, 108, 106, 85, 90];
    for (let i = 0; i < 40; i++) val.push(i === 19 ? 922 : i === 20 ? 1757 : i === 27 ? 1033 : 58 - 0.2 * i + (i % 3));
    const train = val.map((_, i) => 45 + 5600 * Math.pow(0.55, i));
    const r = makeRun([{ name: 'loss', f: i => train[i], n: val.length }, { name: 'val_loss', f: i => val[i], n: val.length }], 1);
    const sp = of(run(r), 'loss-spike').filter(f => f.series === 'val_loss');
    expect(sp.map(f => f.evidence.peak)).toEqual([1757, 1033]);
    // the same blow-ups 1,000x smaller are tiny against a training loss that fell from 5657
    const small = val.map((v, i) => (i >= 20 ? 58 + (v - 58) / 1000 : v));
    const r2 = makeRun([{ name: 'loss', f: i => train[i], n: val.length }, { name: 'val_loss', f: i => small[i], n: val.length }], 1);
    expect(of(run(r2), 'loss-spike').filter(f => f.series === 'val_loss')).toEqual([]);
  });

  it('near misses of its thresholds: each fires at the default and not with that threshold moved by a fifth', () => {
    const div = (r: ReturnType<typeof createRun>, o = {}) => of(diagnose([r], o), 'divergence');
    // 27 of the last 32 values above the best (84 %): divergenceTailShare 0.8
    expect(div(S.divergenceWithDips())).toHaveLength(1);
    expect(div(S.divergenceWithDips(), { divergenceTailShare: 0.9 })).toEqual([]);
    // 3 values at 3.2-3.5x the lowest, the one before them not: divergenceShortRatio 3, divergenceShortPoints 3
    expect(div(S.shortDivergence())).toHaveLength(1);
    expect(div(S.shortDivergence(), { divergenceShortRatio: 3.3 })).toEqual([]);
    expect(div(S.shortDivergence(), { divergenceShortPoints: 4 })).toEqual([]);
    // 22 logged values of excursion at the end: divergenceMinPoints 20
    expect(div(S.lateSmallDivergence())).toHaveLength(1);
    expect(div(S.lateSmallDivergence(), { divergenceMinPoints: 24 })).toEqual([]);
  });
  it('a sustained rise that never recovers is divergence, with its onset', () => {
    const fs = run(S.divergence());
    const d = of(fs, 'divergence');
    expect(d).toHaveLength(1);
    expect(d[0].severity).toBe('error');
    expect(d[0].step).toBeGreaterThanOrEqual(2900);
    expect(d[0].step).toBeLessThanOrEqual(3200);
    expect(of(fs, 'loss-spike')).toEqual([]);
  });

  it('a loss that learned, rose 2x for a while and came back is a divergence warning; a rise in the first steps is not', () => {
    const d = of(run(S.recoveredAfterHalving()), 'divergence');
    expect(d).toHaveLength(1);
    expect(d[0].severity).toBe('warning');
    expect(d[0].evidence).toMatchObject({ rule: 'recovered', onsetStep: 100, backStep: 140, points: 40 });
    expect(d[0].evidence.level as number).toBeCloseTo(1.0, 1);
    expect(d[0].message).toMatch(/rose from 0\.48\d* around step 9\d to 1 over steps 100–139 .*then came back\.$/);
    // an mmdet warmup: 0.47 -> 0.40 -> 1.38 in the first 60 iterations, then a slow fall
    const warm = makeRun([{ name: 'loss', f: i => (i < 8 ? 0.47 - 0.01 * i : i < 60 ? 0.4 + 0.98 * ((i - 8) / 52) : 0.6 + 0.78 * Math.exp(-(i - 60) / 150)), n: 1200, noise: 0.01 }], 2);
    expect(of(run(warm), 'divergence')).toEqual([]);
  });

  it('a rise where a loss term that was 0 switches on is the objective changing, not divergence', () => {
    // a clustering method's stage 2: its pseudo-label term is 0 for the first 100 steps, then on;
    // the total jumps from 0.48 to 1 and falls back when the next stage ends it
    const total = { name: 'loss', f: (i: number) => (i >= 100 && i < 140 ? 1.0 : 0.48 + 0.52 * Math.exp(-i / 15)), n: 300, noise: 0.01 };
    const term = (on: (i: number) => boolean) => ({ name: 'cluster_loss', role: 'loss_part' as const, f: (i: number) => (on(i) ? 0.5 : 0), n: 300 });
    const staged = makeRun([total, term(i => i >= 100 && i < 140)], 6);
    expect(of(run(staged), 'divergence')).toEqual([]);
    // the same rise while the term was on all along (or never was) is still divergence
    expect(of(run(makeRun([total, term(() => true)], 6)), 'divergence')).toHaveLength(1);
    expect(of(run(makeRun([total, term(() => false)], 6)), 'divergence')).toHaveLength(1);
  });

  it('a heavy-tailed per-batch cost whose first values are small is not divergence', () => {
    // a captioner's cost per minibatch, 14 to 600 with the caption's length: 19, 528, 21, 14, …
    const first = [19.1, 528, 21.1, 14.3];
    const r = makeRun([{ name: 'Cost', f: i => (i < first.length ? first[i] : 100 * Math.exp(-i / 2000)), n: 500, noise: 1 }], 7);
    expect(of(run(r), 'divergence')).toEqual([]);
    // the same start, then a real rise far above everything logged before it
    const up = makeRun([{ name: 'Cost', f: i => (i < first.length ? first[i] : i < 200 ? 100 : 100000), n: 500, noise: 1 }], 7);
    expect(of(run(up), 'divergence')).toHaveLength(1);
  });

  it('a jump that stays up for the last 20 values is divergence, though the smoothed level lags it', () => {
    // a resumed autoencoder: 80 epochs 1.4e-4 -> 2.6e-5, then 9.5e-4, 8.5e-3 and 20 values ~6.7e-3
    const v: number[] = [];
    for (let i = 0; i < 80; i++) v.push(2.6e-5 + 1.1e-4 * Math.exp(-i / 6));
    for (let i = 0; i < 20; i++) v.push(i === 0 ? 9.5e-4 : i === 1 ? 8.5e-3 : 6.7e-3 * (1 + 0.01 * (i % 3)));
    const r = makeRun([{ name: 'loss', f: i => v[i], n: v.length }], 1);
    const d = of(run(r), 'divergence');
    expect(d).toHaveLength(1);
    expect(d[0].severity).toBe('error');
    expect(d[0].message).toContain('over its last 20 values');
    // 15 values up at the end are too few (divergenceMinPoints 20)
    const short = makeRun([{ name: 'loss', f: i => v[i], n: 95 }], 1);
    expect(of(run(short), 'divergence')).toEqual([]);
  });

  it('one odd first value is not the best level every later point diverges from', () => {
    // a GAN's generator loss logged 4.8e-4 at iteration 0, then 0.67 falling to 0.25
    const r = makeRun([{ name: 'g_loss', f: i => (i === 0 ? 4.82e-4 : 0.25 + 0.42 * Math.exp(-i / 80)), n: 400, noise: 0.15 }], 3);
    expect(of(run(r), 'divergence')).toEqual([]);
    // the same from its second value on: a divergence from the start still is one
    const d = makeRun([{ name: 'loss', f: i => (i < 3 ? 0.5 : 0.5 * Math.min(20, 1 + i / 10)), n: 400, noise: 0.02 }], 3);
    expect(of(run(d), 'divergence')).toHaveLength(1);
  });

  it('a single recovering spike is a loss-spike, not divergence', () => {
    const fs = run(S.singleSpike());
    const sp = of(fs, 'loss-spike');
    expect(sp).toHaveLength(1);
    expect(sp[0].step).toBeGreaterThanOrEqual(1000);
    expect(sp[0].step).toBeLessThanOrEqual(1002);
    expect(sp[0].evidence.steps).toEqual([sp[0].step]);
    expect(sp[0].evidence.count).toBe(1);
    expect(of(fs, 'divergence')).toEqual([]);
  });

  it('lists every spike step in evidence when there are several', () => {
    const r = makeRun([{ name: 'loss', f: i => ([700, 1500, 2600, 3300].includes(i) ? 6 : 1) * (0.3 + 2 * Math.exp(-i / 800)), n: 4000, noise: 0.1 }], 40);
    const sp = of(run(r), 'loss-spike');
    expect(sp.length).toBe(4);
    expect(sp[0].evidence.steps).toEqual([700, 1500, 2600, 3300]);
    expect(sp.every(f => f.severity === 'warning')).toBe(true);
  });

  it('LR step drops produce no spike and no plateau', () => {
    const fs = run(S.stepSchedule());
    expect(of(fs, 'loss-spike')).toEqual([]);
    expect(of(fs, 'plateau')).toEqual([]);
    expect(aboveInfo(fs)).toEqual([]);
  });

  it('warm restarts of the LR produce no spike and no divergence', () => {
    const fs = run(S.warmRestarts());
    expect(of(fs, 'loss-spike')).toEqual([]);
    expect(of(fs, 'divergence')).toEqual([]);
  });

  it('a minibatch loss whose noise grows as it falls has no spikes (the noise level keeps up)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const fs = run(S.growingNoise(seed));
      expect(of(fs, 'loss-spike'), `seed ${seed}`).toEqual([]);
      expect(aboveInfo(fs), `seed ${seed}`).toEqual([]);
    }
  });

  it('heavy-tailed minibatch noise: common blips are not spikes, real 20x spikes still are', () => {
    let blips = 0;
    for (let seed = 1; seed <= 4; seed++) blips += of(run(S.heavyTailed(seed, 5, 0.1)), 'loss-spike').length;
    // a threshold blind to the series' own tail found 11 here
    expect(blips).toBeLessThanOrEqual(2);
    for (let seed = 1; seed <= 4; seed++) {
      const steps = of(run(S.heavyTailed(seed, 5, 0.1, [1500, 3500])), 'loss-spike').map(f => f.step);
      expect(steps).toContain(1500);
      expect(steps).toContain(3500);
    }
  });
});

describe('oscillation', () => {
  it('an epoch-to-epoch ping-pong with no progress is oscillation', () => {
    const o = of(run(S.pingPong()), 'oscillation');
    expect(o).toHaveLength(1);
    expect(o[0].evidence.test).toBe('turning-points');
    expect(o[0].evidence.turningRate as number).toBeGreaterThan(0.9);
  });

  it('slow swings of the per-step loss beyond minibatch noise are oscillation', () => {
    const o = of(run(S.slowSwings()), 'oscillation');
    expect(o).toHaveLength(1);
    expect(o[0].evidence.test).toBe('swings');
  });

  it('noisy-but-healthy minibatch loss is not oscillation', () => {
    expect(of(run(S.healthy(20000, 4, 0.35)), 'oscillation')).toEqual([]);
    expect(of(run(S.noisyPlateau()), 'oscillation')).toEqual([]);
  });

  it('a short per-epoch run that bounces 0.35..3.8 with no progress is oscillation (short-series rule)', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const o = of(run(S.epochBounce(seed)), 'oscillation');
      expect(o, `seed ${seed}`).toHaveLength(1);
      expect(o[0].severity).toBe('warning');
      expect(o[0].evidence.test).toBe('short-swings');
      expect(o[0].evidence.reversals as number).toBeGreaterThanOrEqual(3);
    }
  });

  it('short, noisy but healthy runs (15-60 points, up to 40 % noise) are not oscillation', () => {
    for (const n of [15, 20, 30, 40, 60]) {
      for (const noise of [0.1, 0.2, 0.3, 0.4]) {
        for (let seed = 1; seed <= 10; seed++) {
          const r = makeRun([{ name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / (n / 6)), n, noise }], seed);
          expect(of(run(r), 'oscillation'), `n ${n} noise ${noise} seed ${seed}`).toEqual([]);
        }
      }
    }
  });

  it('a short per-step minibatch log that converged early (66 points, +-36 % noise) is not oscillation', () => {
    // like examples/train_example.py: MSE on minibatches of 32, logged every 5 steps
    for (let seed = 1; seed <= 30; seed++) {
      const r = makeRun([{ name: 'loss', f: i => 0.42 + 0.2 * Math.exp(-i / 5), n: 66, stride: 5, start: 5, noise: 0.36 }], seed);
      expect(of(run(r), 'oscillation'), `seed ${seed}`).toEqual([]);
    }
  });
});

describe('plateau', () => {
  it('a loss stuck at the start before it learns is a plateau (warning) with its span', () => {
    const p = of(run(S.stuckThenLearns()), 'plateau');
    expect(p).toHaveLength(1);
    expect(p[0].severity).toBe('warning');
    expect(p[0].step).toBeLessThanOrEqual(100);
    expect(p[0].endStep!).toBeGreaterThan(1800);
    expect(p[0].endStep!).toBeLessThan(2300);
  });

  it('a 3-epoch run has no plateau', () => {
    expect(of(run(S.threeEpochs()), 'plateau')).toEqual([]);
  });

  it('a flat start during the LR warmup is not a plateau', () => {
    expect(of(run(S.warmupRun()), 'plateau')).toEqual([]);
  });

  it('a validation loss that never improves while the training loss falls is a plateau; one that improved and levelled off is not', () => {
    const flatVal = (valFalls: boolean) =>
      makeRun(
        [
          { name: 'train_loss', f: i => 1 + Math.exp(-i / 10), n: 30, start: 1, noise: 0.005 },
          { name: 'val_loss', f: i => (valFalls ? 2 + 1.5 * Math.exp(-i / 4) : 2), n: 30, start: 1, noise: 0.005 },
        ],
        3,
      );
    const p = of(run(flatVal(false)), 'plateau');
    expect(p).toHaveLength(1);
    expect(p[0].series).toBe('val_loss');
    expect(p[0].step).toBe(1);
    expect(p[0].evidence.trainChange as number).toBeLessThan(-0.2);
    expect(of(run(flatVal(true)), 'plateau')).toEqual([]);
  });

  it('a healthy decelerating curve has no plateau', () => {
    expect(of(run(S.healthy(20000, 5)), 'plateau')).toEqual([]);
    expect(of(run(S.convergedFlat()), 'plateau')).toEqual([]);
  });
});

describe('no-learning', () => {

  it('a loss that blows up before it ever improved and then never moves is stuck: divergence and no-learning', () => {
    // 5.4e30 for 3 epochs, 3.19e31 from epoch 4 on for 98 epochs (a model blown to a huge scale)
    const frozen = (f: (i: number) => number) => makeRun([{ name: 'loss', f, n: 101, start: 1 }], 1);
    const fs = run(frozen(i => (i < 3 ? 5.4e30 : 3.194e31)));
    expect(of(fs, 'divergence')).toHaveLength(1);
    const nl = of(fs, 'no-learning');
    expect(nl).toHaveLength(1);
    expect(nl[0].step).toBe(4);
    expect(nl[0].message).toContain('has stayed at 3.19e31 over its 98 values since it blew up at step 4');
    // one odd first value (PaiNN: 5.4e30 at epoch 1, then 3.19e31 for good) is no blow-up: the
    // loss never moved from its initial level
    const one = run(frozen(i => (i === 0 ? 5.4e30 : 3.194e31)));
    expect(of(one, 'divergence')).toEqual([]);
    expect(of(one, 'no-learning').map(f => f.severity)).toEqual(['warning']);
    // still rising after the blow-up: only the divergence
    expect(of(run(frozen(i => (i === 0 ? 1 : 6 * Math.exp(i / 50)))), 'no-learning')).toEqual([]);
    // learned before it blew up (its best is not its first value): only the divergence
    expect(of(run(frozen(i => (i < 30 ? 2 - i / 30 : 8))), 'no-learning')).toEqual([]);
  });
  it('a loss sitting at ln 10 is chance level (C inferred from the initial loss)', () => {
    const n = of(run(S.chanceLevel()), 'no-learning');
    expect(n).toHaveLength(1);
    expect(n[0].severity).toBe('error');
    expect(n[0].evidence.classes).toBe(10);
    expect(n[0].evidence.rule).toBe('chance');
  });

  it('a given class count is used', () => {
    const r = makeRun([{ name: 'loss', f: i => 5 * Math.exp(-i / 3) + 0.6931, n: 60, noise: 0.001 }], 41);
    expect(of(diagnose([r], { numClasses: 2 }), 'no-learning')[0]?.evidence.rule).toBe('chance');
    expect(of(diagnose([r]), 'no-learning')).toEqual([]);
  });

  it('a loss that never moves from its start is no-learning', () => {
    const n = of(run(S.neverMoves()), 'no-learning');
    expect(n).toHaveLength(1);
    expect(n[0].evidence.rule).toBe('flat');
  });

  it('a log that starts after the first epoch does not show whether the loss learned', () => {
    // `Epoch [6/6], Step [10/1549], Loss: 0.0490`: only the last epoch was logged, flat and noisy
    const r = (epoch: number) => {
      const x = makeRun([{ name: 'Loss', f: () => 0.05, n: 155, noise: 0.4, start: 10, stride: 10 }, { name: 'epoch', f: () => epoch, n: 155, start: 10, stride: 10 }], 4);
      x.series.get('epoch')!.role = 'other';
      return x;
    };
    expect(of(run(r(6)), 'no-learning')).toEqual([]);
    // a Hugging Face run resumed from a checkpoint: its first record at epoch 1.015 (epochs
    // counted from 0 in fractions), its first epoch never logged
    expect(of(run(r(1.015)), 'no-learning')).toEqual([]);
    // the same values from epoch 1 (or a fraction of the first epoch): never learned
    expect(of(run(r(1)), 'no-learning')).toHaveLength(1);
    expect(of(run(r(0.03)), 'no-learning')).toHaveLength(1);
  });

  it('a flat loss at a low value after convergence is converged, not no-learning', () => {
    const fs = run(S.convergedFlat());
    expect(of(fs, 'no-learning')).toEqual([]);
    expect(of(fs, 'underfitting')).toEqual([]);
  });
});

describe('overfitting', () => {
  it('a 3-epoch fine-tune whose validation loss rose 39 % while the training loss fell overfits, quoted from the logged values', () => {
    // a BERT IMDB Keras CSVLogger: val_loss 0.3179, 0.3203, 0.4432; loss 0.386, 0.2266, 0.1134
    const train = [0.386, 0.2266, 0.1134];
    const val = [0.3179, 0.3203, 0.4432];
    const mk = (t: number[], v: number[]) =>
      makeRun([{ name: 'loss', f: i => t[i], n: t.length, start: 0 }, { name: 'val_loss', f: i => v[i], n: v.length, start: 0 }], 1);
    const o = of(run(mk(train, val)), 'overfitting');
    expect(o).toHaveLength(1);
    expect(o[0].evidence).toMatchObject({ rule: 'few-evaluations', bestStep: 0, best: 0.3179, level: 0.4432 });
    expect(o[0].message).toContain('lowest at step 0 (0.3179) and has since risen by 39% to 0.4432');
    // the training loss not falling: not overfitting; a rise of a few percent: not either
    expect(of(run(mk([0.2, 0.21, 0.2], val)), 'overfitting')).toEqual([]);
    expect(of(run(mk(train, [0.3179, 0.3203, 0.33])), 'overfitting')).toEqual([]);
    // still falling at the end: not either
    expect(of(run(mk(train, [0.4432, 0.3203, 0.3179])), 'overfitting')).toEqual([]);
  });

  it('validation rising from its minimum while training falls: onset within 10 % of the run', () => {
    const o = of(run(S.overfit()), 'overfitting');
    expect(o).toHaveLength(1);
    expect(Math.abs(o[0].step - 41)).toBeLessThanOrEqual(10);
    expect(o[0].evidence.trainTrend).toBe('falling');
    expect(o[0].fixes[0].code).toContain('wait >= 10');
  });

  it('a validation loss logged twice under two names is one finding that names the other', () => {
    // resnet110's log prints `Test set loss: 0.21` and `Test loss: 0.21` for every epoch
    const r = S.overfit();
    const v = r.series.get('val_loss')!;
    const copy = new Series('Test loss', 'val_loss');
    for (let i = 0; i < v.length; i++) copy.push(v.steps.get(i), v.values.get(i));
    r.series.set('Test loss', copy);
    const o = of(run(r), 'overfitting');
    expect(o).toHaveLength(1);
    expect(o[0].message).toContain('The same values are logged as "Test loss" too.');
    // one value different: two series, two findings
    const other = new Series('Other loss', 'val_loss');
    for (let i = 0; i < v.length; i++) other.push(v.steps.get(i), v.values.get(i) * (i === 50 ? 1.5 : 1));
    r.series.delete('Test loss');
    r.series.set('Other loss', other);
    expect(of(run(r), 'overfitting')).toHaveLength(2);
  });

  it('validation wobbling within its noise is not overfitting', () => {
    for (const seed of [21, 22, 23]) {
      const r = makeRun(
        [
          { name: 'train_loss', f: i => 0.2 + 0.5 * Math.exp(-i / 30), n: 100, start: 1, noise: 0.01 },
          { name: 'val_loss', f: () => 0.45, n: 100, start: 1, noise: 0.03 },
        ],
        seed,
      );
      expect(of(run(r), 'overfitting')).toEqual([]);
    }
  });

  it('a long, noisy validation loss rising for its last 300 of 500 evaluations overfits (judged on groups of evaluations too)', () => {
    // one evaluation moves by 20 % (a small validation set): single evaluations never stand
    // 5 noise units above the best, the medians of ~22 of them do
    const mk = (rise: number, seed: number) =>
      makeRun(
        [
          { name: 'train_loss', f: i => 0.01 + 0.4 * Math.exp(-i / 30), n: 500, start: 0, noise: 0.05 },
          { name: 'val_loss', f: i => 0.02 + 0.1 * Math.exp(-i / 20) + (i > 200 ? (rise * (i - 200)) / 300 : 0), n: 500, start: 0, noise: 0.2 },
        ],
        seed,
      );
    for (const seed of [1, 2, 3]) {
      const o = of(run(mk(0.012, seed)), 'overfitting');
      expect(o, `seed ${seed}`).toHaveLength(1);
      expect(o[0].step, `seed ${seed}`).toBeGreaterThan(120);
      expect(o[0].step, `seed ${seed}`).toBeLessThan(300);
      // the same noise with no rise: nothing
      expect(of(run(mk(0, seed)), 'overfitting'), `seed ${seed}`).toEqual([]);
    }
  });

  it('a converged run whose validation loss drifts up ~3 % while training is flat is not overfitting', () => {
    for (const seed of [1, 2, 3]) {
      expect(of(run(S.convergedValCreep(0.0001, seed)), 'overfitting'), `seed ${seed}`).toEqual([]);
    }
  });

  it('a large validation rise is overfitting even when the training loss is flat within its noise', () => {
    for (const seed of [1, 2, 3]) {
      const o = of(run(S.convergedValCreep(0.0005, seed)), 'overfitting');
      expect(o, `seed ${seed}`).toHaveLength(1);
      expect(o[0].evidence.trainTrend).toBe('flat');
      expect(o[0].evidence.rise as number).toBeGreaterThanOrEqual(0.05);
    }
  });

  it('training accuracy > 0.9 with validation accuracy < 0.7 is overfitting (capacity rule)', () => {
    const o = of(run(S.accuracyGap()), 'overfitting');
    expect(o).toHaveLength(1);
    expect(o[0].evidence.rule).toBe('capacity');
  });
});

describe('underfitting', () => {

  it('an accuracy that cannot belong to the loss (18 % accuracy under a loss of 0.05) is not used', () => {
    // a regression logged with Keras' exact-match accuracy: a low, flat loss, "accuracy" 18 %
    const r = (loss: number) =>
      makeRun(
        [
          { name: 'loss', f: i => loss * (1 + 0.35 * Math.exp(-i / 5)), n: 60, noise: 0.003 },
          { name: 'accuracy', f: i => 0.18 - 0.05 * Math.exp(-i / 5), n: 60 },
        ],
        23,
      );
    expect(of(run(r(0.05)), 'underfitting')).toEqual([]);
    // the same accuracy under a loss it can belong to (1.8 nats) is underfitting
    expect(of(run(r(1.8)), 'underfitting')).toHaveLength(1);
  });
  it('per-head accuracies: one head at 66 % while four are at 99 % is no underfitting; all of them low is', () => {
    // a weather classifier's heads, acc_day … acc_night, printed together each epoch
    const r = (accs: number[]) =>
      makeRun(
        [
          { name: 'train_loss', f: i => 1.8 * (1 + 0.35 * Math.exp(-i / 5)), n: 60, noise: 0.003 },
          ...accs.map((a, k) => ({ name: `acc_${k}`, f: (i: number) => a - 0.05 * Math.exp(-i / 5), n: 60 })),
        ],
        23,
      );
    expect(of(run(r([0.66, 0.99, 0.99, 1.0, 0.99])), 'underfitting')).toEqual([]);
    const u = of(run(r([0.4, 0.5, 0.45, 0.3, 0.5])), 'underfitting');
    expect(u).toHaveLength(1);
    // (the accuracy quoted is the highest of them, a logged level: 50 %)
    expect(u[0].message).toContain('Training accuracy 50% is below 70%');
  });

  it('high flat training loss close to validation with low accuracy is underfitting', () => {
    const u = of(run(S.underfit()), 'underfitting');
    expect(u).toHaveLength(1);
    expect(u[0].evidence.rule).toBe('accuracy');
  });

  it('a loss that still creeps down at a low accuracy is underfitting; the same creep at a high accuracy is not', () => {
    // a translation model at epoch 51: 11.2 -> 8.66 nats, the last 10 epochs -0.12 % each, 6 % token accuracy
    const r = (acc: number) =>
      makeRun(
        [
          { name: 'Train Loss', f: i => 8.0 + 3.2 * Math.exp(-i / 25), n: 52, noise: 0.001 },
          { name: 'Val Loss', f: i => 8.0 + 3.0 * Math.exp(-i / 25), n: 52, noise: 0.001 },
          { name: 'Token Acc', f: i => acc - 0.02 * Math.exp(-i / 10), n: 52 },
          { name: 'Val Token Acc', f: i => acc + 0.01 - 0.02 * Math.exp(-i / 10), n: 52 },
        ],
        3,
      );
    const u = of(run(r(0.066)), 'underfitting');
    expect(u).toHaveLength(1);
    expect(u[0].message).toMatch(/still falls only slowly: by \d\.\d+% over steps \d+–51/);
    expect(u[0].evidence.stillFalling).toBeGreaterThan(0.01);
    // not-converged says it is still falling too
    expect(of(run(r(0.066)), 'not-converged')).toHaveLength(1);
    expect(of(run(r(0.95)), 'underfitting')).toEqual([]);
  });

  it('the same losses with high accuracies are not underfitting', () => {
    expect(of(run(S.underfit(0.95, 0.94)), 'underfitting')).toEqual([]);
  });
});

describe('not-converged', () => {
  it('a loss still falling fast at the end is not-converged (info)', () => {
    const n = of(run(S.stillFalling()), 'not-converged');
    expect(n).toHaveLength(1);
    expect(n[0].severity).toBe('info');
    expect(n[0].evidence.status).toBe('fast');
  });

  it('a converged loss is not', () => {
    expect(of(run(S.convergedFlat()), 'not-converged')).toEqual([]);
  });
});

describe('early-stop', () => {
  it('min_delta is relative by default: an improvement of 0.001 on a loss near 0.5 (0.2 %) counts', () => {
    const e = of(run(S.earlyStopCase()), 'early-stop');
    expect(e).toHaveLength(1);
    expect(e[0].evidence.bestStep).toBe(3000);
    expect(e[0].evidence.best).toBe(0.5);
    expect(e[0].evidence.stopStep).toBe(4000);
    // and it agrees with the overfitting finding on the best step and value
    const o = of(run(S.earlyStopCase()), 'overfitting');
    expect(o).toHaveLength(1);
    expect([o[0].evidence.bestStep, o[0].evidence.best]).toEqual([3000, 0.5]);
    // An absolute 0.001 on a loss near 0.01 is 10 %: a validation loss creeping down from 0.012
    // to 0.0102 never "improves", so the absolute monitor stops at evaluation 10 on a best that
    // is beaten later (nothing to report); the relative one finds the real best (evaluation 60).
    const small = makeRun(
      [
        { name: 'loss', f: i => 0.01 + 0.1 * Math.exp(-i / 20), n: 100, start: 0, stride: 100 },
        { name: 'val_loss', f: i => (i <= 60 ? 0.012 - 0.00003 * i : 0.0102 + 0.0001 * (i - 60)), n: 100, start: 0, stride: 100 },
      ],
      25,
    );
    expect(of(diagnose([small], { earlyStopMinDeltaMode: 'abs' }), 'early-stop')).toEqual([]);
    const rel = of(diagnose([small]), 'early-stop');
    expect(rel).toHaveLength(1);
    expect(rel[0].evidence.bestStep).toBe(6000);
  });

  it('simulates EarlyStopping(patience 10, min_delta 0.001) exactly (absolute min_delta)', () => {
    const e = of(diagnose([S.earlyStopCase()], { earlyStopMinDeltaMode: 'abs' }), 'early-stop');
    expect(e).toHaveLength(1);
    // The monitor's best is evaluation 29 (evaluation 30 improves by exactly min_delta, not
    // more); it stops 10 later. The finding is at the lowest evaluation before the stop (the
    // checkpoint to keep, quoted everywhere as the best); the stop step is its end.
    expect(e[0].evidence.monitorBestStep).toBe(2900);
    expect(e[0].evidence.bestStep).toBe(3000);
    expect(e[0].step).toBe(3000);
    expect(e[0].evidence.stopStep).toBe(3900);
    expect(e[0].endStep).toBe(3900);
    expect(e[0].evidence.saving as number).toBeCloseTo(60 / 99, 3);
    expect(e[0].severity).toBe('info');
  });

  it('a validation loss still improving gives no early stop', () => {
    expect(of(run(S.valImproving()), 'early-stop')).toEqual([]);
  });

  it('a validation loss flat within its noise after its best while the training loss keeps falling: early stop (the gap rule)', () => {
    // val: falls to 0.8 by epoch 15, then swings by ±3 % around it without a new best (a
    // deterministic wobble: random noise would beat the best now and then); train: keeps
    // falling by half, or (the near miss) flat
    const gap = (trainFall: boolean) =>
      makeRun(
        [
          { name: 'train_loss', f: i => (trainFall ? 0.3 + 1.2 * Math.exp(-i / 25) : 0.6 + 0.9 * Math.exp(-i / 4)), n: 60, start: 1 },
          { name: 'val_loss', f: i => (i < 15 ? 0.8 + 0.6 * Math.exp(-i / 4) : 0.8 * (1 + 0.03 * Math.sin(1.7 * i))), n: 60, start: 1 },
        ],
        7,
      );
    const e = of(run(gap(true)), 'early-stop');
    expect(e).toHaveLength(1);
    expect(e[0].evidence.rule).toBe('gap');
    // the near miss: the same validation loss, the training loss flat as well
    expect(of(run(gap(false)), 'early-stop')).toEqual([]);
  });

  it('a flat, noisy validation plateau gives no early stop (nothing after the stop is worse)', () => {
    for (const seed of [1, 2, 3]) expect(of(run(S.valFlatPlateau(seed)), 'early-stop'), `seed ${seed}`).toEqual([]);
  });
});

describe('not-converged beyond the seed\'s 10-point window', () => {
  it('a long noisy run whose last third still falls 8 % is not converged', () => {
    const r = makeRun([{ name: 'loss', f: i => 3.6 + 20 * Math.exp(-i / 150) + 1.0 * (1 - i / 2000), n: 2000, start: 1, stride: 20, noise: 0.05 }], 11);
    const nc = of(run(r), 'not-converged');
    expect(nc).toHaveLength(1);
    expect(nc[0].evidence.tailImprovement as number).toBeGreaterThan(0.05);
  });
  it('a loss logged only in parts (YOLO) still falling gets one finding', () => {
    const r = makeRun(
      [
        { name: 'train/box_loss', f: i => 1.8 * Math.exp(-i / 12), n: 10, start: 0 },
        { name: 'train/cls_loss', f: i => 3.9 * Math.exp(-i / 10), n: 10, start: 0 },
      ],
      2,
    );
    expect(of(run(r), 'not-converged')).toHaveLength(1);
  });
});

describe('spikes of short (per-epoch) series', () => {
  it('one value 5x the values around it in a 17-point validation loss is a spike, quoted in logged values', () => {
    const r = makeRun(
      [
        { name: 'loss', f: i => 1.7 - 0.04 * i, n: 17, start: 0 },
        { name: 'val_loss', f: i => (i === 1 ? 7.4 : 1.44 - 0.025 * i), n: 17, start: 0 },
      ],
      5,
    );
    const sp = of(run(r), 'loss-spike');
    expect(sp).toHaveLength(1);
    expect(sp[0].series).toBe('val_loss');
    expect(sp[0].evidence.peakStep).toBe(1);
    expect(sp[0].evidence.peak).toBe(7.4);
  });
  it('a jumpy short series (values 3x apart all the time) has no spike', () => {
    const r = makeRun([{ name: 'loss', f: i => (i % 2 ? 0.06 : 0.02) * (i % 3 ? 1 : 0.4), n: 30, start: 0 }], 5);
    expect(of(run(r), 'loss-spike')).toEqual([]);
  });
});

describe('divergence near misses', () => {
  // After a fall to ~0.1 the loss sits at 1.0; in its last 32 values, `dips` of them are back
  // near the best. 4 dips (87.5 % above) is a divergence at the default share (0.8); 9 dips
  // (72 % above) is not.
  const withDips = (dips: number) =>
    makeRun([{ name: 'loss', f: i => (i < 100 ? 0.1 + Math.exp(-i / 10) : i >= 168 && (i - 168) % Math.floor(32 / dips) === 0 && i - 168 < dips * Math.floor(32 / dips) ? 0.1 : 1), n: 200, start: 1 }], 3);
  it('a loss that stays 10x above its best in 87.5 % of its last values diverged', () => {
    expect(of(run(withDips(4)), 'divergence')).toHaveLength(1);
  });
  it('one back near its best in more than a quarter of its last values did not', () => {
    expect(of(run(withDips(9)), 'divergence')).toEqual([]);
  });
});

describe('oscillation of a validation loss from one evaluation to the next', () => {
  const evalRun = (swing: number) =>
    makeRun(
      [
        { name: 'loss', f: i => 0.1 + 2 * Math.exp(-i / 60), n: 200, start: 1 },
        { name: 'val_loss', f: i => 0.3 * (i % 2 ? 1 + swing : 1 / (1 + swing)) * (1 + 0.1 * Math.sin(i * 1.7)), n: 200, start: 1 },
      ],
      4,
    );
  it('swinging by ±40 % every evaluation with no net progress is oscillation', () => {
    const o = of(run(evalRun(0.4)), 'oscillation');
    expect(o).toHaveLength(1);
    expect(o[0].evidence.rule).toBe('eval-swings');
  });
  it('moving by a few percent between evaluations is not', () => {
    expect(of(run(evalRun(0.05)), 'oscillation')).toEqual([]);
  });
});

describe('oscillation from bursts', () => {
  it('a loss that keeps jumping between its floor and ~3.5x it to the end oscillates, even while its median falls', () => {
    const r = makeRun(
      [{ name: 'loss', f: i => (0.3 + 0.8 * Math.exp(-i / 400)) * (i % 17 < 4 ? 3.5 : 1), n: 300, start: 1, noise: 0.02 }],
      7,
    );
    const fs = run(r);
    const o = of(fs, 'oscillation');
    expect(o).toHaveLength(1);
    expect(o[0].evidence.rule).toBe('bursts');
    expect(of(fs, 'loss-spike')).toEqual([]);
    expect(of(fs, 'not-converged')).toEqual([]);
  });

  it('a few bursts early in the run are spikes, not oscillation', () => {
    const r = makeRun(
      [{ name: 'loss', f: i => (0.3 + 0.8 * Math.exp(-i / 400)) * (i < 150 && i % 17 < 4 ? 3.5 : 1), n: 300, start: 1, noise: 0.02 }],
      7,
    );
    expect(of(run(r), 'oscillation')).toEqual([]);
  });
});

describe('gradients', () => {
  it('a gradient norm that grows 50x and stays is gradient-explosion', () => {
    const g = of(run(S.gradGrowth()), 'gradient-explosion');
    expect(g).toHaveLength(1);
    expect(g[0].evidence.rule).toBe('growth');
    expect(Math.abs(g[0].step - 3000)).toBeLessThanOrEqual(100);
  });

  it('isolated gradient-norm spikes are reported with their steps', () => {
    const g = of(run(S.gradSpikes()), 'gradient-explosion');
    expect(g).toHaveLength(1);
    expect(g[0].evidence.steps).toEqual([1500, 3500]);
    expect(g[0].severity).toBe('warning');
  });

  it('a single gradient-norm spike that recovers, with a healthy loss, is info only', () => {
    const g = of(run(S.gradSingleSpike()), 'gradient-explosion');
    expect(g).toHaveLength(1);
    expect(g[0].severity).toBe('info');
    expect(g[0].evidence.steps).toEqual([2500]);
  });

  it('a noisy but stable gradient norm raises nothing', () => {
    const r = makeRun([{ name: 'grad_norm', f: () => 1, n: 5000, noise: 0.3 }], 42);
    expect(run(r)).toEqual([]);
  });

  it('a gradient norm that decays 10^4x while the loss stays flat is vanishing-gradient', () => {
    expect(of(run(S.vanishing()), 'vanishing-gradient')).toHaveLength(1);
  });

  it('tiny gradients of a loss converging towards 0 are not vanishing gradients', () => {
    expect(of(run(S.convergingTinyGrads()), 'vanishing-gradient')).toEqual([]);
  });
});

describe('loss-imbalance', () => {
  it('a generator\'s and a discriminator\'s losses are two objectives, compared only within their side', () => {
    // a conditional GAN's history: G_loss ~40 falling to 20, D_loss ~0.3
    const gan = makeRun(
      [
        { name: 'G_loss', role: 'loss_part', f: i => 20 + 20 * Math.exp(-i / 30), n: 100, start: 1, noise: 0.02 },
        { name: 'D_loss', role: 'loss_part', f: () => 0.3, n: 100, start: 1, noise: 0.02 },
      ],
      5,
    );
    expect(of(run(gan), 'loss-imbalance')).toEqual([]);
    // the generator's own terms are still one sum: its L1 term at 100x its adversarial term dominates
    const g2 = makeRun(
      [
        { name: 'G_L1_loss', role: 'loss_part', f: () => 60, n: 100, start: 1, noise: 0.02 },
        { name: 'G_GAN_loss', role: 'loss_part', f: () => 0.6, n: 100, start: 1, noise: 0.02 },
        { name: 'D_loss', role: 'loss_part', f: () => 0.3, n: 100, start: 1, noise: 0.02 },
      ],
      5,
    );
    expect(of(run(g2), 'loss-imbalance').map(f => f.series)).toEqual(['G_L1_loss']);
  });

  it('one term at ~98 % of the total dominates', () => {
    const l = of(run(S.imbalanced()), 'loss-imbalance');
    expect(l).toHaveLength(1);
    expect(l[0].series).toBe('train/box_loss');
    expect(l[0].evidence.rule).toBe('dominant');
  });

  it('terms of comparable size are not imbalanced', () => {
    expect(of(run(S.balancedParts()), 'loss-imbalance')).toEqual([]);
  });

  it('terms 1000x apart are reported on the small one', () => {
    const r = makeRun(
      [
        { name: 'loss_a', role: 'loss_part', f: () => 1, n: 200, noise: 0.05 },
        { name: 'loss_b', role: 'loss_part', f: () => 1.2, n: 200, noise: 0.05 },
        { name: 'loss_c', role: 'loss_part', f: () => 0.001, n: 200, noise: 0.05 },
      ],
      43,
    );
    const l = of(run(r), 'loss-imbalance');
    expect(l).toHaveLength(1);
    expect(l[0].series).toBe('loss_c');
    expect(l[0].evidence.rule).toBe('ratio');
  });
});

describe('lr-suggestion', () => {
  it('recognises an LR range test and suggests the steepest-descent LR', () => {
    const fs = run(S.rangeTest());
    const l = of(fs, 'lr-suggestion');
    expect(l).toHaveLength(1);
    const lr = l[0].evidence.lr as number;
    // the synthetic loss falls fastest at 1e-3
    expect(lr).toBeGreaterThan(1e-3 / 3);
    expect(lr).toBeLessThan(1e-3 * 3);
    expect(l[0].fixes[0].code).toContain(`lr=${l[0].title.split(': ')[1]}`);
    // the blow-up at the end of a range test is expected
    expect(of(fs, 'divergence')).toEqual([]);
  });

  it('an ordinary warmup + cosine schedule is not a range test', () => {
    expect(of(run(S.warmupCosine()), 'lr-suggestion')).toEqual([]);
    expect(of(run(S.stepSchedule()), 'lr-suggestion')).toEqual([]);
  });
});

describe('restart', () => {
  it('series that step back together (a tqdm bar and the epoch summary after "Next 100 epochs") are one restart', () => {
    // DeepLense's FT.md: the bar's loss goes 51 > 2 at line 184, the summary's Train Loss 50 > 1
    // at line 188; nothing of Train Loss was logged between its last point and line 184
    const r = createRun('FT.md', 'text');
    const bar = new Series('loss', 'train_loss');
    const sum = new Series('Train Loss', 'train_loss');
    let line = 10;
    for (const [a, b] of [[2, 50], [2, 100]]) {
      for (let e = a; e <= b; e++) {
        bar.push(e + 0.01, 0.5 + 0.2 * Math.exp(-e / 10), undefined, line);
        sum.push(e - 1, 0.5 + 0.2 * Math.exp(-e / 10), undefined, line + 3);
        line += 4;
      }
      line += 2;
    }
    r.series.set('loss', bar);
    r.series.set('Train Loss', sum);
    const x = of(run(r), 'restart');
    expect(x).toHaveLength(1);
    expect(x[0].evidence.count).toBe(1);
    expect(x[0].message).not.toContain('restarts in all');
  });

  it('reports restarts from the run events', () => {
    const r = S.healthy(2000, 7);
    r.events.push({ type: 'restart', series: 'loss', fromStep: 1500, toStep: 1200, line: 77 });
    const x = of(run(r), 'restart');
    expect(x).toHaveLength(1);
    expect(x[0].step).toBe(1200);
    expect(x[0].line).toBe(77);
    expect(x[0].evidence.fromStep).toBe(1500);
  });

  it('finds steps going backwards when the parser reported no event, without false spikes', () => {
    const fs = run(S.resumed());
    const x = of(fs, 'restart');
    expect(x).toHaveLength(1);
    expect(x[0].evidence).toMatchObject({ fromStep: 1199, toStep: 1000 });
    expect(of(fs, 'loss-spike')).toEqual([]);
    expect(aboveInfo(fs)).toEqual([]);
  });

  it('two runs appended to one log are analysed as separate segments', () => {
    const fs = run(S.freshRestart());
    expect(of(fs, 'restart')).toHaveLength(1);
    expect(aboveInfo(fs)).toEqual([]);
  });

  it('counts the same jump made again by a series as another restart, and one jump of several series once', () => {
    // gpt2-shakespeare-14runs.md: 14 runs of 50 steps appended, 13 times back from 49 to 0
    const r = S.healthy(2000, 7);
    for (let k = 1; k <= 13; k++) r.events.push({ type: 'restart', series: 'loss', fromStep: 49, toStep: 0, line: 60 * k });
    r.events.push({ type: 'restart', series: 'val_loss', fromStep: 49, toStep: 0, line: 65 });
    const x = of(run(r), 'restart');
    expect(x[0].evidence.count).toBe(13);
  });

  it('monotonic steps give no restart', () => {
    expect(of(run(S.healthy(2000, 8)), 'restart')).toEqual([]);
  });
});
