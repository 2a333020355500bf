/**
 * Named synthetic runs, one per situation the engine must recognise or must leave alone.
 * Every run is seeded; steps are point indices unless said otherwise.
 */
import type { Run } from '../../../src/core/model';
import { createRun, Series } from '../../../src/core/model';
import { gauss, makeRun, rng } from './synth';

/** Healthy minibatch loss: exponential approach to 0.3 with 20 % log-normal noise per step. */
export function healthy(n = 20000, seed = 1, noise = 0.2): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / (n / 6)), n, noise },
      // (f gets the point's index: evaluation i is at step (i + 1) n / 40)
      { name: 'val_loss', f: i => 0.33 + 2 * Math.exp(-((i + 1) * (n / 40)) / (n / 6)), n: 40, stride: n / 40, start: n / 40, noise: 0.01 },
    ],
    seed,
  );
}

/** NaN from step 1200 on (and a sprinkling before it never happens): lines 100 + index. */
export function nanAt1200(): Run {
  return makeRun([{ name: 'loss', f: i => (i >= 1200 ? NaN : 0.2 + 2 * Math.exp(-i / 500)), n: 2000, noise: 0.1, lines: true }], 3);
}

/** HF logging_nan_inf_filter: loss logged as exactly 0.0 while grad_norm is NaN, from step 700. */
export function maskedNaN(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => (i >= 70 ? 0 : 2 * Math.exp(-i / 30) + 0.5), n: 100, stride: 10, start: 10, noise: 0.05, lines: true },
      { name: 'grad_norm', f: i => (i >= 70 ? NaN : 1 + Math.exp(-i / 20)), n: 100, stride: 10, start: 10, noise: 0.1 },
    ],
    4,
  );
}

/** Converged loss logged (rounded) as 0.0 with finite gradient norms: not masked NaN. */
export function zeroLossFiniteGrad(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => (i >= 70 ? 0 : 2 * Math.exp(-i / 10)), n: 100, stride: 10, start: 10 },
      { name: 'grad_norm', f: () => 0.01, n: 100, stride: 10, start: 10, noise: 0.1 },
    ],
    5,
  );
}

/** Mixed precision: three isolated Inf gradient norms, everything else healthy. */
export function ampOverflow(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 1000), n: 5000, noise: 0.1 },
      { name: 'grad_norm', f: i => (i === 800 || i === 2100 || i === 3900 ? Infinity : 1), n: 5000, noise: 0.2 },
    ],
    6,
  );
}

/** Diverges from step 3000: the loss grows by e every 400 steps and never comes back. */
export function divergence(): Run {
  return makeRun(
    [{ name: 'loss', f: i => (0.3 + 2 * Math.exp(-i / 800)) * (i > 3000 ? Math.exp((i - 3000) / 400) : 1), n: 5000, noise: 0.1 }],
    7,
  );
}

/** One 5x spike over steps 1000-1002 that recovers at once. */
export function singleSpike(): Run {
  return makeRun([{ name: 'loss', f: i => (i >= 1000 && i < 1003 ? 5 : 1) * (0.3 + 2 * Math.exp(-i / 800)), n: 5000, noise: 0.1 }], 8);
}

/** Step schedule: LR 0.1 -> 0.01 -> 0.001 at 1/3 and 2/3; the loss drops by 40 % at each. */
export function stepSchedule(): Run {
  const n = 9000;
  const lr = (i: number) => (i < 3000 ? 0.1 : i < 6000 ? 0.01 : 0.001);
  const level = (i: number) => (0.5 + 1.5 * Math.exp(-i / 400)) * (i < 3000 ? 1 : i < 6000 ? 0.6 : 0.36) * (1 + 0.1 * Math.exp(-(i % 3000) / 200));
  return makeRun(
    [
      { name: 'loss', f: level, n, noise: 0.1 },
      { name: 'lr', f: lr, n },
    ],
    9,
  );
}

/** Cosine with warm restarts every 2000 steps: the loss jumps up at each restart. */
export function warmRestarts(): Run {
  const n = 8000;
  const period = 2000;
  const lr = (i: number) => 1e-4 + 0.5 * (1e-2 - 1e-4) * (1 + Math.cos((Math.PI * (i % period)) / period));
  const loss = (i: number) => (0.3 + 1.5 * Math.exp(-i / 1500)) * (1 + 1.5 * Math.exp(-(i % period) / 60) * (i >= period ? 1 : 0));
  return makeRun(
    [
      { name: 'loss', f: loss, n, noise: 0.05 },
      { name: 'learning_rate', f: lr, n },
    ],
    10,
  );
}

/** Loss that alternates between two levels every epoch (LR too high / ping-pong). */
export function pingPong(n = 60): Run {
  return makeRun([{ name: 'loss', f: i => (i % 2 ? 0.6 : 0.9), n, noise: 0.03 }], 11);
}

/** Per-step loss swinging slowly (period 500) by +-30 % around a flat level, plus noise. */
export function slowSwings(): Run {
  return makeRun([{ name: 'loss', f: i => 0.8 * Math.exp(0.3 * Math.sin((2 * Math.PI * i) / 500)), n: 6000, noise: 0.1 }], 12);
}

/** A healthy run that converged early and then sits on a very noisy plateau. */
export function noisyPlateau(): Run {
  return makeRun([{ name: 'loss', f: i => 0.5 + 2 * Math.exp(-i / 300), n: 6000, noise: 0.4 }], 13);
}

/** Stuck at ln 10 for the first 40 % (bad init), then learns. */
export function stuckThenLearns(): Run {
  const n = 5000;
  return makeRun(
    [{ name: 'loss', f: i => (i < 2000 ? 2.3026 : 0.3 + 2.0026 * Math.exp(-(i - 2000) / 300)), n, noise: 0.05 }],
    14,
  );
}

/** Linear warmup over the first 10 %: the loss barely moves until the LR is up. */
export function warmupRun(): Run {
  const n = 5000;
  const lr = (i: number) => 1e-3 * Math.min(1, (i + 1) / 500);
  const loss = (i: number) => (i < 500 ? 2.3 - 0.1 * (i / 500) : 0.3 + 1.9 * Math.exp(-(i - 500) / 600));
  return makeRun(
    [
      { name: 'loss', f: loss, n, noise: 0.05 },
      { name: 'lr', f: lr, n },
    ],
    15,
  );
}

/** A three-epoch run. */
export function threeEpochs(): Run {
  return makeRun([{ name: 'loss', f: () => 0.5, n: 3, noise: 0.01 }], 16);
}

