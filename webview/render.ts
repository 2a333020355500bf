/**
 * What each chart draws for the current view, computed from the model without chart.js (so
 * it can be tested in Node): decimated datasets (raw faint, smoothed on top, superseded
 * restart stretches dashed), the y range, NaN/Inf marker groups, restart lines and finding
 * annotations.
 */
import type { Finding, Severity } from '../src/core/diagnose/types';
import { type ChartGroup, type SeriesModel, type SmoothingSetting, smoothingKey, type Track, type ViewModel, type XAxisMode } from './model';
import {
  decimateRange,
  type NonFiniteBucket,
  nonFiniteBuckets,
  percentileRange,
  strideSample,
} from './viewport';

export type DatasetKind = 'raw' | 'smooth' | 'superseded';

export interface DatasetSpec {
  series: SeriesModel;
  kind: DatasetKind;
  /** Which track the indices refer to. */
  track: 'main' | 'superseded';
  /** Points to draw; y is NaN at a gap. */
  x: Float64Array;
  y: Float64Array;
  /** Track-local index of each point (gaps repeat the previous index). */
  index: Uint32Array;
  /** x is non-decreasing (chart.js may binary-search it). */
  sorted: boolean;
  /** The series' legend entry is this dataset. */
  primary: boolean;
}

export interface MarkerGroup extends NonFiniteBucket {
  series: SeriesModel;
  /** Steps of the first and last point of the group. */
  stepFirst: number;
  stepLast: number;
}

export interface RestartMark {
  x: number;
  fromStep: number;
  toStep: number;
  runName: string;
  /** Restarts that went back to the same place. */
  count: number;
}

export type FindingMark =
  | { type: 'line'; finding: Finding; index: number; x: number; severity: Severity }
  | { type: 'band'; finding: Finding; index: number; x: number; x2: number; severity: Severity }
  | { type: 'point'; finding: Finding; index: number; x: number; y: number; severity: Severity };

export interface ChartContent {
  group: ChartGroup;
  series: SeriesModel[];
  datasets: DatasetSpec[];
  /** null when nothing finite is visible. */
  y: [number, number] | null;
  logY: boolean;
  markers: MarkerGroup[];
  restarts: RestartMark[];
  findings: FindingMark[];
  /** A step the host asked to reveal. */
  reveal?: { x: number; label: string };
  /** Forecasts drawn after the last point (dashed median, 80% band). */
  forecasts: ForecastDraw[];
}

export interface ForecastDraw {
  series: SeriesModel;
  x: number[];
  med: number[];
  lo: number[];
  hi: number[];
}

export interface ViewSettings {
  xMode: XAxisMode;
  smoothing: SmoothingSetting;
  logY: boolean;
  ignoreOutliers: boolean;
  /** Visible x range. */
  x0: number;
  x1: number;
  /** Width of the plot area in device pixels (one decimation bucket each). */
  pixels: number;
  /** Draw the forecasts (on the step axis, and on the epoch axis of an epoch-indexed run). */
  forecast?: boolean;
}

/** The forecast of a series on this x axis, or undefined (other axes: no forecast drawn). */
export function forecastOf(s: SeriesModel, mode: XAxisMode): ForecastDraw | undefined {
  if (mode !== 'step' && !(mode === 'epoch' && s.run.stepsAreEpochs)) return undefined;
  const f = s.run.forecasts.find(x => x.series === s.name);
  return f ? { series: s, x: f.steps, med: f.med, lo: f.lo, hi: f.hi } : undefined;
}

