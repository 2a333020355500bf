/**
 * Every threshold the diagnostic engine uses, in one place, with its default.
 *
 * Conventions:
 * - Loss-like series (losses, gradient norms, learning rates) are analysed in log space, so
 *   "ratio" and "relative" thresholds below are multiplicative factors on the raw value.
 * - "Noise" is the run's own robust noise level: sigma = 1.4826 * median(|second difference|)
 *   / sqrt(6) of the (log) series, measured over fixed windows, never an absolute constant.
 * - "Coarse points" are robust block medians: each series is summarised into at most
 *   `coarsePoints` equal blocks (the block size doubles as the series grows), so trend
 *   detectors always look at a bounded number of robust points.
 */
export interface DiagnoseSettings {
  // ---- general -------------------------------------------------------------------------
  /** Maximum number of coarse points (block medians) kept per series. Default 256. */
  coarsePoints: number;
  /**
   * Samples per window of the local noise estimate used by the spike detector (every second
   * point's |second difference| is sampled, so a window spans twice as many points). The local
   * noise is the larger of the median of the last 9 window medians and the median of the last
   * `noiseWindow` samples (refreshed every 16 samples, i.e. 32 points), so that it keeps up when
   * the noise grows (the log-space noise of a loss grows as the loss falls). Default 32.
   */
  noiseWindow: number;
  /** Lower bound of the noise level in log units (0.002 = 0.2 %), for noise-free logs. */
  noiseFloor: number;
  /** Number of classes when known (chance level = ln C); otherwise inferred from the first loss. */
  numClasses: number | undefined;
  /**
   * Points after a restart or an LR jump (warm restart) during which spikes and divergence
   * onsets are attributed to the schedule and not reported. Default 20.
   */
  scheduleGuardPoints: number;

  // ---- running means -------------------------------------------------------------------
  /**
   * A loss logged as a running mean that starts again each epoch (AverageMeter's average, a
   * tqdm postfix, YOLO's `mloss`) is judged on its value at each epoch's end (runningMean.ts).
   * It is recognised in epochs of at least `runningMeanEpochPoints` points (default 8), at
   * least `runningMeanMinEpochs` of them (default 3), where the median over those epochs of the
   * mean |change| between successive points over an epoch's first third, over that of its last
   * third, is at least `runningMeanDecay` (default 3: a running mean settles, a per-batch series
   * does not), and the median jump into an epoch, over the last third's mean |change| of the
   * epoch before, is at least `runningMeanJump` (default 5: a running mean starts again).
   */
  runningMeanEpochPoints: number;
  /** See `runningMeanEpochPoints`. Default 3. */
  runningMeanMinEpochs: number;
  /** See `runningMeanEpochPoints`. Default 3. */
  runningMeanDecay: number;
  /** See `runningMeanEpochPoints`. Default 5. */
  runningMeanJump: number;

  // ---- non-finite ----------------------------------------------------------------------
  /**
   * Share of non-finite gradient norms, isolated and followed by finite ones, that is read as
   * mixed-precision overflow skips (GradScaler) and reported as info only. Default 0.01.
   */
  nonFiniteGradTolerance: number;
  /** At most this many non-finite loss values that recovered are a warning, not an error. Default 3. */
  nonFiniteIsolatedMax: number;