/** Stuck at chance for 10 classes: 100 epochs at 2.3012-2.3023 (AUTOTRAINER's missed case). */
export function chanceLevel(): Run {
  return makeRun([{ name: 'loss', f: i => 2.3018 + 0.0005 * Math.sin(i), n: 100, noise: 0.0002 }], 17);
}

/** A regression loss that never moves from 0.5. */
export function neverMoves(): Run {
  return makeRun([{ name: 'loss', f: () => 0.5, n: 200, noise: 0.02 }], 18);
}

/** Falls from 2.3 to 0.05 in the first 60 % and then stays flat (converged). */
export function convergedFlat(): Run {
  const n = 5000;
  return makeRun([{ name: 'loss', f: i => 0.05 + 2.25 * Math.exp(-i / 300), n, noise: 0.05 }], 19);
}

/** Classic overfitting: validation bottoms out at epoch 40 of 100 while training keeps falling. */
export function overfit(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.02 + 2 * Math.exp(-i / 15), n: 100, start: 1, noise: 0.02 },
      { name: 'val_loss', f: i => 0.4 + 2 * Math.exp(-i / 12) + (i > 40 ? 0.012 * (i - 40) : 0), n: 100, start: 1, noise: 0.015 },
    ],
    20,
  );
}

/** Validation wobbling within its noise around a flat level; training still falling. */
export function valWobble(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.2 + 0.5 * Math.exp(-i / 30), n: 100, start: 1, noise: 0.01 },
      { name: 'val_loss', f: () => 0.45, n: 100, start: 1, noise: 0.03 },
    ],
    21,
  );
}

/** Accuracies that say overfitting (seed: train > 0.9, val < 0.7). */
export function accuracyGap(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.05 + 1 * Math.exp(-i / 10), n: 50, noise: 0.01 },
      { name: 'accuracy', f: i => 0.99 - 0.5 * Math.exp(-i / 8), n: 50 },
      { name: 'val_accuracy', f: i => 0.62 - 0.2 * Math.exp(-i / 8), n: 50 },
    ],
    22,
  );
}

/** High, flat training loss close to validation with low accuracies (underfitting). */
export function underfit(accTrain = 0.45, accVal = 0.43): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 1.8 + 0.6 * Math.exp(-i / 5), n: 60, noise: 0.003 },
      { name: 'val_loss', f: i => 1.85 + 0.6 * Math.exp(-i / 5), n: 60, noise: 0.003 },
      { name: 'accuracy', f: i => accTrain - 0.2 * Math.exp(-i / 5), n: 60 },
      { name: 'val_accuracy', f: i => accVal - 0.2 * Math.exp(-i / 5), n: 60 },
    ],
    23,
  );
}

/** Still falling fast at the end. */
export function stillFalling(): Run {
  return makeRun([{ name: 'loss', f: i => 0.01 + 2 * Math.exp(-i / 60), n: 100, noise: 0.005 }], 24);
}

/** Validation bottoms out at evaluation 30 of 100 and rises smoothly afterwards (no noise). */
export function earlyStopCase(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.1 + 2 * Math.exp(-i / 20), n: 100, start: 0, stride: 100 },
      { name: 'val_loss', f: i => 0.5 + 0.001 * (i - 30) * (i - 30), n: 100, start: 0, stride: 100 },
    ],
    25,
  );
}

/** Validation still improving at the end. */
export function valImproving(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.1 + 2 * Math.exp(-i / 40), n: 100 },
      { name: 'val_loss', f: i => 0.2 + 2 * Math.exp(-i / 40), n: 100 },
    ],
    26,
  );
}

/** Gradient norm jumps 50x at step 3000 and stays there. */
export function gradGrowth(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 800), n: 5000, noise: 0.1 },
      { name: 'grad_norm', f: i => (i > 3000 ? 50 : 1), n: 5000, noise: 0.2 },
    ],
    27,
  );
}

/** Isolated 20x gradient-norm spikes. */
export function gradSpikes(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 800), n: 5000, noise: 0.1 },
      { name: 'grad_norm', f: i => (i === 1500 || i === 3500 ? 20 : 1), n: 5000, noise: 0.2 },
    ],
    28,
  );
}

/** Gradient norm decays 10^4x while the loss stays flat at 0.69 (vanishing gradients). */
export function vanishing(): Run {
  return makeRun(
    [
      { name: 'loss', f: () => 0.69, n: 3000, noise: 0.01 },
      { name: 'grad_norm', f: i => Math.exp(-i / 300), n: 3000, noise: 0.1 },
    ],
    29,
  );
}

/** Gradient norm decays while the loss converges towards 0: healthy. */
export function convergingTinyGrads(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.001 + 2.3 * Math.exp(-i / 200), n: 3000, noise: 0.02 },
      { name: 'grad_norm', f: i => Math.exp(-i / 300), n: 3000, noise: 0.1 },
    ],
    30,
  );
}

/** One loss term is ~99 % of the total. */
export function imbalanced(): Run {
  return makeRun(
    [
      { name: 'train/box_loss', f: i => 5 * Math.exp(-i / 1000) + 3, n: 1000, noise: 0.05 },
      { name: 'train/cls_loss', f: i => 0.1 * Math.exp(-i / 1000) + 0.05, n: 1000, noise: 0.05 },
    ],
    31,
  );
}

/** Near imbalanceSamples: one term is 100x the other for its first 145 of 200 values, then
 * both are equal. Of 16 samples 12 find it dominant (75 %: imbalanceMinFraction), of 13 only 9
 * (imbalanceSamples 16: a dominant term; 13: not). */
export function dominantFor73Percent(): Run {
  return makeRun(
    [
      { name: 'recon_loss', f: i => (i < 145 ? 100 : 1), n: 200, noise: 0.01 },
      { name: 'kl_loss', f: () => 1, n: 200, noise: 0.01 },
    ],
    9,
  );
}

/** YOLO-like terms of comparable size. */
export function balancedParts(): Run {
  return makeRun(
    [
      { name: 'train/box_loss', f: i => 0.05 + 0.02 * Math.exp(-i / 30), n: 100, noise: 0.02 },
      { name: 'train/cls_loss', f: i => 0.5 + 1 * Math.exp(-i / 30), n: 100, noise: 0.02 },
      { name: 'train/dfl_loss', f: i => 1.2 + 0.3 * Math.exp(-i / 30), n: 100, noise: 0.02 },
    ],
    32,
  );
}

/**
 * An LR range test: LR from 1e-7 to 10 over 300 steps; the loss falls fastest at LR = 1e-3 and
 * blows up beyond ~0.3.
 */
