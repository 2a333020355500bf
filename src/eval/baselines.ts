/**
 * Baseline detectors, re-implemented from their published descriptions and source
 * (docs/research/diagnostics.md, sections 1 and 2), each mapped onto Loss Lens' kinds.
 *
 * What every baseline sees is what a log holds: the curves, never weights, per-layer gradients
 * or inputs. Rules that need those (AUTOTRAINER's gradient ratios, UMLAUT's input checks, ...)
 * are left out. Steps are the log's own x axis (the step, else the epoch). Keras-style callbacks
 * get the per-epoch history of `epochHistory` (one epoch per validation record, the training
 * loss averaged over it; without validation, one epoch per training record).
 *
 * Monitors (AUTOTRAINER, SageMaker Debugger rules, UMLAUT) report each kind at the first check
 * where it fires. Stopping callbacks (Keras TerminateOnNaN and EarlyStopping, Lightning
 * EarlyStopping) stop at their first trigger and report that one event; an early stop is
 * reported at the best step, the one `restore_best_weights` would go back to.
 *
 * Pure TypeScript (no Node, no vscode).
 */
import type { FindingKind } from '../core/diagnose/types';
import type { Run } from '../core/model';
import { epochHistory, mainSeries, type Epoch } from './runView';
import type { Detection, Detector } from './types';

/** Collects detections, keeping the first of each kind. */
class FirstOfKind {
  readonly out: Detection[] = [];
  private readonly seen = new Set<FindingKind>();
  add(kind: FindingKind, step: number, rule: string): void {
    if (this.seen.has(kind)) return;
    this.seen.add(kind);
    this.out.push({ kind, step, rule });
  }
}

const finite = (xs: number[]) => xs.filter(Number.isFinite);
const defined = <T>(xs: (T | undefined)[]) => xs.filter((x): x is T => x !== undefined);

// ---------------------------------------------------------------------------------------------
// AUTOTRAINER (Zhang et al., ICSE 2021 / TDSC 2024), AutoTrainer/utils/monitor.py at HEAD.

export const AUTOTRAINER_DEFAULTS = {
  /** ζ: amplitude of a paired local maximum and minimum. */
  zeta: 0.03,
  /** η: share of epochs with such pairs that makes a run unstable. */
  eta: 0.2,
  /** δ: largest one-epoch accuracy gain below which convergence is slow. */
  delta: 0.01,
  /** Θ: satisfactory accuracy (reproduce.py). */
  theta: 0.6,
  /** Loss and accuracy rules run from 30% of the epochs on. */
  judgmentPoint: 0.3,
  /** checktype 'epoch_3': a check every 3 epochs. */
  checkGap: 3,
  /** check_large_loss: max(loss) >= 1e3 counts as NaN loss. */
  largeLoss: 1e3,
};

/** AUTOTRAINER's ol_judge: index-paired local maxima and minima at least `threshold` apart. */
export function olJudge(values: number[], threshold: number, rate: number): boolean {
  const maxima: number[] = [];
  const minima: number[] = [];
  for (let i = 1; i < values.length - 1; i++) {
    const v = values[i];
    if (v - values[i - 1] >= 0 && v - values[i + 1] >= 0) maxima.push(v);
    if (v - values[i - 1] <= 0 && v - values[i + 1] <= 0) minima.push(v);
  }
  let count = 0;
  for (let i = 0; i < Math.min(maxima.length, minima.length); i++) if (maxima[i] - minima[i] >= threshold) count++;
  return count >= rate * values.length;
}

/** AUTOTRAINER's max_delta_acc: the largest one-epoch gain (0 when none). */
export function maxDelta(values: number[]): number {
  let m = 0;
  for (let i = 0; i + 1 < values.length; i++) if (values[i + 1] - values[i] > m) m = values[i + 1] - values[i];
  return m;
}

/**
 * AUTOTRAINER's loss/accuracy monitor, checked every 3 epochs:
 * - nan_loss (NaN/Inf in train or val loss, or max loss >= 1e3; its "explode" problem):
 *   `non-finite` when a value is not finite, else `gradient-explosion`;
 * - from 30% of the epochs on: unstable (ol_judge on the training accuracy, on the training loss
 *   when no accuracy is logged) -> `oscillation`; not_converge (max train and val accuracy < Θ)
 *   with sc_accuracy (largest one-epoch gain < δ for train and val; without accuracy: largest
 *   one-epoch drop of the losses < δ) -> `no-learning`; sc_accuracy alone (ICSE'21's
 *   "slow convergence") -> `plateau`.
 * Its overfitting features are computed but never raised (commented out in judge_issue).
 */