/** The full x extent of some series in an axis mode. */
export function fullExtent(series: SeriesModel[], mode: XAxisMode): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const which of ['main', 'superseded'] as const) {
      const t = which === 'main' ? s.tracks().main : s.tracks().superseded;
      if (!t || !t.n) continue;
      const { x, sorted } = s.trackX(which, mode);
      if (sorted) {
        if (x[0] < lo) lo = x[0];
        if (x[t.n - 1] > hi) hi = x[t.n - 1];
      } else {
        for (let i = 0; i < t.n; i++) {
          const v = x[i];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
  }
  if (!(hi >= lo)) return null;
  return [lo, hi];
}

/** Percentile samples per series (ignore outliers). */
const SAMPLES_PER_SERIES = 4000;

export function buildChartContent(
  model: ViewModel,
  group: ChartGroup,
  series: SeriesModel[],
  v: ViewSettings,
  findings: Array<{ finding: Finding; index: number }>,
): ChartContent {
  const datasets: DatasetSpec[] = [];
  const markers: MarkerGroup[] = [];
  const samples: Float64Array[] = [];
  const logY = v.logY && group !== 'acc';
  const smoothingOn = v.smoothing.mode !== 'off';
  let ylo = Infinity;
  let yhi = -Infinity;
  let slo = Infinity;
  let shi = -Infinity;
  const widen = (xs: Float64Array, ys: Float64Array, superseded = false) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i];
      const x = xs[i];
      if (!(x >= v.x0 && x <= v.x1) || !Number.isFinite(y) || (logY && y <= 0)) continue;
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    if (superseded) {
      slo = Math.min(slo, lo);
      shi = Math.max(shi, hi);
    } else {
      ylo = Math.min(ylo, lo);
      yhi = Math.max(yhi, hi);
    }
  };
  const markerWidth = ((v.x1 - v.x0) / Math.max(1, v.pixels)) * 10;

  for (const s of series) {
    const ts = s.tracks();
    for (const which of ['main', 'superseded'] as const) {
      const t: Track | null = which === 'main' ? ts.main : ts.superseded;
      if (!t || !t.n) continue;
      const { x, sorted } = s.trackX(which, v.xMode);
      const useSmooth = smoothingOn && which === 'main';
      // Raw (faint when smoothed) and the smoothed line.
      const raw = decimateRange(x, t.values, t.n, v.x0, v.x1, v.pixels, {
        sorted,
        pyramid: sorted ? s.pyramid(which, 'raw', t.values, t.n) : undefined,
        edges: true,
      });
      const rawSpec = spec(s, which === 'main' ? 'raw' : 'superseded', which, raw, t, logY, !useSmooth && which === 'main');
      datasets.push(rawSpec);
      // The y range follows the run as it finally went; re-run stretches join in below
      // unless they would squash it.
      widen(rawSpec.x, rawSpec.y, which !== 'main');
      if (useSmooth) {
        const sm = s.smoothedValues(which, v.smoothing);
        const d = decimateRange(x, sm, t.n, v.x0, v.x1, v.pixels, {
          sorted,
          pyramid: sorted ? s.pyramid(which, smoothingKey(v.smoothing), sm, t.n) : undefined,
          edges: true,
        });
        const smSpec = spec(s, 'smooth', which, d, t, logY, true);
        datasets.push(smSpec);
        if (!v.ignoreOutliers) widen(smSpec.x, smSpec.y);
      }
      if (v.ignoreOutliers && which === 'main') {
        samples.push(strideSample(x, t.values, raw.lo, raw.hi, v.x0, v.x1, SAMPLES_PER_SERIES));
      }
      // NaN / Inf markers.
      const nf = s.nonFiniteOf(which);
      if (nf.length) {
        for (const b of nonFiniteBuckets(x, t.values, nf, v.x0, v.x1, markerWidth)) {
          markers.push({ ...b, series: s, stepFirst: t.steps[b.first], stepLast: t.steps[b.last] });
        }
      }
    }
  }

  const forecasts = v.forecast ? series.map(s => forecastOf(s, v.xMode)).filter((f): f is ForecastDraw => !!f) : [];
  // The forecast medians join the y range (their bands do not: a wide band would squash the data).
  if (!v.ignoreOutliers) for (const f of forecasts) widen(Float64Array.from(f.x), Float64Array.from(f.med));
  let y: [number, number] | null = Number.isFinite(ylo) ? [ylo, yhi] : null;
  if (Number.isFinite(slo)) {
    if (!y) y = [slo, shi];
    else {
      const lo = Math.min(y[0], slo);
      const hi = Math.max(y[1], shi);
      const span = (a: number, b: number) => (logY ? Math.log10(b) - Math.log10(a) : b - a);
      if (span(lo, hi) <= 3 * Math.max(span(y[0], y[1]), 1e-12)) y = [lo, hi];
    }
  }
  if (v.ignoreOutliers) {
    const p = percentileRange(samples, logY);
    if (p) y = p;
  }
  if (y) y = pad(y, logY);

  return {
    group,
    series,
    datasets,
    y,
    logY,
    markers,
    restarts: restartMarks(model, series, v.xMode),
    findings: findingMarks(model, findings, v.xMode),
    forecasts,
  };
}

/** Turn a decimated range into a dataset; superseded stretches get a gap between segments. */
function spec(
  s: SeriesModel,
  kind: DatasetKind,
  track: 'main' | 'superseded',
  d: { x: Float64Array; y: Float64Array; index: Uint32Array },
  t: Track,
  logY: boolean,
  primary: boolean,
): DatasetSpec {
  let { x, y, index } = d;
  if (t.segment && x.length > 1) {
    let gaps = 0;
    for (let k = 1; k < index.length; k++) if (t.segment[index[k]] !== t.segment[index[k - 1]]) gaps++;
    if (gaps) {
      const m = x.length + gaps;
      const ox = new Float64Array(m);
      const oy = new Float64Array(m);
      const oi = new Uint32Array(m);
      let j = 0;
      for (let k = 0; k < index.length; k++) {
        if (k > 0 && t.segment[index[k]] !== t.segment[index[k - 1]]) {
          ox[j] = x[k];
          oy[j] = NaN;
          oi[j++] = index[k];
        }
        ox[j] = x[k];
        oy[j] = y[k];
        oi[j++] = index[k];
      }
      x = ox;
      y = oy;
      index = oi;
    }
  }
  if (logY) {
    let copy: Float64Array | undefined;
    for (let k = 0; k < y.length; k++) {
      if (y[k] <= 0) {
        copy ??= Float64Array.from(y);
        copy[k] = NaN;
      }
    }
    if (copy) y = copy;
  }
  let sorted = true;
  for (let k = 1; k < x.length; k++) {
    if (x[k] < x[k - 1]) {
      sorted = false;
      break;
    }
  }
  return { series: s, kind, track, x, y, index, sorted, primary };
}