export function rangeTest(): Run {
  const lr = (i: number) => 1e-7 * Math.pow(1e8, i / 300);
  const loss = (i: number) => {
    const l = lr(i);
    return 2.3 - 1.5 / (1 + Math.exp(-(Math.log10(l) + 3) * 2)) + (l > 0.3 ? (l - 0.3) * 20 : 0);
  };
  return makeRun(
    [
      { name: 'loss', f: loss, n: 300, noise: 0.03 },
      { name: 'lr', f: lr, n: 300 },
    ],
    33,
  );
}

/** Warmup then cosine decay: an ordinary schedule, not a range test. */
export function warmupCosine(): Run {
  const n = 3000;
  const lr = (i: number) => (i < 300 ? 1e-3 * (i + 1) / 300 : 1e-3 * 0.5 * (1 + Math.cos((Math.PI * (i - 300)) / (n - 300))));
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 500), n, noise: 0.1 },
      { name: 'lr', f: lr, n },
    ],
    34,
  );
}

/** A run resumed from a checkpoint: steps 0..1199, then 1000..2999 again (overlap). */
export function resumed(): Run {
  const base = makeRun([{ name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 800), n: 1200, noise: 0.1 }], 35);
  const s = base.series.get('loss')!;
  const more = makeRun([{ name: 'loss', f: i => 0.3 + 2 * Math.exp(-(i + 1000) / 800), n: 2000, start: 1000, noise: 0.1 }], 36).series.get('loss')!;
  for (let i = 0; i < more.length; i++) s.push(more.steps.get(i), more.values.get(i));
  return base;
}

/** Two unrelated runs appended to one log: steps go back to 0 (a fresh restart). */
export function freshRestart(): Run {
  const base = makeRun([{ name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 300), n: 2000, noise: 0.1 }], 37);
  const s = base.series.get('loss')!;
  const more = makeRun([{ name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 300), n: 2000, noise: 0.1 }], 38).series.get('loss')!;
  for (let i = 0; i < more.length; i++) s.push(more.steps.get(i), more.values.get(i));
  return base;
}

/**
 * Per-step minibatch loss falling from 2.3 to 0.2 whose log-space noise grows as it falls (from
 * ~10 % to ~45 %: the relative noise of a minibatch loss grows as the loss shrinks). A noise level
 * that lags behind this growth calls ordinary blips spikes.
 */
export function growingNoise(seed: number): Run {
  const g = gauss(rng(seed));
  return makeRun(
    [{ name: 'loss', f: i => { const lvl = 0.2 + 2.1 * Math.exp(-i / 80); return lvl * Math.exp(0.1 * (2.3 / lvl) ** 0.6 * g()); }, n: 1000 }],
    seed,
  );
}

/**
 * Healthy loss with heavy-tailed (Student t, `df` degrees of freedom) log-space noise of scale
 * `scale`, and optional 20x spikes at the given points.
 */
export function heavyTailed(seed: number, df: number, scale: number, spikesAt: number[] = [], n = 5000): Run {
  const g = gauss(rng(seed));
  const t = () => {
    let c = 0;
    for (let k = 0; k < df; k++) {
      const z = g();
      c += z * z;
    }
    return g() / Math.sqrt(c / df);
  };
  return makeRun([{ name: 'loss', f: i => (spikesAt.includes(i) ? 20 : 1) * (0.3 + 2 * Math.exp(-i / 800)) * Math.exp(scale * t()), n }], seed);
}

/** One 20x gradient-norm spike at step 2500 that recovers at once; the loss is healthy. */
export function gradSingleSpike(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 800), n: 5000, noise: 0.1 },
      { name: 'grad_norm', f: i => (i === 2500 ? 20 : 1), n: 5000, noise: 0.2 },
    ],
    28,
  );
}

/**
 * Converged run: a tiny training loss that is flat within its (large, log-space) noise, and a
 * validation loss that creeps up by `creep` per epoch after epoch 20 (60 epochs).
 */
export function convergedValCreep(creep: number, seed = 1): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.002 + 1.7 * Math.exp(-i / 3), n: 60, start: 1, noise: 0.6 },
      { name: 'val_loss', f: i => 0.075 + 0.4 * Math.exp(-i / 4) + (i > 20 ? creep * (i - 20) : 0), n: 60, start: 1, noise: 0.002 },
    ],
    seed,
  );
}

/** A weak model: training and validation flat (within 0.1 %) from epoch ~10 of 40. */
export function valFlatPlateau(seed = 1): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.9 + 0.3 * Math.exp(-i / 3), n: 40, start: 1, noise: 0.001 },
      { name: 'val_loss', f: i => 0.87 + 0.2 * Math.exp(-i / 3), n: 40, start: 1, noise: 0.001 },
    ],
    seed,
  );
}

/**
 * 30 per-epoch training losses (LR far too high): a short descent, then every epoch lands
 * anywhere between 0.35 and 3.8 (log-uniform), with no net progress.
 */
export function epochBounce(seed: number): Run {
  const u = rng(seed);
  return makeRun(
    [{ name: 'train_loss', f: i => (i < 3 ? 1.9 - 0.15 * i : Math.exp(Math.log(0.35) + u() * Math.log(3.8 / 0.35))), n: 30, start: 1 }],
    seed,
  );
}

/**
 * Near misses of the divergence thresholds (see thresholds-matter.test.ts): each sits just
 * inside one threshold, so that moving that threshold by a fifth changes the finding.
 */
/** Settles at 1, jumps to 5 at point 200 and stays there, but 5 of the last 32 values dip back
 * to 1 (84 % of the tail above the best: divergenceTailShare 0.8 passes, 1.0 does not). */
export function divergenceWithDips(): Run {
  const dips = new Set([370, 376, 382, 388, 394]);
  return makeRun([{ name: 'loss', f: i => (i < 200 ? 1 + 2 * Math.exp(-i / 40) : dips.has(i) ? 1 : 5), n: 400 }], 1);
}

/** 8 per-epoch values: falls to 1.0, then its last 3 values sit at 3.2-3.5x that, the one before
 * them does not (short rule: divergenceShortRatio 3 passes, 3.75 does not; divergenceShortPoints
 * 3 passes, 4 does not). */
export function shortDivergence(): Run {
  const v = [2.0, 1.5, 1.2, 1.0, 1.1, 3.2, 3.4, 3.5];
  return makeRun([{ name: 'loss', f: i => v[i], n: v.length, start: 1 }], 1);
}

/** Settles at 1, then jumps to 3 at point 400 and stays there to point 421: 22 logged values
 * of excursion at the end (divergenceMinPoints 20 passes, 24 does not). */
export function lateSmallDivergence(): Run {
  return makeRun([{ name: 'loss', f: i => (i < 400 ? 1 + 2 * Math.exp(-i / 40) : 3), n: 422 }], 1);
}

/** Three loss parts, none above 90 % of the sum, the largest 110x the smallest throughout
 * (imbalanceRatio 100 passes, 125 does not). */