export function autotrainer(run: Run, p = AUTOTRAINER_DEFAULTS): Detection[] {
  const h = epochHistory(run);
  const total = h.length;
  const found = new FirstOfKind();
  const hasAcc = h.some(e => e.acc !== undefined);
  const hasValAcc = h.some(e => e.valAcc !== undefined);
  for (let n = p.checkGap; n <= total; n += p.checkGap) {
    const hist = h.slice(0, n);
    const step = hist[n - 1].step;
    const train = hist.map(e => e.loss);
    const test = defined(hist.map(e => e.valLoss));
    const losses = [...train, ...test];
    if (losses.some(v => !Number.isFinite(v))) {
      found.add('non-finite', step, 'nan_loss');
      continue;
    }
    if (Math.max(...losses) >= p.largeLoss) {
      found.add('gradient-explosion', step, 'nan_loss (max loss >= 1e3)');
      continue;
    }
    if (n < p.judgmentPoint * total - p.checkGap) continue;

    const acc = defined(hist.map(e => e.acc));
    const valAcc = defined(hist.map(e => e.valAcc));
    if (olJudge(hasAcc ? acc : train, p.zeta, p.eta)) found.add('oscillation', step, hasAcc ? 'unstable (accuracy)' : 'unstable (loss)');

    let notConverge = false;
    let sc: boolean;
    if (hasAcc || hasValAcc) {
      const accs = [hasAcc ? acc : undefined, hasValAcc ? valAcc : undefined].filter((a): a is number[] => !!a);
      notConverge = accs.every(a => Math.max(...a) < p.theta);
      sc = accs.every(a => maxDelta(a) < p.delta);
    } else {
      const series = [train, test].filter(a => a.length > 0);
      sc = series.every(a => maxDelta(a.map(v => -v)) < p.delta);
    }
    if (notConverge && sc) found.add('no-learning', step, 'not_converge + sc_accuracy');
    else if (sc) found.add('plateau', step, hasAcc || hasValAcc ? 'sc_accuracy' : 'sc (loss)');
  }
  return found.out;
}

// ---------------------------------------------------------------------------------------------
// Amazon SageMaker Debugger built-in rules (developer guide, debugger-built-in-rules.md).

/** The loss LossNotDecreasing reads: mode EVAL first, then TRAIN. */
function sagemakerLoss(run: Run) {
  return mainSeries(run, 'val_loss', 2) ?? mainSeries(run, 'train_loss');
}

/**
 * LossNotDecreasing (num_steps 10, diff_percent 0): every num_steps, the loss is compared with
 * the newest loss at least num_steps earlier; not lower (by diff_percent) -> `plateau`.
 */
export function smdLossNotDecreasing(run: Run, numSteps = 10, diffPercent = 0): Detection[] {
  const p = sagemakerLoss(run);
  if (!p) return [];
  let nextEval = -Infinity;
  for (let i = 0; i < p.steps.length; i++) {
    const s = p.steps[i];
    if (s < nextEval) continue;
    let j = -1;
    for (let k = i - 1; k >= 0; k--) {
      if (p.steps[k] <= s - numSteps) {
        j = k;
        break;
      }
    }
    if (j < 0) continue;
    nextEval = s + numSteps;
    const cur = p.values[i];
    const prev = p.values[j];
    if (Number.isFinite(cur) && Number.isFinite(prev) && cur >= prev - Math.abs(prev) * (diffPercent / 100)) {
      return [{ kind: 'plateau', step: s, rule: `${p.name} ${cur} at ${s} not below ${prev} at ${p.steps[j]}` }];
    }
  }
  return [];
}

/**
 * Overfit (start_step 0, patience 1, ratio_threshold 0.1): (val - train) / train above the
 * threshold for `patience` consecutive evaluations -> `overfitting`.
 */
export function smdOverfit(run: Run, startStep = 0, patience = 1, ratioThreshold = 0.1): Detection[] {
  let count = 0;
  for (const e of epochHistory(run)) {
    if (e.valLoss === undefined || e.step < startStep) continue;
    const ratio = (e.valLoss - e.loss) / e.loss;
    count = ratio > ratioThreshold ? count + 1 : 0;
    if (count >= patience) return [{ kind: 'overfitting', step: e.step, rule: `ratio ${ratio.toPrecision(3)}` }];
  }
  return [];
}

