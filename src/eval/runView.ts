/**
 * What the baseline detectors see of a run: plain arrays of its main series, and the per-epoch
 * history (`loss`, `val_loss`, `acc`, `val_acc`) that Keras-style callbacks receive.
 *
 * Pure TypeScript (no Node, no vscode).
 */
import type { Role, Run, Series } from '../core/model';

export interface Points {
  name: string;
  steps: number[];
  values: number[];
  /** 1-based source line of each point (0 where unknown). */
  lines: number[];
}

function toPoints(s: Series): Points {
  const n = s.length;
  const steps = new Array<number>(n);
  const values = new Array<number>(n);
  const lines = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    steps[i] = s.steps.get(i);
    values[i] = s.values.get(i);
    lines[i] = s.lines ? s.lines.get(i) : 0;
  }
  return { name: s.name, steps, values, lines };
}

const PREFERRED: Partial<Record<Role, RegExp>> = {
  train_loss: /^(loss|train[_ ]?loss)$/i,
  val_loss: /^(val[_ ]?loss|eval[_ ]?loss|validation[_ ]?loss)$/i,
  train_acc: /^(acc|accuracy|train[_ ]?acc(uracy)?)$/i,
  val_acc: /^(val[_ ]?acc(uracy)?|eval[_ ]?acc(uracy)?)$/i,
};

/**
 * The main series of a role: the one with the most points (a conventional name wins a tie),
 * or undefined when the run has none with at least `minPoints` points.
 */
export function mainSeries(run: Run, role: Role, minPoints = 1): Points | undefined {
  let best: Series | undefined;
  for (const s of run.series.values()) {
    if (s.role !== role || s.length < minPoints) continue;
    if (
      !best ||
      s.length > best.length ||
      (s.length === best.length && PREFERRED[role]?.test(s.name) && !PREFERRED[role]?.test(best.name))
    ) {
      best = s;
    }
  }
  return best ? toPoints(best) : undefined;
}

/** One epoch as a Keras callback sees it in `logs`. */
export interface Epoch {
  /** The step of the record that closed the epoch (the validation record when there is one). */
  step: number;
  /** Mean of the training-loss records of the epoch (NaN when one of them is NaN). */
  loss: number;
  valLoss?: number;
  acc?: number;
  valAcc?: number;
}

interface Event {
  order: number;
  tie: number;
  kind: 'loss' | 'acc' | 'valAcc' | 'valLoss';
  step: number;
  value: number;
}

function events(p: Points | undefined, kind: Event['kind'], tie: number, byLine: boolean): Event[] {
  if (!p) return [];
  return p.values.map((value, i) => ({ order: byLine ? p.lines[i] : p.steps[i], tie, kind, step: p.steps[i], value }));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The run as a per-epoch history. With a validation loss, each validation record closes an
 * epoch: its training loss (and accuracy) is the mean of the training records since the previous
 * one, as Keras reports the epoch mean of its batch losses. Without one, every training record
 * is an epoch. Records are taken in file order (source lines) when every series has lines, so a
 * resumed run whose steps go back stays in order; otherwise in step order.
 */
export function epochHistory(run: Run): Epoch[] {
  const loss = mainSeries(run, 'train_loss');
  if (!loss) return [];
  const val = mainSeries(run, 'val_loss', 2);
  const acc = mainSeries(run, 'train_acc');
  const valAcc = mainSeries(run, 'val_acc');
  const all = [loss, val, acc, valAcc].filter((p): p is Points => !!p);
  const byLine = all.every(p => p.lines.every(l => l > 0));

  if (!val) {
    const accEv = events(acc, 'acc', 0, byLine);
    const ev = [...accEv, ...events(loss, 'loss', 1, byLine)].sort((a, b) => a.order - b.order || a.tie - b.tie);
    const out: Epoch[] = [];
    let lastAcc: number | undefined;
    for (const e of ev) {
      if (e.kind === 'acc') lastAcc = e.value;
      else out.push({ step: e.step, loss: e.value, ...(lastAcc !== undefined ? { acc: lastAcc } : {}) });
    }
    return out;
  }

  const ev = [
    ...events(loss, 'loss', 0, byLine),
    ...events(acc, 'acc', 1, byLine),
    ...events(valAcc, 'valAcc', 2, byLine),
    ...events(val, 'valLoss', 3, byLine),
  ].sort((a, b) => a.order - b.order || a.tie - b.tie);
  const out: Epoch[] = [];
  let losses: number[] = [];
  let accs: number[] = [];
  let lastLoss: number | undefined;
  let lastAcc: number | undefined;
  let lastValAcc: number | undefined;
  for (const e of ev) {
    if (e.kind === 'loss') losses.push(e.value);
    else if (e.kind === 'acc') accs.push(e.value);
    else if (e.kind === 'valAcc') lastValAcc = e.value;
    else {
      if (losses.length) lastLoss = mean(losses);
      if (accs.length) lastAcc = mean(accs);
      losses = [];
      accs = [];
      // A validation record before any training record has no epoch to belong to.
      if (lastLoss === undefined) continue;
      out.push({
        step: e.step,
        loss: lastLoss,
        valLoss: e.value,
        ...(lastAcc !== undefined ? { acc: lastAcc } : {}),
        ...(lastValAcc !== undefined ? { valAcc: lastValAcc } : {}),
      });
    }
  }
  return out;
}

/** First and last finite step over every series of the run, and the span between them. */
export function runSpan(run: Run): { first: number; last: number; length: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const s of run.series.values()) {
    for (let i = 0; i < s.length; i++) {
      const x = s.steps.get(i);
      if (!Number.isFinite(x)) continue;
      if (x < first) first = x;
      if (x > last) last = x;
    }
  }
  if (first > last) return { first: 0, last: 0, length: 0 };
  return { first, last, length: last - first };
}