export function partsRatio110(): Run {
  return makeRun(
    [
      { name: 'train/box_loss', f: i => 1.1 * (1 + Math.exp(-i / 300)), n: 1000 },
      { name: 'train/obj_loss', f: i => 0.5 * (1 + Math.exp(-i / 300)), n: 1000 },
      { name: 'train/cls_loss', f: i => 0.01 * (1 + Math.exp(-i / 300)), n: 1000 },
    ],
    1,
  );
}

/** A converged training loss (flat) and a validation loss that rises by about 5.6 % from its
 * best at epoch 15 to the end (overfitFlatTrainMinRise 0.05 passes, 0.0625 does not). */
export function valRiseFlatTrain(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: () => 0.5, n: 40, start: 1 },
      { name: 'val_loss', f: i => (i < 15 ? 0.6 + 0.6 * Math.exp(-i / 2) * (15 - i) / 15 : 0.6 * (1 + 0.06 * (i - 15) / 24)), n: 40, start: 1 },
    ],
    1,
  );
}

/** A validation loss whose best (1.0 at epoch 10) is beaten at epoch 12 by 0.09 %, then rises:
 * with earlyStopMinDelta 0.1 % (relative) the monitor's best stays at epoch 10 and it stops at
 * epoch 20; with 0.08 % it moves to epoch 12 and stops at epoch 22. */
export function earlyStopTinyImprovement(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.2 + Math.exp(-i / 8), n: 40, start: 1 },
      { name: 'val_loss', f: i => (i < 9 ? 1 + 0.1 * (9 - i) : i === 9 ? 1 : i === 11 ? 0.9991 : 1.002 + 0.004 * (i - 9)), n: 40, start: 1 },
    ],
    1,
  );
}

/** A converged loss of 0.2 with an accuracy of 0.6565, 5.5 points below 1 - 0.2 / ln 2 (the
 * least accuracy a cross-entropy of 0.2 allows): with accLossSlack 0.05 the accuracy cannot be
 * this loss's and says nothing (no underfitting); with 0.0625 it can (underfitting). */
export function accAtLossBound(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.2 * (1 + 0.35 * Math.exp(-i / 5)), n: 60 },
      { name: 'accuracy', f: () => 1 - 0.2 / Math.LN2 - 0.055, n: 60 },
    ],
    1,
  );
}

/** A validation loss that never improves over exactly 8 evaluations while the training loss
 * falls by a third (plateauValMinPoints 8 passes, 10 does not). */
export function valNeverImproves8(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 1 + 0.6 * Math.exp(-i / 3), n: 8, start: 1 },
      { name: 'val_loss', f: i => 2 * (1 + 0.002 * Math.sin(2 * i)), n: 8, start: 1 },
    ],
    1,
  );
}

/** A weak model: flat losses at 1.8, the validation loss 8.5 % above the training loss, accuracy
 * 45 % (underfitMaxGap 0.1 passes, 0.08 does not). */
export function underfitGap(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 1.8 + 0.6 * Math.exp(-i / 5), n: 60 },
      { name: 'val_loss', f: i => 1.085 * (1.8 + 0.6 * Math.exp(-i / 5)), n: 60 },
      { name: 'accuracy', f: i => 0.45 - 0.2 * Math.exp(-i / 5), n: 60 },
    ],
    1,
  );
}

/** A loss flat at 1.0 that steps down by 6.2 % once and stays there (noLearnMinDrop 0.05 sees
 * learning, 0.0625 does not). */
export function smallStepDown(): Run {
  return makeRun([{ name: 'loss', f: i => (i < 100 ? 1 : 0.938), n: 300 }], 1);
}

/*
 * Near misses of single thresholds (issue #15; see thresholds-matter.test.ts and
 * near-miss.test.ts): each run sits just inside or just outside one setting, so that moving that
 * setting by a fifth either way changes a finding or the run's summary.
 */

/** Near noiseFloor: a noise-free loss (full-batch optimiser) that still falls by 0.27 % over its
 * last 10 coarse points, just above 2 coarse noise units at the noise floor (0.25 %): status
 * slow with noiseFloor 0.002, converged with 0.0025. */
export function noiseFreeSlowFall(): Run {
  return makeRun([{ name: 'loss', f: i => 0.4 * (1 + 2 * Math.exp(-i / 15)) * Math.exp(-0.000075 * i), n: 1000 }], 1);
}

/** Near convergedThreshold: a negative log-likelihood (continuous data, so below 0: a linear
 * series) settling at -3.2 whose last 10 coarse points still improve by 0.11 % of its level
 * (convergedThreshold 0.001: slow; 0.00125: converged). */
export function negativeNllSlowFall(): Run {
  return makeRun([{ name: 'loss', f: i => -3.2 - 2 * Math.exp(-i / 40) - 0.000098 * i, n: 1000 }], 1);
}

/** Near nonFiniteGradTolerance: a mixed-precision run whose GradScaler skips 0.9 % of the steps
 * (45 isolated Inf gradient norms in 5,000): overflow skips (info) with nonFiniteGradTolerance
 * 0.01, an error with 0.008. */
export function ampOverflowFrequent(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.3 + 2 * Math.exp(-i / 1000), n: 5000, noise: 0.1 },
      { name: 'grad_norm', f: i => (i % 111 === 50 && i < 5000 - 50 ? Infinity : 1), n: 5000, noise: 0.2 },
    ],
    6,
  );
}

/** Near vanishFactor: the gradient norm decays about 108x from its peak while the loss stays
 * flat at 0.69 (vanishFactor 100: vanishing; 125: not). */
export function vanishFactorNearMiss(): Run {
  return makeRun(
    [
      { name: 'loss', f: () => 0.69, n: 3000, noise: 0.01 },
      { name: 'grad_norm', f: i => Math.exp(-Math.log(110) * Math.min(1, i / 1500)), n: 3000, noise: 0.02 },
    ],
    29,
  );
}

/** Near vanishAbsNorm: gradient norms that were never large fall 8x to 9e-8, below the absolute
 * floor of 1e-7 (vanishAbsNorm 1e-7: vanishing; 8e-8: not), the loss flat at 0.69. */
export function vanishTinyNorm(): Run {
  return makeRun(
    [
      { name: 'loss', f: () => 0.69, n: 3000, noise: 0.01 },
      { name: 'grad_norm', f: i => 7.2e-7 * Math.exp(-Math.log(8) * Math.min(1, i / 1500)), n: 3000, noise: 0.02 },
    ],
    29,
  );
}

/** Near vanishLossMinRemaining: the loss fell from 1 to 0.53 and stopped there while the gradient
 * norm decayed 20,000x (vanishLossMinRemaining 0.5: vanishing; 0.625: the loss came down enough). */