  // ---- loss spikes ---------------------------------------------------------------------
  /**
   * A spike rises above the local level by more than this many noise units (OLMo uses 6). Over
   * long series the threshold grows like the largest value pure Gaussian noise reaches,
   * sqrt(2 ln n) + 1 noise units after n points (6.7 at 10 million), so that a healthy run does
   * not produce spikes by chance.
   */
  spikeZ: number;
  /** ... and by at least this factor over the local level. Default 1.3. */
  spikeMinRatio: number;
  /**
   * A spike must also rise by at least this share of how far the series came down over the
   * run (its initial level minus its lowest level): a jump that is tiny in the run's own terms
   * (0.003 -> 0.005 on a loss that fell from 0.7) is not a finding. Default 0.05.
   */
  spikeMinProgressShare: number;
  /**
   * A series of fewer values than this (a per-epoch loss, too short for the local noise level)
   * has a spike where one value, or two in a row, are at least spikeWarnRatio times the values
   * on both sides of them. Default 128.
   */
  spikeShortMaxPoints: number;
  /**
   * A short series with more than two spikes whose values make up more than this share of it
   * is erratic, not spiking. Default 0.2.
   */
  spikeShortMaxShare: number;
  /**
   * ... and by this many times the series' own tail: the 99.5th percentile of its upward
   * deviations from the local level (in noise units, over the points so far, from 128 points
   * on). That percentile is about 2.5 for Gaussian noise, so the default leaves the threshold at
   * about `spikeZ` there, while heavy-tailed minibatch noise, whose large single-point blips are
   * common, needs a proportionally larger jump. Default 2.4.
   */
  spikeTailFactor: number;
  /** A spike must come back within this many points, else it is a level shift. Default 100. */
  spikeRecoveryPoints: number;
  /** Recovered = back within this many noise units of the pre-spike level. Default 3. */
  spikeRecoverZ: number;
  /** Span (points) of the exponential moving average that tracks the local level. Default 20. */
  spikeBaselineSpan: number;
  /** Upward moves of the local level are clipped to this many noise units per point. Default 3. */
  spikeBaselineClip: number;
  /** Spikes reported per series (largest first); all are counted and listed in evidence. Default 5. */
  spikeMaxFindings: number;
  /** A spike at least this many times its local level is a warning (smaller: info). Default 2. */
  spikeWarnRatio: number;
  /** With at least this many spikes in a series every spike is a warning. Default 3. */
  spikeWarnCount: number;

  // ---- divergence ----------------------------------------------------------------------
  /** The smoothed loss must stay at least this many times above its best. Default 2. */
  divergenceMinRatio: number;
  /** ... and the excursion must last at least this many points, to the end. Default 20. */
  divergenceMinPoints: number;
  /**
   * ... and at least this share of the last 32 values must be above the best level by half the
   * divergence threshold (a single burst at the end is not a divergence). Default 0.8.
   */
  divergenceTailShare: number;
  /**
   * A series of fewer than divergenceMinPoints values diverged when its last this many values
   * (at least a third of it) all stay divergenceShortRatio times above its lowest value before
   * them. Default 3.
   */
  divergenceShortPoints: number;
  /** See divergenceShortPoints. Default 3. */
  divergenceShortRatio: number;
  /** Span (points) of the moving average whose minimum is the "best" level. Default 30. */
  divergenceSpan: number;
  /** The rise must also exceed this many noise units of that average. Default 6. */
  divergenceNoiseZ: number;
  /**
   * A divergence that came back (a warning) needs the loss to have learned before it: its best
   * at most (1 - this) times its initial level. Default 0.5.
   */
  divergenceRecoveredMinLearned: number;
  /** ... and the rise to undo at least this share of what it had learned. Default 0.1. */
  divergenceRecoveredMinUndo: number;