/** Steps a series went without improving by `delta` on its best; the best step when it gives up. */
function stalls(steps: number[], values: number[], patience: number, delta: number): number | undefined {
  let best = Infinity;
  let bestStep = NaN;
  let wait = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < best - delta) {
      best = values[i];
      bestStep = steps[i];
      wait = 0;
    } else if (++wait >= patience) {
      return Number.isNaN(bestStep) ? steps[0] : bestStep;
    }
  }
  return undefined;
}

/**
 * Overtraining (patience_train 5, patience_validation 10, delta 0.1): the training loss has not
 * improved by delta for 5 steps -> `plateau` (at its best step); the validation loss for 10
 * evaluations -> `early-stop` (at its best step).
 */
export function smdOvertraining(run: Run, patienceTrain = 5, patienceValidation = 10, delta = 0.1): Detection[] {
  const out: Detection[] = [];
  const train = mainSeries(run, 'train_loss');
  const val = mainSeries(run, 'val_loss', 2);
  const t = train && stalls(train.steps, train.values, patienceTrain, delta);
  if (t !== undefined) out.push({ kind: 'plateau', step: t, rule: 'train loss not improving' });
  const v = val && stalls(val.steps, val.values, patienceValidation, delta);
  if (v !== undefined) out.push({ kind: 'early-stop', step: v, rule: 'validation loss not improving' });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keras callbacks (keras/src/callbacks).

/** TerminateOnNaN: the first batch loss that is NaN or infinite -> `non-finite`. */
export function kerasTerminateOnNaN(run: Run): Detection[] {
  const p = mainSeries(run, 'train_loss');
  if (!p) return [];
  const i = p.values.findIndex(v => !Number.isFinite(v));
  return i < 0 ? [] : [{ kind: 'non-finite', step: p.steps[i], rule: 'loss is NaN or inf' }];
}

/**
 * EarlyStopping with its defaults (monitor val_loss, min_delta 0, patience 0): stops at the first
 * epoch whose val_loss is not below the best (a NaN is not an improvement either) ->
 * `early-stop` at the best epoch. Without a val_loss it does nothing (Keras only warns).
 */
export function kerasEarlyStopping(run: Run, patience = 0, minDelta = 0): Detection[] {
  const val = mainSeries(run, 'val_loss', 2);
  if (!val) return [];
  let best = Infinity;
  let bestStep = NaN;
  let wait = 0;
  for (let i = 0; i < val.values.length; i++) {
    wait++;
    if (val.values[i] - minDelta < best) {
      best = val.values[i];
      bestStep = val.steps[i];
      wait = 0;
      continue;
    }
    if (wait >= patience && i > 0) {
      return [{ kind: 'early-stop', step: Number.isNaN(bestStep) ? val.steps[0] : bestStep, rule: `stopped at ${val.steps[i]}` }];
    }
  }
  return [];
}

/**
 * Lightning EarlyStopping (patience 3 validation checks, min_delta 0, check_finite, and a
 * divergence_threshold), monitoring val_loss (the training loss when a run has none). Checked in
 * Lightning's order: not finite -> `non-finite`; above divergence_threshold -> `divergence`;
 * no improvement for `patience` checks -> `early-stop` at the best step. Lightning has no default
 * divergence_threshold; we set it to 10x the first monitored value.
 */
export function lightningEarlyStopping(run: Run, patience = 3, minDelta = 0, divergenceFactor = 10): Detection[] {
  const p = mainSeries(run, 'val_loss', 2) ?? mainSeries(run, 'train_loss');
  if (!p) return [];
  const first = finite(p.values)[0];
  const divergenceThreshold = first === undefined ? Infinity : divergenceFactor * Math.abs(first);
  let best = Infinity;
  let bestStep = NaN;
  let wait = 0;
  for (let i = 0; i < p.values.length; i++) {
    const v = p.values[i];
    const s = p.steps[i];
    if (!Number.isFinite(v)) return [{ kind: 'non-finite', step: s, rule: `${p.name} is not finite` }];
    if (v > divergenceThreshold) return [{ kind: 'divergence', step: s, rule: `${p.name} > ${divergenceThreshold.toPrecision(3)}` }];
    if (v - minDelta < best) {
      best = v;
      bestStep = s;
      wait = 0;
    } else if (++wait >= patience) {
      return [{ kind: 'early-stop', step: Number.isNaN(bestStep) ? p.steps[0] : bestStep, rule: `${p.name} stopped at ${s}` }];
    }
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// UMLAUT (Schoop et al., CHI 2021), umlaut/heuristics.py: run_epoch_heuristics.

/**
 * Per epoch: check_nan_in_loss (np.isnan of the epoch's training loss: infinity is not caught)
 * -> `non-finite`; check_overfitting (val loss up and train loss not down since the previous
 * epoch) -> `overfitting`.
 */
export function umlaut(run: Run): Detection[] {
  const found = new FirstOfKind();
  const h: Epoch[] = epochHistory(run);
  for (let i = 0; i < h.length; i++) {
    const e = h[i];
    if (Number.isNaN(e.loss)) found.add('non-finite', e.step, 'NaN in loss');
    const prev = h[i - 1];
    if (prev && e.valLoss !== undefined && prev.valLoss !== undefined) {
      const dVal = e.valLoss - prev.valLoss;
      const dLoss = e.loss - prev.loss;
      if (dVal > 0 && dLoss <= 0) found.add('overfitting', e.step, 'val up, train not up');
    }
  }
  return found.out;
}

// ---------------------------------------------------------------------------------------------

export const BASELINES: readonly Detector[] = [
  {
    id: 'autotrainer',
    name: 'AUTOTRAINER',
    kinds: ['non-finite', 'gradient-explosion', 'oscillation', 'no-learning', 'plateau'],
    description:
      'check every 3 epochs: NaN/Inf loss or max loss ≥ 1e3 (→ non-finite / gradient-explosion); from 30% of the epochs: ol_judge ζ 0.03, η 0.2 on the training accuracy, else the loss (→ oscillation); max accuracy < Θ 0.6 with every one-epoch gain < δ 0.01 (→ no-learning), the gain rule alone (→ plateau; without accuracy: one-epoch loss drops < δ)',
    detect: run => autotrainer(run),
  },
  {
    id: 'smd-lnd',
    name: 'SMD LossNotDecreasing',
    kinds: ['plateau'],
    description:
      'every 10 steps, the loss (validation first, else training) compared with the newest one ≥ 10 steps earlier; not lower (diff_percent 0) → plateau',
    detect: run => smdLossNotDecreasing(run),
  },
  {
    id: 'smd-overfit',
    name: 'SMD Overfit',
    kinds: ['overfitting'],
    description: '(val − train) / train > 0.1 for 1 evaluation (patience 1, from step 0) → overfitting',
    detect: run => smdOverfit(run),
  },
  {
    id: 'smd-overtraining',
    name: 'SMD Overtraining',
    kinds: ['plateau', 'early-stop'],
    description:
      'training loss not improved by delta 0.1 for 5 steps (→ plateau), validation loss for 10 evaluations (→ early-stop at its best step)',
    detect: run => smdOvertraining(run),
  },
  {
    id: 'keras-nan',
    name: 'Keras TerminateOnNaN',
    kinds: ['non-finite'],
    description: 'first training loss that is NaN or ±Inf → non-finite (stops)',
    detect: run => kerasTerminateOnNaN(run),
  },
  {
    id: 'keras-es',
    name: 'Keras EarlyStopping',
    kinds: ['early-stop'],
    description:
      'defaults: val_loss, patience 0, min_delta 0: first evaluation not below the best → early-stop at the best step (stops; nothing without val_loss)',
    detect: run => kerasEarlyStopping(run),
  },
  {
    id: 'lightning-es',
    name: 'Lightning EarlyStopping',
    kinds: ['non-finite', 'divergence', 'early-stop'],
    description:
      'val_loss (else the training loss), patience 3, min_delta 0: check_finite (→ non-finite), above divergence_threshold = 10× the first value (→ divergence), 3 checks without improvement (→ early-stop at the best step); stops at the first',
    detect: run => lightningEarlyStopping(run),
  },
  {
    id: 'umlaut',
    name: 'UMLAUT',
    kinds: ['non-finite', 'overfitting'],
    description:
      'per epoch: NaN training loss (np.isnan: not Inf) → non-finite; val loss up while train loss not up since the previous epoch → overfitting',
    detect: run => umlaut(run),
  },
];
