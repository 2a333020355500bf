/**
 * early-stop (info): "best validation at step X, the rest was wasted: stop with patience N".
 * Simulates the seed's LossMonitor.should_stop (patience 10, min_delta 0.001, improvement =
 * value < best - min_delta) on the validation loss. Reported when no later evaluation beat the
 * best by min_delta (stopping would have lost nothing), at least 10 % of the evaluations came
 * after the stop, and the evaluations after the stop are meaningfully worse than the best: the
 * median of the coarse points after the stop is above the best by at least 1 % and 2 point-noise
 * units (a flat, noisy plateau is not reported). The finding's step is the best-validation step
 * (the checkpoint to keep); the stop step is its endStep and evidence.stopStep. Evidence also
 * has the share of training saved (after the stop) and the share after the best step.
 *
 * The monitor itself is EarlyStopTracker below, fed every point of a validation loss by its
 * SeriesState: update() per point, run() over a range of ordinary points (the batch fast path).
 */
import { fmtNum, fmtPct, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import { valSumRises } from './overfitting';
import type { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';
import { median } from './stats';

/**
 * The seed's LossMonitor over the points of a series, in order (any value: a non-finite one is no
 * improvement). After the stop it keeps watching whether a later value beats the best.
 */
export class EarlyStopTracker {
  private best = Infinity;
  private bestIdx_ = -1;
  private wait = 0;
  private stopped_ = false;
  private stopIdx_ = -1;
  private bestAtStop_ = NaN;
  private bestIdxAtStop_ = -1;
  private beatenAfterStop_ = false;
  /** The lowest value before the stop and its point (the checkpoint to keep). */
  private low = Infinity;
  private lowIdx = -1;
  private lowAtStop_ = NaN;
  private lowIdxAtStop_ = -1;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly relative: boolean;

  constructor(st: DiagnoseSettings) {
    this.patience = st.earlyStopPatience;
    this.minDelta = st.earlyStopMinDelta;
    this.relative = st.earlyStopMinDeltaMode === 'rel';
  }

  /** The value x of point i. */
  update(i: number, x: number): void {
    const finite = x === x && x !== Infinity && x !== -Infinity;
    if (!this.stopped_) {
      if (finite && x < this.low) {
        this.low = x;
        this.lowIdx = i;
      }
      if (finite && this.improves(x, this.best)) {
        this.best = x;
        this.bestIdx_ = i;
        this.wait = 0;
      } else {
        this.wait++;
      }
      if (this.wait >= this.patience) {
        this.stopped_ = true;
        this.stopIdx_ = i;
        this.bestAtStop_ = this.best;
        this.bestIdxAtStop_ = this.bestIdx_;
        this.lowAtStop_ = this.low;
        this.lowIdxAtStop_ = this.lowIdx;
      }
    } else if (finite && !this.beatenAfterStop_ && this.improves(x, this.bestAtStop_)) {
      this.beatenAfterStop_ = true;
    }
  }

  /** update() for the points [from, to), whose values are vals[i - off]. */
  run(vals: Float64Array, off: number, from: number, to: number): void {
    for (let i = from; i < to; i++) this.update(i, vals[i - off]);
  }

  private improves(x: number, best: number): boolean {
    if (best === Infinity) return true;
    if (this.relative) return x < best - Math.abs(best) * this.minDelta;
    return x < best - this.minDelta;
  }

  /** The monitor stopped (patience evaluations without improvement). */
  get stopped(): boolean {
    return this.stopped_;
  }
  /** Point where it stopped, -1 before. */
  get stopIdx(): number {
    return this.stopIdx_;
  }
  /** Best value when it stopped, and its point. */
  get bestAtStop(): number {
    return this.bestAtStop_;
  }
  get bestIdxAtStop(): number {
    return this.bestIdxAtStop_;
  }
  /** The lowest value before the stop, and its point (within min_delta of bestAtStop). */
  get lowAtStop(): number {
    return this.lowAtStop_;
  }
  get lowIdxAtStop(): number {
    return this.lowIdxAtStop_;
  }
  /** A value after the stop beat the best at the stop. */
  get beatenAfterStop(): boolean {
    return this.beatenAfterStop_;
  }
}

export interface EarlyStopSim {
  stopStep: number;
  stopIdx: number;
  bestStep: number;
  bestIdx: number;
  best: number;
  /** The step of the monitor's own best (the last improvement by min_delta: the seed's rule). */
  monitorBestStep: number;
  /** Share of training after the stop (saved), by steps when they are monotonic. */
  saving: number;
  /** Share of training after the best step. */
  afterBest: number;
  /** No later evaluation beat the best: stopping would have lost nothing. */
  safe: boolean;
}

export function simulateEarlyStop(s: SeriesState): EarlyStopSim | null {
  const es = s.earlyStop;
  if (!es || !es.stopped || es.bestIdxAtStop < 0) return null;
  const n = s.points;
  const first = s.firstStep;
  const last = s.lastStep;
  const stopStep = s.stepAt(es.stopIdx);
  // The checkpoint to keep is the lowest evaluation before the stop (the monitor's best moves
  // only by min_delta): the value and step every other place quotes as the best.
  const bestIdx = es.lowIdxAtStop >= 0 ? es.lowIdxAtStop : es.bestIdxAtStop;
  const bestStep = s.stepAt(bestIdx);
  const bySteps = s.restartCount === 0 && last > first;
  const share = (step: number, idx: number): number =>
    bySteps ? (last - step) / (last - first) : (s.consumed - 1 - idx) / Math.max(1, n - 1);
  return {
    stopStep,
    stopIdx: es.stopIdx,
    bestStep,
    bestIdx,
    best: es.lowIdxAtStop >= 0 ? es.lowAtStop : es.bestAtStop,
    monitorBestStep: s.stepAt(es.bestIdxAtStop),
    saving: share(stopStep, es.stopIdx),
    afterBest: share(bestStep, bestIdx),
    safe: !es.beatenAfterStop,
  };
}

export function detectEarlyStop(ctx: Ctx): void {
  const st = ctx.st;
  for (const s of ctx.rs.byRole('val_loss')) {
    const sim = simulateEarlyStop(s);
    if (!sim || !sim.safe) continue;
    const evalsAfter = (s.consumed - 1 - sim.stopIdx) / Math.max(1, s.points);
    if (evalsAfter < st.earlyStopMinSaving) continue;
    const worse = worseAfterStop(s, sim, st.earlyStopMinRise, st.earlyStopNoiseZ);
    if (!worse) continue;
    // Within the validation loss's noise but not below its best while the training loss kept
    // falling clearly: the evaluations after the stop bought nothing but a wider gap.
    const rule = worse.rise >= worse.threshold ? 'worse' : 'gap';
    if (rule === 'gap' && !(worse.rise >= st.earlyStopMinRise && trainFellAfter(ctx, s, sim.stopStep, st.earlyStopGapTrainFall))) continue;
    // (a part of a validation loss whose sum kept improving: stopping on it loses the rest)
    if (!valSumRises(ctx, s, sim.bestStep, st.earlyStopMinRise)) continue;
    emit(ctx, {
      kind: 'early-stop',
      severity: 'info',
      state: s,
      idx: sim.bestIdx,
      step: sim.bestStep,
      endStep: sim.stopStep,
      title: ['earlyStop.title', { step: fmtStep(sim.stopStep) }],
      message: [
        [
          'earlyStop.message',
          {
            bestStep: fmtStep(sim.bestStep),
            best: fmtNum(sim.best),
            patience: st.earlyStopPatience,
            // (relative: said as a share of the loss, 0.1 %)
            minDelta: st.earlyStopMinDeltaMode === 'rel' ? fmtPct(st.earlyStopMinDelta) : fmtNum(st.earlyStopMinDelta),
            step: fmtStep(sim.stopStep),
            saving: fmtPct(sim.saving),
            afterBest: fmtPct(sim.afterBest),
          },
        ],
      ],
      evidence: {
        bestStep: sim.bestStep,
        best: sim.best,
        monitorBestStep: sim.monitorBestStep,
        stopStep: sim.stopStep,
        patience: st.earlyStopPatience,
        minDelta: st.earlyStopMinDelta,
        minDeltaMode: st.earlyStopMinDeltaMode,
        saving: sim.saving,
        afterBestShare: sim.afterBest,
        evaluationsAfterStop: s.consumed - 1 - sim.stopIdx,
        medianAfterStop: worse.medianAfter,
        riseAfterStop: worse.rise,
        minRise: worse.threshold,
        rule,
      },
      fixParams: { patience: st.earlyStopPatience, minDelta: st.earlyStopMinDelta },
      confidence: 0.8,
    });
  }
}

/**
 * The training loss of the run fell by at least `fall` (a share) from the coarse point at `step`
 * to the median of its last three coarse points.
 */
function trainFellAfter(ctx: Ctx, s: SeriesState, step: number, fall: number): boolean {
  const tr = ctx.rs.trainFor(s);
  if (!tr || !tr.isLog || tr.blocks.coarseIndices().length < 3 || !(tr.lastStep > step)) return false;
  return tr.blocks.coarseTail(3) - tr.blocks.coarseAtStep(step) <= Math.log(1 - fall);
}

/**
 * How much worse than the best the evaluations after the stop are: the median of the coarse
 * points that start after the stop (or, when none has completed, that reach past it), as a
 * relative rise over the best, and the rise needed (at least `minRise`, and `noiseZ` point-noise
 * units of the series). Bounded: at most `coarsePoints` blocks.
 */
function worseAfterStop(
  s: SeriesState,
  sim: EarlyStopSim,
  minRise: number,
  noiseZ: number,
): { medianAfter: number; rise: number; threshold: number } | null {
  const idx = s.blocks.coarseIndices();
  let after = idx.filter(j => s.blocks.startIdx[j] > sim.stopIdx);
  if (after.length === 0) after = idx.filter(j => s.blocks.endIdx[j] > sim.stopIdx + 1);
  if (after.length === 0) return null;
  const m = median(after.map(j => s.blocks.med[j]));
  const noise = s.blocks.noise();
  if (s.isLog) {
    if (!(sim.best > 0)) return null;
    const rise = m - Math.log(sim.best);
    const thr = Math.max(Math.log(1 + minRise), noiseZ * (Number.isFinite(noise) ? noise : 0));
    return { medianAfter: Math.exp(m), rise: Math.exp(rise) - 1, threshold: Math.exp(thr) - 1 };
  }
  const scale = Math.abs(sim.best);
  if (!(scale > 0)) return null;
  const thr = Math.max(minRise * scale, noiseZ * (Number.isFinite(noise) ? noise : 0));
  return { medianAfter: m, rise: (m - sim.best) / scale, threshold: thr / scale };
}