function pad([lo, hi]: [number, number], logY: boolean): [number, number] {
  if (logY) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    const p = b > a ? (b - a) * 0.05 : 0.5;
    return [Math.pow(10, a - p), Math.pow(10, b + p)];
  }
  if (hi > lo) {
    const p = (hi - lo) * 0.05;
    // Data that never goes below zero does not get a negative axis.
    return [lo >= 0 && lo - p < 0 ? 0 : lo - p, hi + p];
  }
  const p = Math.abs(lo) * 0.1 || 1;
  return [lo - p, hi + p];
}

function restartMarks(model: ViewModel, series: SeriesModel[], mode: XAxisMode): RestartMark[] {
  const out: RestartMark[] = [];
  const seen = new Set<string>();
  const runs = new Set(series.map(s => s.run));
  const add = (run: SeriesModel['run'], name: string | undefined, fromStep: number, toStep: number) => {
    const key = `${run.id}:${toStep}:${fromStep}`;
    if (seen.has(key)) return;
    seen.add(key);
    const x = model.stepToX(run, name, toStep, mode);
    if (!Number.isFinite(x)) return;
    const same = out.find(r => r.x === x && r.runName === run.name);
    if (same) {
      same.count++;
      same.fromStep = Math.max(same.fromStep, fromStep);
    } else out.push({ x, fromStep, toStep, runName: run.name, count: 1 });
  };
  for (const run of runs) {
    for (const e of run.events) {
      if (e.type !== 'restart') continue;
      // An event about a series whose own steps never go back is not drawn (a format that
      // interleaves epoch and step lines can report one).
      const s = run.series.get(e.series);
      if (s && s.tracks().restarts.length === 0) continue;
      add(run, e.series, e.fromStep, e.toStep);
    }
  }
  for (const s of series) for (const r of s.tracks().restarts) add(s.run, s.name, r.fromStep, r.toStep);
  return out;
}

function findingMarks(
  model: ViewModel,
  findings: Array<{ finding: Finding; index: number }>,
  mode: XAxisMode,
): FindingMark[] {
  const out: FindingMark[] = [];
  for (const { finding: f, index } of findings) {
    if (!Number.isFinite(f.step)) continue;
    const run = model.runBySource(f.source);
    const x = model.stepToX(run, f.series, f.step, mode);
    if (!Number.isFinite(x)) continue;
    if (f.endStep !== undefined && Number.isFinite(f.endStep) && f.endStep > f.step) {
      const x2 = model.stepToX(run, f.series, f.endStep, mode);
      if (Number.isFinite(x2) && x2 > x) {
        out.push({ type: 'band', finding: f, index, x, x2, severity: f.severity });
        continue;
      }
    }
    if (f.kind === 'early-stop') {
      const s = run?.series.get(f.series);
      const y = s ? valueAtStep(s, f.step) : NaN;
      if (Number.isFinite(y)) {
        out.push({ type: 'point', finding: f, index, x, y, severity: f.severity });
        continue;
      }
    }
    out.push({ type: 'line', finding: f, index, x, severity: f.severity });
  }
  return out;
}

/** The raw value of a series at (or nearest after) a step. */
function valueAtStep(s: SeriesModel, step: number): number {
  const t = s.tracks().main;
  let best = NaN;
  let bestD = Infinity;
  // Tracks are short enough for findings (called once per finding per redraw) only when small;
  // binary search the sorted main track.
  let lo = 0;
  let hi = t.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  for (const j of [lo - 1, lo, lo + 1]) {
    if (j < 0 || j >= t.n) continue;
    const d = Math.abs(t.steps[j] - step);
    if (d < bestD && Number.isFinite(t.values[j])) {
      bestD = d;
      best = t.values[j];
    }
  }
  return best;
}

/** Which chart a finding belongs on. */
export function groupOfFinding(model: ViewModel, f: Finding): ChartGroup {
  const run = model.runBySource(f.source);
  const s = run?.series.get(f.series);
  if (!s) return 'loss';
  return s.group;
}