  // ---- oscillation ---------------------------------------------------------------------
  /** Share of the series (its tail) examined. Default 0.3. */
  oscWindowFraction: number;
  /**
   * Minimum coarse points in that window. Default 20 (with fewer, even a perfect up-down
   * alternation is not 3 standard errors away from noise).
   */
  oscMinPoints: number;
  /**
   * A loss that keeps jumping between its floor and several times it is oscillating: at least
   * this many bursts (spikes), the last 30 % of the points holding 3 of them. Default 8.
   */
  oscBurstCount: number;
  /**
   * A validation loss (at most coarsePoints evaluations) whose last third changes by at least
   * this share from one evaluation to the next (median) with no net progress oscillates.
   * Default 0.25.
   */
  oscValSwing: number;
  /** The validation swing rule looks at the last third of the evaluations, at least this many.
   * Default 10. */
  oscValMinEvaluations: number;
  /** ... with no net progress: Kendall's tau within this many standard errors of 0. Default 2. */
  oscValNetZ: number;
  /** ... their median height at least this many times the local level. Default 2. */
  oscBurstRatio: number;
  /** Minimum swing around the level, relative (0.1 = +-10 %). Default 0.1. */
  oscMinAmplitude: number;
  /**
   * Turning-point test: direction changes must exceed the 2/3 of i.i.d. noise by this many
   * standard errors (ping-pong). Default 3.
   */
  oscTurningZ: number;
  /**
   * Slow swings: the coarse points must vary this many times more than within-block
   * minibatch noise explains. Default 3.
   */
  oscNoiseRatio: number;
  /** No net progress: the change across the window is below this share of the swing. Default 0.5. */
  oscProgressFraction: number;
  /**
   * Short series (fewer than oscMinPoints / oscWindowFraction coarse points, e.g. per-epoch
   * logs): the window after the initial descent must have at least this many points. Default 10.
   */
  oscShortMinPoints: number;
  /**
   * ... must span at least this factor (max / min), with a robust swing (1.4826 MAD, log space)
   * of at least `oscShortMinAmplitude`. Default 2.
   */
  oscShortMinRange: number;
  /**
   * Minimum robust swing of a short series, relative (0.6 = +-60 %): typical excursions of 1.6x,
   * beyond the +-20..45 % of single-minibatch losses in short per-step logs. Default 0.6.
   */
  oscShortMinAmplitude: number;
  /**
   * ... and have at least `oscShortMinReversals` turning points whose moves in and out both
   * change the loss by at least this share (0.5 = 1.5x). Default 0.5.
   */
  oscShortMinSwing: number;
  /** Large reversals required in a short series. Default 3. */
  oscShortMinReversals: number;
  /**
   * No net progress in a short series: its downward trend (Kendall's tau against the point
   * order) is less than this many standard errors. Default 2.
   */
  oscShortTrendZ: number;
  /**
   * ... and its swings are as large as the progress made: the descent from the initial level
   * to the window's median is at most this many robust swings (1.4826 MAD of the window, log
   * space). A healthy noisy run has descended many times its noise. Default 1.
   */
  oscShortMaxDescent: number;

  // ---- plateau -------------------------------------------------------------------------
  /** A new best must improve on the previous best by at least this share (1 %). Default 0.01. */
  plateauMinImprovement: number;
  /** ... and by at least this many noise units of the coarse points. Default 3. */
  plateauNoiseZ: number;
  /** A plateau lasts at least this many points. Default 20. */
  plateauMinPoints: number;
  /** A plateau that later ended lasts at least this share of the series. Default 0.15. */
  plateauMinFraction: number;
  /** A plateau still going at the end is reported (info) from this share of the series. Default 0.5. */
  plateauTerminalFraction: number;
  /**
   * A validation loss's plateau (never better than its first level while the training loss
   * kept falling) is judged from this many evaluations.
   * Default 8.
   */
  plateauValMinPoints: number;
  /**
   * Series whose improvement threshold (from their noise) would exceed this share are too noisy
   * to call plateaus in. Default 0.25.
   */
  plateauMaxTolerance: number;

  // ---- no learning / chance level ------------------------------------------------------
  /** Minimum points before judging. Default 10. */
  noLearnMinPoints: number;
  /** "Moved meaningfully" = fell at least this share below the initial loss. Default 0.05. */
  noLearnMinDrop: number;
  /** A fall counts (no-learning, the chance band) beyond this many coarse noise units. Default 3. */
  noLearnNoiseZ: number;
  /**
   * A loss that falls steadily is learning even when it fell less than noLearnMinDrop (a loss
   * with a high floor, a capture that starts late in training): Kendall's tau of the coarse
   * points at or below minus this and noLearnTrendZ standard errors below 0, with a Theil-Sen
   * fall of at least noLearnTrendMinDrop. Default 0.3.
   */
  noLearnTrendTau: number;
  /** See noLearnTrendTau. Default 2 (3 called a 10-epoch loss that fell 63 % "not learning":
   * one jump had lifted its noise estimate, and its tau of -0.73 was 2.95 standard errors). */
  noLearnTrendZ: number;
  /** See noLearnTrendTau. Default 0.01. */
  noLearnTrendMinDrop: number;
  /** "At chance" = within this share of ln C. Default 0.02. */
  chanceBand: number;
  /**
   * C is inferred from the initial loss L0 when exp(L0) is near an integer k >= 2: |L0 - ln k|
   * within this share of the gap between ln k and ln(k+1), and within 0.02 nats. Default 0.25.
   * An inferred C only labels a loss that never moved as "chance level"; it never triggers
   * underfitting on its own (a loss near ln k by coincidence is common).
   */
  chanceInferTolerance: number;
  /** Largest C that is inferred (beyond it, ln k and ln(k+1) are too close to tell). Default 20. */
  chanceMaxInferredClasses: number;