export function vanishHalfwayLoss(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => 0.53 + 0.47 * Math.exp(-i / 150), n: 3000, noise: 0.01 },
      { name: 'grad_norm', f: i => Math.exp(-i / 300), n: 3000, noise: 0.1 },
    ],
    29,
  );
}

/** Near imbalanceTotalSlack: a VAE logging its total (recon + 0.047 KL) and the raw parts; the raw
 * KL term is 5.5 % above the total, so it was weighted down and the reconstruction is 95 % of the
 * loss (imbalanceTotalSlack 0.05: dominant; 0.0625: the KL term is read at its raw value). */
export function weightedKlTerm(): Run {
  const tot = (i: number) => 1 + Math.exp(-i / 300);
  return makeRun(
    [
      { name: 'loss', f: tot, n: 1000 },
      { name: 'recon_loss', f: i => 0.95 * tot(i), n: 1000 },
      { name: 'kl_loss', f: i => 1.055 * tot(i), n: 1000 },
    ],
    1,
  );
}

/** Near underfitChanceFraction: 10 classes (known), the training loss flat at 85 % of ln 10 and
 * the validation loss close to it (underfitChanceFraction 0.8: underfitting; 1.0: not). */
export function underfitNearChance(): Run {
  const run = makeRun(
    [
      { name: 'loss', f: i => 0.85 * Math.log(10) * (1 + 0.15 * Math.exp(-i / 5)), n: 60, noise: 0.003 },
      { name: 'val_loss', f: i => 0.87 * Math.log(10) * (1 + 0.15 * Math.exp(-i / 5)), n: 60, noise: 0.003 },
    ],
    23,
  );
  run.meta.num_classes = '10';
  return run;
}

/** Near chanceBand: 10 classes (known), a loss 2.4 % below ln 10 from the start, just within the
 * chance band (chanceBand 0.02: at chance, an error; 0.016: never moved, a warning). */
export function nearChanceBand(): Run {
  const run = makeRun([{ name: 'loss', f: () => 0.976 * Math.log(10), n: 100, noise: 0.0002 }], 17);
  run.meta.num_classes = '10';
  return run;
}

/** Near chanceInferTolerance: a loss stuck at ln 15 + 0.015 from the start, 23 % of the gap to
 * ln 16 (chanceInferTolerance 0.25: 15 classes inferred, at chance; 0.2: never moved). */
export function stuckNearLn15(): Run {
  return makeRun([{ name: 'loss', f: () => Math.log(15) + 0.015, n: 100, noise: 0.0002 }], 17);
}

/** Near chanceMaxInferredClasses: a loss stuck at ln 18 from the start (chanceMaxInferredClasses
 * 20: 18 classes inferred, at chance; 16: never moved). */
export function stuckAtLn18(): Run {
  return makeRun([{ name: 'loss', f: () => Math.log(18), n: 100, noise: 0.0002 }], 17);
}

/** A per-epoch validation loss that comes down noisily (1.5 % per evaluation), settles at 1.01,
 * 1.005 and its best, 1.0 at epoch 15, then sits at the given levels after it (relative to that
 * best), with a training loss given per epoch: the persistent-rise rule of overfitting
 * (overfitting.ts) on its own, the rise being too small for the noise rule. */
function persistentRiseRun(after: readonly number[], train: (i: number) => number, seed = 1): Run {
  const g = gauss(rng(seed));
  const kb = 14;
  const n = kb + 1 + after.length;
  const val = (i: number) =>
    i < kb - 2 ? (1.03 + 1.2 * Math.exp(-i / 3)) * Math.exp(0.015 * g()) : i === kb - 2 ? 1.01 : i === kb - 1 ? 1.005 : i === kb ? 1 : after[i - kb - 1];
  return makeRun(
    [
      { name: 'train_loss', f: train, n, start: 1 },
      { name: 'val_loss', f: val, n, start: 1 },
    ],
    seed,
  );
}

/** The validation loss rises 3.5-5 % over the 5 evaluations after its best while the training
 * loss keeps falling: overfitting (a near miss of overfitPersistPoints when its default was 5). */
export function persistentRiseFive(): Run {
  return persistentRiseRun([1.04, 1.035, 1.045, 1.04, 1.05], i => 0.05 + 2 * Math.exp(-i / 4));
}

/** The validation loss stays 2.5-6 % above its best for 8 evaluations while the training loss
 * falls 22 %: overfitting (a near miss of overfitGapTrainFall when its default was 0.2). */
export function persistentRiseTrainFall22(): Run {
  return persistentRiseRun([1.045, 1.025, 1.055, 1.035, 1.06, 1.035, 1.055, 1.04], i => (0.3 + 2 * Math.exp(-i / 3)) * (i > 14 ? Math.pow(0.82, (i - 14) / 7) : 1));
}

/** Near overfitPersistPoints: a GloVe-LSTM's 10 epochs (held-out batch 9): the validation loss
 * is best at epoch 6 (0.4651), then rises every epoch to 0.5049 (+8.6 %) while the training loss
 * falls 0.404 -> 0.316 (overfitPersistPoints 4: overfitting; 5: not). */
export function persistentRiseFour(): Run {
  const train = [0.5172, 0.4763, 0.455, 0.4399, 0.4213, 0.4043, 0.3802, 0.367, 0.3393, 0.3157];
  const val = [0.5118, 0.4771, 0.4725, 0.4772, 0.4751, 0.4651, 0.4836, 0.4901, 0.4981, 0.5049];
  return makeRun(
    [
      { name: 'train_loss', f: i => train[i], n: train.length, start: 1 },
      { name: 'val_loss', f: i => val[i], n: val.length, start: 1 },
    ],
    1,
  );
}

/** Near overfitGapTrainFall at its default: the same rise while the training loss falls by
 * 10-12.5 % from the best evaluation's step to its end (a slow fine-tune's: a sentiment model's
 * fell 13 % while its validation loss rose 13 % over 7 epochs; overfitGapTrainFall 0.1:
 * overfitting; 0.125: not). */
export function persistentRiseTrainFall11(): Run {
  return persistentRiseRun([1.045, 1.025, 1.055, 1.035, 1.06, 1.035, 1.055, 1.04], i => (0.3 + 2 * Math.exp(-i / 3)) * (i > 14 ? Math.pow(0.95, (i - 14) / 7) : 1));
}

/** Near overfitShortMinRise: a 3-epoch fine-tune whose validation loss goes 0.318, 0.320,
 * 0.39 (23 % above its best) while the training loss goes 0.386, 0.227, 0.113
 * (overfitShortMinRise 0.2: overfitting; 0.25: not). */
