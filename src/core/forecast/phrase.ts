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
 * The points of a segment a finding's forecast reads: from `start` to a length on a geometric
 * grid (the segment's length rounded down to a multiple of 2^(⌊log2 m⌋ − GRID_BITS), so at most
 * 1/16 of its newest points are left for the next grid length). The length is a function of
 * the points alone, so a live run that re-diagnoses on every append and a batch diagnosis of
 * the same points read the same prefix and give the same forecast; the live run recomputes it
 * only when the grid length grows (about 16 times per doubling of the curve), else reuses it.
 */
export function forecastPrefix(start: number, n: number): number {
  const m = n - start;
  if (m < 64) return n;
  const q = 2 ** (Math.floor(Math.log2(m)) - GRID_BITS);
  return start + Math.floor(m / q) * q;
}

const GRID_BITS = 4;

interface Memo {
  start: number;
  end: number;
  lastStep: number;
  lastValue: number;
  to: number | undefined;
  lr: Series | undefined;
  lrCount: number;
  lrLast: number;
  f: ReturnType<typeof forecastSegment>;
}

/** The last forecast of each series read as a segment (see forecastPrefix). */
const memo = new WeakMap<Series, Memo>();

/** Points of the learning rate at or before `step` (its steps ascend). */
function countUpTo(steps: ArrayLike<number>, step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * forecastSegment on the series' segment prefix (forecastPrefix), memoised: the same inputs
 * (the prefix's points, whose last one alone can be redrawn, the target, the learning rate
 * up to the prefix's last step) give the same forecast.
 */
function segmentForecast(
  s: Series,
  start: number,
  opts: { to: number | undefined; lr: { steps: ArrayLike<number>; values: ArrayLike<number> } | undefined },
  lrSeries: Series | undefined,
): ReturnType<typeof forecastSegment> {
  const end = forecastPrefix(start, s.length);
  if (end - start < 1) return { ok: false, reason: 'too-short' };
  const lastStep = s.steps.get(end - 1);
  const lastValue = s.values.get(end - 1);
  const lrCount = opts.lr ? countUpTo(opts.lr.steps, lastStep) : 0;
  const lrLast = opts.lr && lrCount > 0 ? opts.lr.values[lrCount - 1] : NaN;
  const m = memo.get(s);
  if (
    m &&
    m.start === start &&
    m.end === end &&
    Object.is(m.lastStep, lastStep) &&
    Object.is(m.lastValue, lastValue) &&
    m.to === opts.to &&
    m.lr === lrSeries &&
    m.lrCount === lrCount &&
    Object.is(m.lrLast, lrLast)
  ) {
    return m.f;
  }
  const f = forecastSegment({ length: end, step: i => s.steps.get(i), value: i => s.values.get(i) }, start, opts);
  memo.set(s, { start, end, lastStep, lastValue, to: opts.to, lr: lrSeries, lrCount, lrLast, f });
  return f;
}

/**
 * Forecast a series of a run at its planned end (when ahead), else at twice its last step.
 * `segmentStart`: where the series' last segment starts when the caller knows it and knows every
 * point from there on is finite (the diagnostic engine): the forecast is then the same, read in
 * bounded time, on the prefix forecastPrefix gives (memoised).
 */
export function forecastSeries(run: Run, s: Series, segmentStart?: number): Forecast | undefined {
  const plan = plannedEnd(run);
  const last = s.lastStep();
  let lr: { steps: ArrayLike<number>; values: ArrayLike<number> } | undefined;
  let lrSeries: Series | undefined;
  for (const x of run.series.values()) {
    if (x.role === 'lr' && x.length > 1) {
      const [st, v] = pointsOf(x);
      lr = { steps: st, values: v };
      lrSeries = x;
      break;
    }
  }
  const opts = { to: plan && plan.step > last ? plan.step : undefined, lr };
  let f;
  if (segmentStart !== undefined) {
    f = segmentForecast(s, segmentStart, opts, lrSeries);
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
  // Half way from where the forecast curve starts (its own value at the last step; the logged
  // level can sit above it, and half way from there was "reached in about 1 more step") to
  // where it levels off.
  const start = f.at(f.fromStep);
  const from = Number.isFinite(start) ? Math.min(start, f.current) : f.current;
  const falling = asym < from;
  if (Number.isFinite(asym) && falling && from - asym > 1e-12 * Math.abs(from)) {
    const value = (from + asym) / 2;
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