  // ---- convergence (seed: convergence_analysis) -----------------------------------------
  /**
   * not-converged is not reported when the validation loss no longer falls: Kendall's tau of
   * its last third above minus this. Default 0.3.
   */
  notConvergedValTau: number;
  /** ... nor when the training loss ended below this share of its initial level. Default 0.02. */
  notConvergedCollapsedShare: number;
  /**
   * not-converged also when the last third of the coarse points falls by at least this share
   * (Theil-Sen, Kendall's tau 3 standard errors below 0): the seed's 10-point window is a sliver
   * of a long run. Default 0.05.
   */
  notConvergedTailFall: number;
  /** Window (coarse points) of the convergence analysis. Default 10 (the seed's patience). */
  convergencePatience: number;
  /** The window's change counts (else: converged) above this many coarse noise units; also the
   * validation loss's fall that keeps not-converged possible. Default 2. */
  convergenceNoiseZ: number;
  /** not-converged on a slower fall (>= notConvergedMinImprovement) needs Kendall's tau of the
   * window at or below minus this. Default 0.5. */
  notConvergedTau: number;
  /** The tail rule (notConvergedTailFall) needs Kendall's tau this many standard errors below 0.
   * Default 3. */
  notConvergedTailZ: number;
  /** Relative improvement over the window below this: converged. Default 0.001. */
  convergedThreshold: number;
  /** Relative improvement over the window above this: converging fast. Default 0.1. */
  fastThreshold: number;
  /** not-converged also fires on slow convergence from this improvement (1 %), if significant. */
  notConvergedMinImprovement: number;

  // ---- overfitting / capacity (seed: plot_loss_curves, model_capacity_analysis) -------------
  /** Validation loss must rise at least this share above its best. Default 0.02. */
  overfitMinRise: number;
  /**
   * ... and at least this share when the training loss is not measurably falling after the best
   * validation step (flat within its noise, or not logged): a converged model's validation loss
   * drifts by a few percent without overfitting. Default 0.05.
   */
  overfitFlatTrainMinRise: number;
  /** ... and at least this many noise units of the validation series. Default 3. */
  overfitNoiseZ: number;
  /** Validation points required after the best one (persistence). Default 3. */
  overfitMinPoints: number;
  /**
   * A persistent rise (validation losses of at most coarsePoints evaluations): at least this
   * many evaluations after the lowest one, the last half of them (at least this many) above it
   * by overfitMinRise, the median of all of them by twice that, no falling trend among them,
   * while the training loss fell by at least overfitGapTrainFall since the lowest evaluation.
   * Default 4 (5 missed a validation loss that rose every one of its last 4 epochs, +8.6 %,
   * while the training loss fell 22 %).
   */
  overfitPersistPoints: number;
  /** See overfitPersistPoints (and overfitShortMinRise). Default 0.1 (0.2 missed a fine-tune
   * whose validation loss rose 13 % over its last 7 epochs while its training loss fell 13 %). */
  overfitGapTrainFall: number;
  /**
   * A validation loss of too few evaluations for the rules above (fewer than
   * overfitMinPoints + 2: a 3-epoch fine-tune) overfits when every evaluation after its lowest
   * one sits above it, the last by at least this share, while the training loss fell by
   * overfitGapTrainFall meanwhile. Without a noise estimate the rise must be large: a converged
   * model's validation loss moves by a few percent from epoch to epoch. Default 0.2.
   */
  overfitShortMinRise: number;
  /** Persistent rise: no falling trend (Kendall's tau below minus this) among the evaluations
   * after the best; a rising one is tau >= this, `overfitPersistTrendZ` standard errors above 0.
   * Default 0.3. */
  overfitPersistTau: number;
  /** See overfitPersistTau. Default 2 (one-sided p ≈ 0.02; 3 missed a noisy validation loss
   * drifting up 8 % over 20 epochs after its best while the training loss halved, tau 0.36). */
  overfitPersistTrendZ: number;
  /**
   * A training loss "kept falling" (overfitting, the validation plateau) when it changed by more
   * than this many of its coarse noise units... Default 2.
   */
  trendNoiseZ: number;
  /** ... and by more than this share. Default 0.005. */
  trendMinChange: number;
  /**
   * ... and the median of the evaluations after the lowest one is above the median of the 5
   * evaluations around it by this many standard errors (or they keep rising). Default 2.5.
   */
  overfitPersistZ: number;
  /** Validation points in the seed's trend (slope of the last N points). Default 10. */
  overfitTrendPoints: number;
  /** Training accuracy above this with validation accuracy below `capacityLowAcc`: overfit. */
  capacityHighAcc: number;
  /** Both accuracies below this: underfit. Default 0.7. */
  capacityLowAcc: number;
  /**
   * An accuracy more than this below 1 - L / ln 2 (L: the loss at the end) cannot measure the
   * task of a cross-entropy loss L, and is not used for underfitting or overfitting. Default 0.05.
   */
  accLossSlack: number;
  /** Accuracies within this of each other: capacity adequate. Default 0.05. */
  capacityGap: number;