export function fewEvaluationsRise23(): Run {
  const train = [0.386, 0.227, 0.113];
  const val = [0.318, 0.32, 0.39];
  return makeRun(
    [
      { name: 'loss', f: i => train[i], n: 3 },
      { name: 'val_loss', f: i => val[i], n: 3 },
    ],
    1,
  );
}

/** Near lrStepFactor: a loss flat for 400 of 1000 steps after its first descent, then falling
 * again, while the LR decays linearly to 1/1.6 of its value at the stretch's start by its end
 * (at 1.5: the decay ended the stretch, no plateau; at 1.875: a plateau, info). */
export function plateauEndedByDecay(): Run {
  const flat = 1 + 2 * Math.exp(-5);
  return makeRun(
    [
      { name: 'loss', f: i => (i < 100 ? 1 + 2 * Math.exp(-i / 20) : i < 500 ? flat : flat * Math.exp(-(i - 500) / 150)), n: 1000, noise: 0.01 },
      { name: 'lr', role: 'lr', f: i => 1e-3 * (1 - (0.45 * i) / 520), n: 1000 },
    ],
    4,
  );
}

/** Near overfitNoiseZ: 60 evaluations with 2 % noise whose last 4 jump 10 % while the training
 * loss keeps falling (at 3 noise units: overfitting; at 3.75: within the noise). Too recent for
 * the groups of evaluations, whose medians have not moved. */
export function lastEvaluationsUp(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.05 + 2 * Math.exp(-i / 10), n: 60, start: 1, noise: 0.01 },
      { name: 'val_loss', f: i => (0.5 + 1.5 * Math.exp(-i / 8)) * (i >= 56 ? 1.1 : 1), n: 60, start: 1, noise: 0.02 },
    ],
    7,
  );
}

/** Near overfitMinPoints: 4 evaluations, 1.0, 0.7, 0.9, 0.86, while the training loss keeps
 * falling (overfitMinPoints 3: too few for the coarse rule, and the few-evaluations rule sees
 * the last 23 % above the best: overfitting; 2: the coarse rule's smoothed best is the third
 * evaluation, with one after it: not). */
export function fourEvaluationsRise(): Run {
  const train = [1.2, 0.8, 0.6, 0.45];
  const val = [1.0, 0.7, 0.9, 0.86];
  return makeRun(
    [
      { name: 'loss', f: i => train[i], n: 4 },
      { name: 'val_loss', f: i => val[i], n: 4 },
    ],
    1,
  );
}

/** Near overfitPersistTrendZ: an event-timing net's 30 epochs (held-out batch 8): the training
 * loss halves (0.181 -> 0.0895) while the validation loss, noisy by ~5 %, is best at epoch 9
 * (0.1757) and drifts up after it (Kendall's tau 0.36, 2.3 standard errors above 0; its level
 * only 1.3 standard errors above the evaluations around the best). overfitPersistTrendZ 2:
 * overfitting; 3: not. */
export function persistentNoisyDrift(): Run {
  const train = [0.181, 0.144, 0.1352, 0.1298, 0.1275, 0.1234, 0.1212, 0.1199, 0.1167, 0.1155, 0.1127, 0.1119, 0.1095, 0.1087, 0.1074, 0.105, 0.1035, 0.1028, 0.1003, 0.1008, 0.0984, 0.0977, 0.0959, 0.0955, 0.0932, 0.0932, 0.092, 0.0913, 0.0897, 0.0895];
  const val = [0.1929, 0.211, 0.1954, 0.1773, 0.1828, 0.1892, 0.1889, 0.1891, 0.1757, 0.1971, 0.1803, 0.1796, 0.21, 0.1894, 0.2026, 0.2063, 0.1926, 0.1913, 0.2238, 0.1895, 0.1903, 0.1968, 0.1951, 0.1991, 0.2082, 0.2036, 0.2132, 0.2003, 0.2031, 0.2107];
  return makeRun(
    [
      { name: 'train_loss', f: i => train[i], n: train.length, start: 1 },
      { name: 'val_loss', f: i => val[i], n: val.length, start: 1 },
    ],
    1,
  );
}

/** Near overfitPersistTau: 10 evaluations 4-6.5 % above the best that drift down a little
 * (Kendall's tau -0.29; overfitPersistTau 0.3: overfitting; 0.24: a falling trend, not). */
export function persistentRiseDriftingDown(): Run {
  return persistentRiseRun([1.065, 1.05, 1.06, 1.045, 1.058, 1.042, 1.062, 1.044, 1.052, 1.048], i => 0.05 + 2 * Math.exp(-i / 4));
}

/** Near trendMinChange: the validation loss rises 3.5 % from its best at epoch 16 while the
 * (noise-free) training loss creeps down 0.55 % (trendMinChange 0.005: still falling, overfitting;
 * 0.00625: flat, and 3.5 % is too small a rise without a falling training loss). */
export function valRiseTrainCreeps(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.3 * (1 + 5 * Math.exp(-i / 1.5)) * (1 - (0.0055 * Math.max(0, i - 15)) / 23), n: 40, start: 1 },
      { name: 'val_loss', f: i => (i < 15 ? 0.6 + 0.6 * Math.exp(-i / 2) * (15 - i) / 15 : 0.6 * (1 + (0.035 * (i - 15)) / 24)), n: 40, start: 1 },
    ],
    1,
  );
}

/** Near noLearnTrendMinDrop: a loss that creeps down steadily by 1.1 % over 100 points (no
 * learning by noLearnMinDrop; noLearnTrendMinDrop 0.01: a steady fall, learning; 0.0125: no
 * learning). */
export function steadyCreep(): Run {
  return makeRun([{ name: 'loss', f: i => 1.5 * (1 - (0.011 * i) / 99), n: 100, noise: 0.001 }], 1);
}

/** Near noLearnTrendTau: a loss that falls 1.8 % over 200 points under 0.9 % noise (Kendall's
 * tau -0.32; noLearnTrendTau 0.3: a steady fall, learning; 0.375: no learning). */
export function noisyCreep(): Run {
  return makeRun([{ name: 'loss', f: i => 1.5 * (1 - (0.018 * i) / 199), n: 200, noise: 0.009 }], 1);
}

/** 20 per-epoch losses falling 2.5 % under 0.8 % noise (3.3 standard errors of Kendall's tau):
 * a steady fall, learning (a near miss of noLearnTrendZ when its default was 3). */
export function shortCreep(): Run {
  return makeRun([{ name: 'loss', f: i => 1.5 * (1 - (0.025 * i) / 19), n: 20, noise: 0.008 }], 3);
}

