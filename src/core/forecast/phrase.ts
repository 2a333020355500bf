/**
 * The forecast said in a finding (not-converged): "At this rate it reaches 0.30 in about 40
 * more epochs and levels off near 0.28; at epoch 100 expect 0.29 (0.26–0.30, 80% interval)."
 * Every number comes from the forecaster run on the logged series.
 *
 * Pure TypeScript.
 */
import type { Lang } from '../diagnose/types';
import { fmtNum, fmtStep, t, type MessageKey } from '../i18n';
import type { Run, Series } from '../model';
import { forecastCurve, forecastSegment, type Forecast } from './forecast';
import { plannedEnd } from './plannedEnd';
import { pointsOf } from './points';

export interface ForecastSentence {
  key: MessageKey;
  params: Record<string, string>;
  forecast: Forecast;
  /** The milestone (half way from the current level to where the curve levels off) and when. */
  milestone?: { value: number; step: number };
}

/**
 * Forecast a series of a run at its planned end (when ahead), else at twice its last step.
 * `segmentStart`: where the series' last segment starts when the caller knows it and knows every
 * point from there on is finite (the diagnostic engine): the forecast is then the same, read in
 * bounded time.
 */
export function forecastSeries(run: Run, s: Series, segmentStart?: number): Forecast | undefined {
  const plan = plannedEnd(run);
  const last = s.lastStep();
  let lr: { steps: ArrayLike<number>; values: ArrayLike<number> } | undefined;
  for (const x of run.series.values()) {
    if (x.role === 'lr' && x.length > 1) {
      const [st, v] = pointsOf(x);
      lr = { steps: st, values: v };
      break;
    }
  }
  const opts = { to: plan && plan.step > last ? plan.step : undefined, lr };
  let f;
  if (segmentStart !== undefined) {
    f = forecastSegment({ length: s.length, step: i => s.steps.get(i), value: i => s.values.get(i) }, segmentStart, opts);
  } else {
    const [steps, values] = pointsOf(s);
    f = forecastCurve(steps, values, opts);
  }
  return f.ok ? f : undefined;
}


/**
 * The step at which the forecast curve first reaches `target` (searched on a log grid up to a
 * thousand times the current step); undefined when it does not.
 */
function stepReaching(f: Forecast, target: number, falling: boolean): number | undefined {
  const from = f.fromStep;
  if (!(from > 0)) return undefined;
  let prev = from;
  for (let k = 1; k <= 120; k++) {
    const step = from * Math.pow(1000, k / 120);
    const v = f.at(step);
    if (falling ? v <= target : v >= target) {
      // refine between prev and step (bisection)
      let lo = prev;
      let hi = step;
      for (let i = 0; i < 30; i++) {
        const mid = (lo + hi) / 2;
        const mv = f.at(mid);
        if (falling ? mv <= target : mv >= target) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    prev = step;
  }
  return undefined;
}

/** The forecast sentence for a still-improving series, or undefined when there is no forecast. */
export function forecastSentence(run: Run, s: Series, lang: Lang, segmentStart?: number): ForecastSentence | undefined {
  const f = forecastSeries(run, s, segmentStart);
  if (!f) return undefined;
  const epochs = run.meta.stepUnit === 'epoch';
  const unit = t(lang, epochs ? 'forecast.unit.epochs' : 'forecast.unit.steps');
  const unitOne = t(lang, epochs ? 'forecast.unit.epoch' : 'forecast.unit.step');
  const base = {
    unit: unitOne,
    to: fmtStep(f.toStep),
    median: fmtNum(f.median),
    low: fmtNum(f.low),
    high: fmtNum(f.high),
  };
  const asym = f.asymptote;
  const falling = asym < f.current;
  if (Number.isFinite(asym) && falling && f.current - asym > 1e-12 * Math.abs(f.current)) {
    const value = (f.current + asym) / 2;
    const step = stepReaching(f, value, true);
    if (step !== undefined && step > f.fromStep) {
      // (whole epochs or steps: "about 40 more epochs")
      const more = Math.max(1, Math.round(step - f.fromStep));
      return {
        key: 'forecast.notConverged.reach',
        params: { ...base, target: fmtNum(value), more: fmtStep(more), units: unit, level: fmtNum(asym) },
        forecast: f,
        milestone: { value, step },
      };
    }
  }
  return { key: 'forecast.notConverged.expect', params: base, forecast: f };
}