  // ---- underfitting --------------------------------------------------------------------
  /** "Close to validation": validation loss at most this share above training. Default 0.1. */
  underfitMaxGap: number;
  /** "Near chance": the training loss is still at least this share of ln C. Default 0.8. */
  underfitChanceFraction: number;

  // ---- early stopping (seed: LossMonitor.should_stop) -----------------------------------
  /** Evaluations without improvement before stopping. Default 10. */
  earlyStopPatience: number;
  /** Improvement needed to reset the patience. Default 0.001. */
  earlyStopMinDelta: number;
  /**
   * 'rel': an improvement is below best * (1 - min_delta), the seed's 0.001 read relative to the
   * series' scale (the same as the seed's for a loss near 1; an absolute 0.001 would be 10 % of
   * a loss near 0.01, so nothing later could count as an improvement); 'abs': best - min_delta,
   * as the seed writes it. Default 'rel'.
   */
  earlyStopMinDeltaMode: 'abs' | 'rel';
  /** Reported when at least this share of the evaluations came after the stop. Default 0.1. */
  earlyStopMinSaving: number;
  /**
   * ... and when the evaluations after the stop are meaningfully worse than the best: their
   * median (of the coarse points) is above the best by at least this share and by
   * `earlyStopNoiseZ` noise units. A flat, noisy plateau is not reported. Default 0.01.
   */
  earlyStopMinRise: number;
  /** Noise units (point noise of the validation series) for `earlyStopMinRise`. Default 2. */
  earlyStopNoiseZ: number;
  /**
   * A validation loss after the stop that is within its noise of the best (but at least
   * `earlyStopMinRise` above it) is still reported when the training loss fell by at least this
   * share after the stop: more training widened the gap and bought no validation progress.
   * Default 0.2.
   */
  earlyStopGapTrainFall: number;

  // ---- gradients -----------------------------------------------------------------------
  /** Gradient norm growth above its lowest level that counts as explosion. Default 10. */
  gradGrowthFactor: number;
  /** Gradient-norm spike threshold in noise units. Default 6. */
  gradSpikeZ: number;
  /** ... and minimum factor over the local level. Default 5. */
  gradSpikeMinRatio: number;
  /**
   * Gradient-norm spikes are a warning from this many in a series, or when the training loss
   * diverged or went non-finite; fewer (a single spike that recovered) are info. Default 2.
   */
  gradSpikeWarnCount: number;
  /** Decay of the gradient norm from its peak that counts as vanishing. Default 100. */
  vanishFactor: number;
  /** Gradient norms below this are tiny whatever their history (SageMaker uses 1e-7). */
  vanishAbsNorm: number;
  /** Vanishing needs the loss to be still at least this share of its initial value. Default 0.5. */
  vanishLossMinRemaining: number;

  // ---- multi-part losses ---------------------------------------------------------------
  /** One part above this share of the sum of parts dominates. Default 0.9. */
  imbalanceShare: number;
  /** ... for at least this share of the run. Default 0.75. */
  imbalanceMinFraction: number;
  /** Parts differing by this factor or more are imbalanced. Default 100. */
  imbalanceRatio: number;
  /** Steps sampled across the run to compare parts. Default 16. */
  imbalanceSamples: number;
  /**
   * A part above the logged total by more than this share was weighted down before it was
   * added; its contribution is what the total leaves after the other parts. Default 0.05.
   */
  imbalanceTotalSlack: number;