/** Near noLearnTrendZ: a code-explainer's 10 epochs (held-out batch 9), 9.23 -> 3.45 with one
 * jump to 8.36 at epoch 5, which lifts the noise estimate so far that the fall is within it;
 * its Kendall's tau, -0.73, is 2.95 standard errors below 0 (noLearnTrendZ 2: a steady fall,
 * learning; 3: no learning). */
export function shortSpikyFall(): Run {
  const v = [9.23, 5.1, 4.68, 4.6, 8.36, 4.16, 4.64, 4.33, 3.94, 3.45];
  return makeRun([{ name: 'loss', f: i => v[i], n: v.length, start: 1 }], 1);
}

/** Near notConvergedValTau: the training loss still falls fast while the validation loss still
 * creeps down under its noise at the end (Kendall's tau of its last third -0.28:
 * notConvergedValTau 0.3: the validation loss stalled, no not-converged; 0.24: not-converged). */
export function valStillCreeping(): Run {
  return makeRun(
    [
      { name: 'train_loss', f: i => 0.05 + 2 * Math.exp(-i / 25), n: 60, start: 1, noise: 0.005 },
      { name: 'val_loss', f: i => 0.6 * (1 + 0.8 * Math.exp(-i / 8)) * (1 - (0.1 * i) / 59), n: 60, start: 1, noise: 0.02 },
    ],
    4,
  );
}

/** An LR range test: n points, the LR rising geometrically from lrStart to lrEnd, the loss a
 * function of log10(LR) (with 3 % noise unless said). */
function rangeTestRun(n: number, lrStart: number, lrEnd: number, loss: (log10Lr: number) => number, seed = 33, noise = 0.03): Run {
  const lr = (i: number) => lrStart * Math.pow(lrEnd / lrStart, i / (n - 1));
  return makeRun(
    [
      { name: 'loss', f: i => loss(Math.log10(lr(i))), n, noise },
      { name: 'lr', f: lr, n },
    ],
    seed,
  );
}

/** A logistic fall of 1.5 from 2.3 centred on log10(LR) = c (the steepest point). */
const rangeLoss = (c: number, width = 0.5) => (x: number) => 2.3 - 1.5 / (1 + Math.exp(-(x - c) / width));

/** Near lrRangeMinDecades: an LR range test over 2.2 decades (1e-4 to 1.6e-2; lrRangeMinDecades 2:
 * a range test, an LR suggestion; 3: an ordinary run). */
export function narrowRangeTest(): Run {
  return rangeTestRun(200, 1e-4, 1.6e-2, rangeLoss(-3));
}

/** Near lrRangeMinPoints: a 22-point LR range test from 1e-6 to 1 (lrRangeMinPoints 20: a range
 * test, an LR suggestion; 25: an ordinary run). */
export function shortRangeTest(): Run {
  return rangeTestRun(22, 1e-6, 1, rangeLoss(-3, 0.7), 33, 0.01);
}

/** Near lrRangeMaxPoints: an 18,000-point LR range test from 1e-7 to 10 (lrRangeMaxPoints 20000:
 * a range test, an LR suggestion; 16000: an ordinary run). */
export function longRangeTest(): Run {
  return rangeTestRun(18000, 1e-7, 10, rangeLoss(-3));
}

/** Near lrSkipStart: a range test started at too high an LR (1e-5 to 1 over 300 points): the loss
 * falls fastest 9 % into it, inside the first 10 % that is skipped (lrSkipStart 0.1: the
 * suggestion is the first point after it; 0.08: the steepest point itself). */
export function rangeTestSteepEarly(): Run {
  return rangeTestRun(300, 1e-5, 1, rangeLoss(-4.6, 0.25), 33, 0.005);
}

/** Near lrSkipEnd: a short range test stopped before the loss turned (1e-6 to 1e-2 over 60 points):
 * the loss falls fastest at its very end, so the suggestion is the last point not skipped
 * (lrSkipEnd 5, 6 or 4 points give three different suggestions). */
export function rangeTestSteepAtEnd(): Run {
  return rangeTestRun(60, 1e-6, 1e-2, rangeLoss(-2.2, 0.5), 33, 0.005);
}

/** A range test (1e-7 to 10 over 300 points) whose loss falls around LR 1e-3, then at LR 0.1
 * shoots up to `height` times its floor for `points` points and comes back (a catapult), before
 * it blows up for good beyond LR 1. */
function rangeTestCatapult(height: number, points: number): Run {
  const n = 300;
  const at = Math.round((6 / 8) * (n - 1));
  return rangeTestRun(n, 1e-7, 10, x => {
    const i = Math.round(((x + 7) / 8) * (n - 1));
    const base = rangeLoss(-3)(x) + (x > 0 ? Math.pow(10, x) * 20 - 20 : 0);
    return i >= at && i < at + points ? base * height : base;
  });
}

/** Near lrSmoothBeta: the catapult is 6x for 8 points; the EMA of beta 0.98 rides over it (the
 * suggestion is the steepest fall, where the loss comes back down from the catapult); with beta
 * 0.784 the smoothed loss passes 4x its best there and the test is cut at it (the suggestion is
 * in the fall around LR 1e-3). */
export function rangeTestShortCatapult(): Run {
  return rangeTestCatapult(6, 8);
}

/** Near lrDivergeFactor: the catapult is 14x for 25 points, taking the smoothed loss to 4.35x its
 * best: lrDivergeFactor 4 cuts the test there (the suggestion is in the fall around LR 1e-3);
 * 5 does not (the suggestion is where the loss comes back down from the catapult). */
export function rangeTestLongCatapult(): Run {
  return rangeTestCatapult(14, 25);
}

/** A healthy per-step loss (5,000 points, 10 % noise) with `height`x bursts of 3 points at the
 * given points. */
function burstyLoss(height: number, at: readonly number[], seed = 8): Run {
  const hit = (i: number) => at.some(a => i >= a && i < a + 3);
  return makeRun([{ name: 'loss', f: i => (hit(i) ? height : 1) * (0.3 + 2 * Math.exp(-i / 800)), n: 5000, noise: 0.1 }], seed);
}

/** Near oscBurstCount: 8 bursts of 4x, 3 of them in the last 30 % (oscBurstCount 8: an
 * oscillation; 10: 8 loss spikes). */
export function eightBursts(): Run {
  return burstyLoss(4, [500, 1100, 1700, 2300, 2900, 3600, 4200, 4800]);
}

/** Near oscBurstRatio: 10 bursts of 2.2x, of which 8 are recognised, their median 2.35x the
 * local level, 4 of them in the last 30 % (oscBurstRatio 2: an oscillation; 3: loss spikes). */
export function lowBursts(): Run {
  return burstyLoss(2.2, [400, 800, 1200, 1600, 2000, 2600, 3600, 4000, 4400, 4800]);
}

