/**
 * Forecasts of a run's losses (the training and the validation loss): each series' value at
 * the run's planned end (plannedEnd.ts), else at twice its current step, with an 80% interval.
 *
 * Pure TypeScript.
 */
import { LOSS_ROLES, type Role, type Run, type Series } from '../model';
import { forecastCurve, type Forecast, type NoForecastReason } from './forecast';
import { plannedEnd } from './plannedEnd';
import { forecastSeries } from './phrase';
import { pointsOf } from './points';

export { forecastCurve, MIN_POINTS, type Forecast, type NoForecast, type NoForecastReason } from './forecast';
export { parseCommandPlan, parseHparamsPlan, plannedEnd, type PlannedEnd } from './plannedEnd';
export { forecastSentence, forecastSeries, type ForecastSentence } from './phrase';

/** One forecast, as `loss-lens forecast --json` writes it. */
export interface ForecastEntry {
  series: string;
  role: Role;
  fromStep: number;
  toStep: number;
  median: number;
  /** The 80% interval. */
  low: number;
  high: number;
}

export interface DeclinedForecast {
  series: string;
  role: Role;
  reason: NoForecastReason;
}

export interface RunForecasts {
  forecasts: ForecastEntry[];
  declined: DeclinedForecast[];
  /** Where the target step came from: `--to`, the planned end's source, or `twice`. */
  target: string;
  /** The full forecasts (curve included), by series name, for messages and the chart. */
  detail: Map<string, Forecast>;
}

/**
 * A forecast drawn after the last point: the median curve and its 80% band sampled from
 * fromStep to toStep (the band widens with the log-horizon as the interval does).
 */
export interface ForecastCurve extends ForecastEntry {
  steps: number[];
  med: number[];
  lo: number[];
  hi: number[];
}

/** Points per drawn forecast curve. */
const CURVE_POINTS = 24;

/** The run's forecasts as curves for the chart (forecastRun's, sampled). */
export function forecastCurves(run: Run): ForecastCurve[] {
  const r = forecastRun(run);
  const out: ForecastCurve[] = [];
  for (const e of r.forecasts) {
    const f = r.detail.get(e.series);
    if (!f || !(e.toStep > e.fromStep)) continue;
    const steps: number[] = [];
    const med: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    const positive = e.low > 0 && e.median > 0;
    const h = Math.log(e.toStep / e.fromStep);
    for (let k = 0; k <= CURVE_POINTS; k++) {
      const step = e.fromStep + ((e.toStep - e.fromStep) * k) / CURVE_POINTS;
      const m = k === CURVE_POINTS ? e.median : f.at(step);
      // The share of the final interval reached at this step (it grows with the log-horizon).
      const share = k === 0 || !(h > 0) ? 0 : Math.min(1, Math.log(step / e.fromStep) / h);
      steps.push(step);
      med.push(m);
      if (positive) {
        lo.push(m * Math.pow(e.low / e.median, share));
        hi.push(m * Math.pow(e.high / e.median, share));
      } else {
        lo.push(m - (e.median - e.low) * share);
        hi.push(m + (e.high - e.median) * share);
      }
    }
    out.push({ ...e, steps, med, lo, hi });
  }
  return out;
}

/** The roles forecast: the whole training loss and the validation loss. */
export const FORECAST_ROLES: ReadonlySet<Role> = new Set(['train_loss', 'val_loss']);

/** The run's learning rate series (its last step drop starts the fit window), if logged. */
function lrSeries(run: Run): Series | undefined {
  for (const s of run.series.values()) if (s.role === 'lr' && s.length > 1) return s;
  return undefined;
}

/**
 * Forecast every training / validation loss of the run at `to` (default: the planned end when
 * it lies ahead of the series, else twice the series' last step).
 */
export function forecastRun(run: Run, opts: { to?: number; roles?: ReadonlySet<Role> } = {}): RunForecasts {
  const roles = opts.roles ?? FORECAST_ROLES;
  const plan = plannedEnd(run);
  const lrS = lrSeries(run);
  const lrP = lrS ? pointsOf(lrS) : undefined;
  const lr = lrP ? { steps: lrP[0], values: lrP[1] } : undefined;
  const out: RunForecasts = { forecasts: [], declined: [], target: opts.to !== undefined ? '--to' : 'twice', detail: new Map() };
  for (const s of run.series.values()) {
    if (!roles.has(s.role) || !LOSS_ROLES.has(s.role)) continue;
    const last = s.lastStep();
    let to = opts.to;
    if (to === undefined && plan && plan.step > last) {
      to = plan.step;
      out.target = plan.from;
    }
    const [steps, values] = pointsOf(s);
    const f = forecastCurve(steps, values, { to, lr });
    if (!f.ok) {
      out.declined.push({ series: s.name, role: s.role, reason: f.reason });
      continue;
    }
    out.detail.set(s.name, f);
    out.forecasts.push({ series: s.name, role: s.role, fromStep: f.fromStep, toStep: f.toStep, median: f.median, low: f.low, high: f.high });
  }
  return out;
}

/** Whether a run can still beat the best run: its verdict, for the runs view and the runner. */
export interface BeatVerdict {
  /** The series judged: the validation loss, else the training loss. */
  series: string;
  best: number;
  forecast: Forecast;
  /** The low end of the 80% interval at the planned end stays above `best`. */
  cannotBeat: boolean;
}

/** The series a run is judged by: its validation loss, else its training loss. */
export function judgedSeries(run: Run): Series | undefined {
  let train: Series | undefined;
  for (const s of run.series.values()) {
    if (s.role === 'val_loss') return s;
    if (s.role === 'train_loss' && !train) train = s;
  }
  return train;
}

/**
 * "Cannot beat the best run": the run's validation loss (else training loss) forecast at its
 * planned end (else twice its current step); undefined when there is no forecast.
 */
export function beatBestVerdict(run: Run, best: number): BeatVerdict | undefined {
  const s = judgedSeries(run);
  if (!s || !Number.isFinite(best)) return undefined;
  const f = forecastSeries(run, s);
  if (!f) return undefined;
  return { series: s.name, best, forecast: f, cannotBeat: f.low > best };
}
