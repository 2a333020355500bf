/**
 * The run's planned end, where the log tells it: a step (`max_steps` of a Hugging Face
 * trainer_state.json, `step 100/5000` of a text log), or a number of epochs (`Epoch 3/50` of
 * Keras, `num_train_epochs`, Lightning's `max_epochs` in hparams.yaml, `--epochs 50` on the
 * command line of a run started by Loss Lens' runner, a tqdm bar's total), turned into the run's
 * step unit.
 *
 * Pure TypeScript: the callers that read hparams.yaml or run.json (Node) put what they found in
 * the run's meta (`plannedEpochs` / `plannedSteps`) and call plannedEnd.
 */
import type { Run } from '../model';

export interface PlannedEnd {
  /** The planned end in the run's step unit (what the series' steps count). */
  step: number;
  /** Where it was read: `max_steps`, `plannedSteps`, `plannedEpochs`, `num_train_epochs`, `tqdm total`. */
  from: string;
}

function positive(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The last value of the run's epoch counter series (named `epoch`), with its step. */
function epochAt(run: Run): { epoch: number; step: number; zeroBased: boolean } | undefined {
  for (const s of run.series.values()) {
    if (s.name.toLowerCase() !== 'epoch' || s.length < 1) continue;
    const v = s.values.view();
    let min = Infinity;
    let integral = true;
    for (let i = 0; i < v.length; i++) {
      if (v[i] < min) min = v[i];
      if (v[i] !== Math.floor(v[i])) integral = false;
    }
    return { epoch: v[v.length - 1], step: s.lastStep(), zeroBased: integral && min === 0 };
  }
  return undefined;
}

/** Epochs planned → the step where they end, in the run's own step unit; undefined when unknown. */
function epochsToStep(run: Run, epochs: number): number | undefined {
  if (run.meta.stepUnit === 'epoch') {
    // An epoch-indexed log counts epochs from 0 or from 1: the last planned epoch is its step.
    let first = Infinity;
    for (const s of run.series.values()) if (s.length) first = Math.min(first, s.firstStep());
    return first === 0 ? epochs - 1 : epochs;
  }
  const e = epochAt(run);
  if (!e) return undefined;
  // A 0-based integer epoch counter reads e while the (e+1)-th epoch runs.
  const done = e.zeroBased ? e.epoch + 1 : e.epoch;
  if (!(done > 0) || !(e.step > 0)) return undefined;
  return Math.round((e.step * epochs) / done);
}

/** The run's planned end, or undefined when the log does not tell it. */
export function plannedEnd(run: Run): PlannedEnd | undefined {
  const m = run.meta;
  const maxSteps = positive(m.max_steps);
  if (maxSteps !== undefined) return { step: maxSteps, from: 'max_steps' };
  const steps = positive(m.plannedSteps);
  if (steps !== undefined) return { step: steps, from: 'plannedSteps' };
  for (const key of ['plannedEpochs', 'num_train_epochs']) {
    const epochs = positive(m[key]);
    if (epochs === undefined) continue;
    const step = epochsToStep(run, epochs);
    if (step !== undefined && step > 0) return { step, from: key };
  }
  // A tqdm bar's total (text logs): the bar that counted epochs, else the one that counted the
  // run's steps (already in the run's step unit, see TextParser.noteBar).
  const barEpochs = positive(m.tqdmEpochs);
  if (barEpochs !== undefined) {
    const step = epochsToStep(run, barEpochs);
    if (step !== undefined && step > 0) return { step, from: 'tqdm total' };
  }
  const barSteps = positive(m.tqdmSteps);
  if (barSteps !== undefined) return { step: barSteps, from: 'tqdm total' };
  return undefined;
}

/** `max_epochs` / `max_steps` of a Lightning hparams.yaml (top-level or nested keys). */
export function parseHparamsPlan(yaml: string): { epochs?: number; steps?: number } {
  const num = (key: string) => {
    const r = new RegExp(`^\\s*${key}\\s*:\\s*([0-9]+)\\s*$`, 'm').exec(yaml);
    const n = r ? Number(r[1]) : NaN;
    return n > 0 ? n : undefined;
  };
  return { epochs: num('max_epochs'), steps: num('max_steps') };
}

/**
 * Epochs / steps named on a training command line: `--epochs 50`, `--epochs=50`,
 * `--num_epochs`, `--num-epochs`, `--n_epochs`, `--max_epochs`, `--max_steps`, `--max-steps`,
 * `--max_iters`, `--num_train_epochs`.
 */
export function parseCommandPlan(args: readonly string[]): { epochs?: number; steps?: number } {
  const out: { epochs?: number; steps?: number } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const r = /^--(epochs|num[_-]epochs|n[_-]epochs|max[_-]epochs|num[_-]train[_-]epochs|max[_-]steps|max[_-]iters|num[_-]steps|steps)(?:=(.*))?$/.exec(a);
    if (!r) continue;
    const v = Number(r[2] ?? args[i + 1]);
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (/epochs/.test(r[1])) out.epochs = v;
    else out.steps = v;
  }
  return out;
}