/** Near oscMinAmplitude: 100 per-epoch losses alternating 7 % above and below 0.8 (a robust swing
 * of +-11 %; oscMinAmplitude 0.1: ping-pong, an oscillation; 0.125: too small a swing). */
export function smallPingPong(): Run {
  return makeRun([{ name: 'loss', f: i => 0.8 * Math.exp(i % 2 ? 0.07 : -0.07), n: 100, noise: 0.01 }], 11);
}

/** Near oscNoiseRatio: a per-step loss swinging slowly (period 500) by +-22 % under 30 % minibatch
 * noise: its block medians vary 3.05x what the noise explains (oscNoiseRatio 3: slow swings,
 * an oscillation; 4: not). */
export function faintSlowSwings(): Run {
  return makeRun([{ name: 'loss', f: i => 0.8 * Math.exp(0.22 * Math.sin((2 * Math.PI * i) / 500)), n: 6000, noise: 0.3 }], 12);
}

/** Near oscShortMinRange: 18 per-epoch losses that, after a short descent, bounce between about
 * 0.6 and 1.4 (a 2.4x range; oscShortMinRange 2: an oscillation; 3: not). */
export function shortBounceNarrow(): Run {
  const v = [2.2, 1.5, 0.62, 1.38, 0.6, 1.4, 0.65, 1.35, 0.6, 1.42, 0.63, 1.36, 0.61, 1.4, 0.64, 1.38, 0.6, 1.41];
  return makeRun([{ name: 'train_loss', f: i => v[i], n: v.length, start: 1 }], 1);
}

/** Near oscShortMinAmplitude: 18 per-epoch losses that, after a short descent, bounce between
 * about 0.7 and 1.42 with one dip to 0.5 (a robust swing of +-67 %; oscShortMinAmplitude 0.6: an
 * oscillation; 0.75: not). */
export function shortBounceSmallSwing(): Run {
  const v = [2.2, 1.5, 0.7, 1.42, 0.72, 1.4, 0.5, 1.42, 0.7, 1.41, 0.71, 1.43, 0.7, 1.4, 0.72, 1.42, 0.7, 1.41];
  return makeRun([{ name: 'train_loss', f: i => v[i], n: v.length, start: 1 }], 1);
}

/** A per-sample loss (batch size 1: log-normal noise of sd `noise`) settling at 0.5 that steps up
 * by a factor `rise` at point 1500 of 2000 and stays there. */
function perSampleStepUp(rise: number, noise: number): Run {
  return makeRun([{ name: 'loss', f: i => (0.5 + 2 * Math.exp(-i / 200)) * (i >= 1500 ? rise : 1), n: 2000, noise }], 41);
}

/** Near divergenceNoiseZ: a per-sample loss so noisy (0.8 in log space) that the divergence
 * threshold is 6 noise units of its smoothed level (2.3x), not the 2x floor; it steps up 1.8x for
 * its last quarter, and 87 % of its last 32 values clear half that threshold above the smoothed
 * best (divergenceNoiseZ 6: divergence; 8: a 3.1x threshold, and too few of them clear half of
 * it). */
export function noisyStepUp(): Run {
  return perSampleStepUp(1.8, 0.8);
}

/** Near scheduleGuardPoints: the LR is cut 10x at step 3000 and restored at step 4000; a 5x
 * loss spike 18 steps after the restore (scheduleGuardPoints 20: the schedule's doing, not
 * reported; 16: a loss spike). */
export function spikeAfterLrRestore(): Run {
  return makeRun(
    [
      { name: 'loss', f: i => (i >= 4018 && i < 4021 ? 5 : 1) * (0.3 + 2 * Math.exp(-i / 800)), n: 5000, noise: 0.1 },
      { name: 'lr', f: i => (i >= 3000 && i < 4000 ? 1e-4 : 1e-3), n: 5000 },
    ],
    8,
  );
}

/** Near divergenceRecoveredMinUndo: the loss falls from 1.0 to 0.09, sits at 0.19 for 40 points
 * and comes back: a rise of 2.1x its best that undoes 11 % of what it learned (0.1: a divergence
 * that came back; 0.125: too small a share to report). */
export function recoveredSmallUndo(): Run {
  return makeRun([{ name: 'loss', f: i => (i >= 100 && i < 140 ? 0.19 : 0.09 + 0.91 * Math.exp(-i / 15)), n: 300, noise: 0.01 }], 5);
}

/** Near divergenceRecoveredMinLearned: the loss falls from 1.0 to 0.48 (it learned 52 %), jumps
 * back to 1.0 for 40 points and comes back (0.5: a divergence that came back; 0.625: it had not
 * learned enough before it to call the rise a divergence). */
export function recoveredAfterHalving(): Run {
  return makeRun([{ name: 'loss', f: i => (i >= 100 && i < 140 ? 1.0 : 0.48 + 0.52 * Math.exp(-i / 15)), n: 300, noise: 0.01 }], 6);
}

/**
 * A loss logged as a running mean that starts again each epoch (AverageMeter's average, YOLO's
 * `mloss`): `epochs` epochs of `per` batches of a noisy falling loss (log-normal, `noise` log
 * units), the mean so far logged at batches 0, `every`, 2 `every`, ...; steps are fractional
 * epochs. Each epoch's first point is one batch's loss.
 */
export function runningMeanEpochs(epochs = 12, points = 20, every = 10, noise = 0.5, seed = 41): Run {
  const run = createRun('synthetic.log', 'text');
  run.meta.stepUnit = 'epoch';
  const s = new Series('loss', 'train_loss');
  run.series.set('loss', s);
  const g = gauss(rng(seed));
  const per = points * every;
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (let b = 0; b < per; b++) {
      const t = e + b / per;
      sum += (0.3 + 2 * Math.exp(-t / 3)) * Math.exp(noise * g());
      if (b % every === 0) s.push(t, sum / (b + 1));
    }
  }
  return run;
}

/** A running mean that settles slowly (median first-third over last-third |change| 3.2). */
export function runningMeanSlowSettle(): Run {
  return runningMeanEpochs(12, 10, 10, 0.05, 41);
}

/** A running mean with small jumps into an epoch (median 5.5 times the last third's change). */
export function runningMeanSmallJumps(): Run {
  return runningMeanEpochs(12, 10, 1, 0.5, 45);
}

/** A running mean logged eight times an epoch. */
export function runningMeanEightPoints(): Run {
  return runningMeanEpochs(12, 8, 5, 0.5, 41);
}

/** A running mean over three epochs only. */
export function runningMeanThreeEpochs(): Run {
  return runningMeanEpochs(3, 20, 10, 0.5, 41);
}