  // ---- learning rate -------------------------------------------------------------------
  /** A single-step LR change by this factor is a schedule step (drop or warm restart). */
  lrStepFactor: number;
  /** A range test spans at least this many decades of LR. Default 2. */
  lrRangeMinDecades: number;
  /** ... has at least this many points. Default 20. */
  lrRangeMinPoints: number;
  /** ... and at most this many (longer runs are not range tests). Default 20000. */
  lrRangeMaxPoints: number;
  /** ... and log(LR) is linear in the point index with at least this R^2. Default 0.95. */
  lrRangeMinR2: number;
  /**
   * Debiased EMA factor of the loss in the range test (fastai: 0.98); used, as in fastai and
   * the seed, to decide where the test blew up.
   */
  lrSmoothBeta: number;
  /**
   * Half-width, as a share of the test's points, of the centred moving average whose slope
   * against log(LR) picks the suggestion. Centred, so it has none of the EMA's lag. Default 0.05.
   */
  lrSlopeWindow: number;
  /** The range test is cut where the smoothed loss exceeds this many times its best (seed: 4). */
  lrDivergeFactor: number;
  /** Share of the range test skipped at the start (fastai: 10 %). */
  lrSkipStart: number;
  /** Points skipped at the end (fastai/pytorch-lr-finder: 5). */
  lrSkipEnd: number;

  // ---- restarts ------------------------------------------------------------------------
  /**
   * Restart findings per run; the rest are counted in its message and listed in its evidence
   * (a log of many appended runs is one thing to know, not many). Default 1.
   */
  restartMaxFindings: number;
}

