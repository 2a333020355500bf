/**
 * Named synthetic runs, one per situation the engine must recognise or must leave alone.
 * Every run is seeded; steps are point indices unless said otherwise.
 */
import type { Run } from '../../../src/core/model';
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

/** Settles at 1, then jumps to 3 at point 400 and stays there to point 427: about 22 points
 * of excursion after the last near-best level (divergenceMinPoints 20 passes, 25 does not). */
export function lateSmallDivergence(): Run {
  return makeRun([{ name: 'loss', f: i => (i < 400 ? 1 + 2 * Math.exp(-i / 40) : 3), n: 428 }], 1);
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