export const DEFAULT_SETTINGS: Readonly<DiagnoseSettings> = Object.freeze({
  coarsePoints: 256,
  noiseWindow: 32,
  noiseFloor: 0.002,
  numClasses: undefined,
  scheduleGuardPoints: 20,
  runningMeanEpochPoints: 8,
  runningMeanMinEpochs: 3,
  runningMeanDecay: 3,
  runningMeanJump: 5,

  nonFiniteGradTolerance: 0.01,
  nonFiniteIsolatedMax: 3,

  spikeZ: 6,
  spikeMinRatio: 1.3,
  spikeMinProgressShare: 0.05,
  spikeShortMaxPoints: 128,
  spikeShortMaxShare: 0.2,
  spikeTailFactor: 2.4,
  spikeRecoveryPoints: 100,
  spikeRecoverZ: 3,
  spikeBaselineSpan: 20,
  spikeBaselineClip: 3,
  spikeMaxFindings: 5,
  spikeWarnRatio: 2,
  spikeWarnCount: 3,

  divergenceMinRatio: 2,
  divergenceMinPoints: 20,
  divergenceTailShare: 0.8,
  divergenceShortPoints: 3,
  divergenceShortRatio: 3,
  divergenceSpan: 30,
  divergenceNoiseZ: 6,
  divergenceRecoveredMinLearned: 0.5,
  divergenceRecoveredMinUndo: 0.1,

  oscWindowFraction: 0.3,
  oscMinPoints: 20,
  oscBurstCount: 8,
  oscValSwing: 0.25,
  oscValMinEvaluations: 10,
  oscValNetZ: 2,
  oscBurstRatio: 2,
  oscMinAmplitude: 0.1,
  oscTurningZ: 3,
  oscNoiseRatio: 3,
  oscProgressFraction: 0.5,
  oscShortMinPoints: 10,
  oscShortMinRange: 2,
  oscShortMinAmplitude: 0.6,
  oscShortMinSwing: 0.5,
  oscShortMinReversals: 3,
  oscShortTrendZ: 2,
  oscShortMaxDescent: 1,

  plateauMinImprovement: 0.01,
  plateauNoiseZ: 3,
  plateauMinPoints: 20,
  plateauMinFraction: 0.15,
  plateauTerminalFraction: 0.5,
  plateauValMinPoints: 8,
  plateauMaxTolerance: 0.25,

  noLearnMinPoints: 10,
  noLearnMinDrop: 0.05,
  noLearnNoiseZ: 3,
  noLearnTrendTau: 0.3,
  noLearnTrendZ: 2,
  noLearnTrendMinDrop: 0.01,
  chanceBand: 0.02,
  chanceInferTolerance: 0.25,
  chanceMaxInferredClasses: 20,

  notConvergedValTau: 0.3,
  notConvergedCollapsedShare: 0.02,
  notConvergedTailFall: 0.05,
  convergencePatience: 10,
  convergenceNoiseZ: 2,
  notConvergedTau: 0.5,
  notConvergedTailZ: 3,
  convergedThreshold: 0.001,
  fastThreshold: 0.1,
  notConvergedMinImprovement: 0.01,

  overfitMinRise: 0.02,
  overfitFlatTrainMinRise: 0.05,
  overfitNoiseZ: 3,
  overfitMinPoints: 3,
  overfitPersistPoints: 4,
  overfitGapTrainFall: 0.1,
  overfitShortMinRise: 0.2,
  overfitPersistTau: 0.3,
  overfitPersistTrendZ: 2,
  trendNoiseZ: 2,
  trendMinChange: 0.005,
  overfitPersistZ: 2.5,
  overfitTrendPoints: 10,
  capacityHighAcc: 0.9,
  capacityLowAcc: 0.7,
  accLossSlack: 0.05,
  capacityGap: 0.05,

  underfitMaxGap: 0.1,
  underfitChanceFraction: 0.8,

  earlyStopPatience: 10,
  earlyStopMinDelta: 0.001,
  earlyStopMinDeltaMode: 'rel',
  earlyStopMinSaving: 0.1,
  earlyStopMinRise: 0.01,
  earlyStopNoiseZ: 2,
  earlyStopGapTrainFall: 0.2,

  gradGrowthFactor: 10,
  gradSpikeZ: 6,
  gradSpikeMinRatio: 5,
  gradSpikeWarnCount: 2,
  vanishFactor: 100,
  vanishAbsNorm: 1e-7,
  vanishLossMinRemaining: 0.5,

  imbalanceShare: 0.9,
  imbalanceMinFraction: 0.75,
  imbalanceRatio: 100,
  imbalanceSamples: 16,
  imbalanceTotalSlack: 0.05,

  lrStepFactor: 1.5,
  lrRangeMinDecades: 2,
  lrRangeMinPoints: 20,
  lrRangeMaxPoints: 20000,
  lrRangeMinR2: 0.95,
  lrSmoothBeta: 0.98,
  lrSlopeWindow: 0.05,
  lrDivergeFactor: 4,
  lrSkipStart: 0.1,
  lrSkipEnd: 5,

  restartMaxFindings: 1,
} satisfies DiagnoseSettings);

/** Defaults overlaid with the given values (undefined values keep the default). */
export function resolveSettings(opts?: Partial<DiagnoseSettings>): DiagnoseSettings {
  const out: DiagnoseSettings = { ...DEFAULT_SETTINGS };
  if (opts) {
    for (const k of Object.keys(opts) as (keyof DiagnoseSettings)[]) {
      const v = opts[k];
      if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/**
 * Validate user overrides (from the CLI's `--set key=value` or the `lossLens.thresholds`
 * setting) against the known settings: unknown keys and values of the wrong type are reported,
 * never silently used.
 */
export function parseSettingOverrides(input: Record<string, unknown>): {
  settings: Partial<DiagnoseSettings>;
  errors: string[];
} {
  const settings: Record<string, unknown> = {};
  const errors: string[] = [];
  const defaults = DEFAULT_SETTINGS as unknown as Record<string, unknown>;
  for (const [key, raw] of Object.entries(input)) {
    if (!(key in defaults)) {
      errors.push(`unknown threshold '${key}'`);
      continue;
    }
    const def = defaults[key];
    if (key === 'earlyStopMinDeltaMode') {
      if (raw === 'abs' || raw === 'rel') settings[key] = raw;
      else errors.push(`${key} must be 'abs' or 'rel'`);
      continue;
    }
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      errors.push(`${key} must be a number (got ${JSON.stringify(raw)})`);
      continue;
    }
    if (v < 0) {
      errors.push(`${key} must not be negative`);
      continue;
    }
    if (typeof def === 'number' || def === undefined) settings[key] = v;
  }
  return { settings: settings as Partial<DiagnoseSettings>, errors };
}
