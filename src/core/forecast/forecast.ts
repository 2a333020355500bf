/**
 * The forecaster: where a loss curve is heading, with an 80% interval.
 *
 * 1. Clean: the last segment after a restart; no forecast when a value is non-finite, when
 *    there are too few points, or when the curve has diverged.
 * 2. Window: the points after the last learning-rate drop (from the LR series when given, else
 *    a change point of the curve itself), without the first stretch of the run (its transient).
 * 3. Robust bins: up to BINS equal-count bins, each the median of its points (minibatch noise
 *    and spikes do not move a median much).
 * 4. Ensemble: every family of families.ts' ENSEMBLE fitted to the bins (for positive values
 *    each bin weighed by the precision of its median, relative to its level and measured from
 *    its own points' noise, later bins weighing more), and, when the logged learning rate
 *    decays in the window, the annealing law of Tissue et al. 2024 in the LR's areas (read up
 *    to the curve's last step, the recent decay continued beyond); each fitted twice, to the
 *    whole window and to its recent half (where the curve is now). Each member is weighed by
 *    how well it forecast the end of this very curve from earlier cuts of it (backtests at 50%
 *    and 70% of the window), tempered (1 / error, not 1 / error²: two backtests measure it
 *    roughly); the forecast is the weighted median of the members' forecasts.
 * 5. Interval (80%): the observation noise of one logged point (robust, from second
 *    differences), the ensemble's robust spread, and the backtests' error per unit of
 *    log-horizon scaled to the horizon asked for (widened as Student's t for so few backtests),
 *    combined in quadrature.
 *
 * Pure TypeScript.
 */
import { ENSEMBLE, fitFamily, predict, type Family, type Fit } from './families';

export type NoForecastReason = 'too-short' | 'non-finite' | 'diverged' | 'bad-target';

export interface Forecast {
  ok: true;
  /** Last step of the curve used. */
  fromStep: number;
  toStep: number;
  median: number;
  /** The 80% interval. */
  low: number;
  high: number;
  /** The curve's level at fromStep (robust), for messages. */
  current: number;
  /** Where the ensemble's curve levels off (NaN when it does not, or would level off below 0). */
  asymptote: number;
  /** The ensemble median curve at any step (after fromStep). */
  at: (step: number) => number;
  /** The window start step (after the last LR drop / transient). */
  windowStart: number;
}

export interface NoForecast {
  ok: false;
  reason: NoForecastReason;
}

export interface ForecastOptions {
  /** The step to forecast (default: twice the last step). */
  to?: number;
  /** The run's learning rate, when logged: its last drop starts the fit window. */
  lr?: { steps: ArrayLike<number>; values: ArrayLike<number> };
}

/** Fewest finite points a curve needs for a forecast. */
export const MIN_POINTS = 8;
/** Most points a forecast reads (a longer curve is read at a stride). */
const MAX_POINTS = 8192;
/** Most bins the fit sees. */
const BINS = 40;
/** z of the 90% quantile of a normal: the half-width of an 80% interval in standard deviations. */
const Z80 = 1.2816;
/**
 * The 90% quantile of Student's t with 1 and 2 degrees of freedom: the model error is measured
 * by one or two backtests, so its half-width is t·s rather than z·s (the small-sample widening).
 */
const T80 = [NaN, 3.078, 1.886];
/** Share of the points at the start of a run left out of the fit (the initial transient). */
const TRANSIENT_SHARE = 0.1;
/**
 * Emphasis on the latest bins (weight ∝ t^RECENCY): where the curve is now says more about
 * where it goes than its early shape does.
 */
const RECENCY = 1;
/** Where the window is cut for the backtests that weigh the families (shares of its points). */
const BACKTEST_CUTS = [0.5, 0.7];
/**
 * The ensemble's members are fitted twice: to the whole window and to its recent part, from
 * this share of its bins on (the same for each backtest's window). A curve whose shape changes
 * inside the window (a validation loss that flattens, a decay that speeds up as a schedule
 * anneals) is fitted badly as a whole by every family alike; fitted to its recent half, the
 * members follow where it is now, and the backtests weigh the two views. Measured: the median
 * |ln(pred/actual)| of the evaluation fell in both halves (A 0.093 → 0.091, B 0.111 → 0.097).
 */
const RECENT_SHARE = 0.5;
/**
 * Least backtest error per unit of log-horizon a family is credited with in its weight (two
 * families that both happened to hit the end are weighed alike, not by their luck).
 */
const SCORE_FLOOR = 0.05;
/**
 * Least model error per unit of log-horizon (ln(to/from)), relative: a backtest on the curve
 * itself can be lucky, so the interval never gets narrower than this.
 */
const MIN_MODEL_RATE = 0.04;

interface Prepared {
  x: Float64Array;
  y: Float64Array;
  steps: Float64Array;
  /** Offset: x = step - origin. */
  origin: number;
}

/** The k-th smallest value of a (reorders a). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** The median (of a copy: the values are left as they are). */
function median(v: ArrayLike<number>): number {
  const n = v.length;
  if (!n) return NaN;
  const a = Float64Array.from(v as ArrayLike<number>);
  const m = n >> 1;
  const hi = select(a, m);
  if (n % 2) return hi;
  let lo = -Infinity;
  for (let i = 0; i < m; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

function weightedMedian(v: number[], w: number[]): number {
  const idx = v.map((_, i) => i).sort((i, j) => v[i] - v[j]);
  let tot = 0;
  for (const x of w) tot += x;
  let acc = 0;
  for (const i of idx) {
    acc += w[i];
    if (acc >= tot / 2) return v[i];
  }
  return v[idx[idx.length - 1]];
}

/** The points to forecast from: the last segment (after a restart), x measured from the start. */
function prepare(steps: ArrayLike<number>, values: ArrayLike<number>): Prepared | NoForecastReason {
  const n = values.length;
  let start = 0;
  for (let i = 1; i < n; i++) if (steps[i] < steps[i - 1]) start = i;
  let m = n - start;
  for (let i = start; i < n; i++) if (!Number.isFinite(values[i]) || !Number.isFinite(steps[i])) return 'non-finite';
  if (m < MIN_POINTS) return 'too-short';
  // A long curve is read at a stride (its last point always kept): every statistic below is
  // robust (medians of raw points), so this bounds the cost without changing the forecast much.
  const stride = Math.ceil(m / MAX_POINTS);
  const k = Math.ceil(m / stride);
  const first = n - 1 - (k - 1) * stride;
  const st = new Float64Array(k);
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    st[i] = steps[first + i * stride];
    y[i] = values[first + i * stride];
  }
  m = k;
  const diffs: number[] = [];
  for (let i = start + 1; i < Math.min(n, start + 1025); i++) if (steps[i] > steps[i - 1]) diffs.push(steps[i] - steps[i - 1]);
  if (!diffs.length) return 'too-short';
  const delta = median(diffs);
  // x counts logging intervals from one before the first point: an epoch log starting at
  // epoch 1 gets x = epoch, a step log starting at 0 gets x = step + interval.
  const origin = steps[start] - delta;
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = st[i] - origin;
  return { x, y, steps: st, origin };
}

interface Bins {
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  n: number;
  /**
   * Relative variance of each bin's median (binPoints with `noise`, when at least three bins
   * hold enough points to measure their own noise): a fit weighs each bin by it.
   */
  rv?: Float64Array;
}

/**
 * Equal-count bins of points [from, to): mean x, median y, count; with `noise`, the relative
 * variance of each bin's median from the noise of its own points (rv).
 */
function binPoints(x: Float64Array, y: Float64Array, from: number, to: number, maxBins: number, noise = false): Bins {
  const m = to - from;
  const nb = Math.max(1, Math.min(maxBins, m));
  const bx = new Float64Array(nb);
  const by = new Float64Array(nb);
  const bw = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const lo = from + Math.floor((b * m) / nb);
    const hi = from + Math.floor(((b + 1) * m) / nb);
    let sx = 0;
    for (let i = lo; i < hi; i++) sx += x[i];
    bx[b] = sx / (hi - lo);
    by[b] = median(y.subarray(lo, hi));
    bw[b] = hi - lo;
  }
  const out: Bins = { x: bx, y: by, w: bw, n: nb };
  if (noise) out.rv = binNoise(y, from, m, by, bw);
  return out;
}

/** Fewest points a bin needs to measure its own noise (fewer: the pooled noise of the others). */
const BIN_NOISE_MIN = 5;
/**
 * Least noise credited to a bin, as a share of the median bin's: a stretch that happens to be
 * smooth (or quantised) is not trusted without bound.
 */
const BIN_NOISE_FLOOR = 0.25;

/**
 * The relative variance of each bin's median: its points' noise (MAD of second differences,
 * relative to the bin's level) squared over its count; undefined when fewer than three bins
 * can measure it (the count alone weighs the bins then). Minibatch noise is rarely the same
 * along a run (it grows relative to the level as the loss falls, or a noisy stretch sits in
 * the middle), and a fit that weighs each bin by how precisely it is known follows the
 * precise stretches rather than the noisy ones.
 */
function binNoise(y: Float64Array, from: number, m: number, by: Float64Array, bw: Float64Array): Float64Array | undefined {
  const nb = by.length;
  const sd = new Float64Array(nb).fill(NaN);
  const d: number[] = [];
  const pool: number[] = [];
  for (let b = 0; b < nb; b++) {
    const lo = from + Math.floor((b * m) / nb);
    const hi = from + Math.floor(((b + 1) * m) / nb);
    if (hi - lo < BIN_NOISE_MIN || !(by[b] > 0)) continue;
    d.length = 0;
    for (let i = lo + 2; i < hi; i++) d.push(Math.abs(y[i] - 2 * y[i - 1] + y[i - 2]) / by[b]);
    sd[b] = (1.4826 * median(d)) / Math.sqrt(6);
    pool.push(sd[b]);
  }
  if (pool.length < 3) return undefined;
  const pooled = median(pool);
  const floor = BIN_NOISE_FLOOR * pooled;
  const rv = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const s = Number.isFinite(sd[b]) ? Math.max(sd[b], floor) : pooled;
    rv[b] = (s * s) / bw[b];
  }
  // A curve without measurable noise (a constant, or quantised values): the count weighs them.
  return pooled > 0 ? rv : undefined;
}

/** Robust noise of single points: MAD of second differences (free of a locally linear trend). */
function pointNoise(v: Float64Array, from: number, to: number): number {
  const d: number[] = [];
  for (let i = from + 2; i < to; i++) d.push(Math.abs(v[i] - 2 * v[i - 1] + v[i - 2]));
  if (d.length < 3) return 0;
  return (1.4826 * median(d)) / Math.sqrt(6);
}

/** Index of the first point after the last step-like learning-rate drop (a fall by half or more). */
function lrDropIndex(p: Prepared, lr: ForecastOptions['lr']): number {
  if (!lr) return 0;
  let dropStep = -Infinity;
  const last = p.steps[p.steps.length - 1];
  for (let i = 2; i < lr.values.length && lr.steps[i] <= last; i++) {
    const a = lr.values[i - 1];
    const b = lr.values[i];
    // A step schedule: flat, then halved or less from one logged value to the next (a smooth
    // decay that reaches tiny values at its end is not a drop).
    const flat = Math.abs(lr.values[i - 2] - a) <= 0.05 * a;
    if (a > 0 && b > 0 && b <= a / 2 && flat && Number.isFinite(a)) dropStep = lr.steps[i];
  }
  if (dropStep === -Infinity) return 0;
  let k = 0;
  while (k < p.steps.length && p.steps[k] < dropStep) k++;
  return k;
}

/**
 * Index of the first point after the last schedule-like drop seen in the curve itself: a fall
 * between two stretches of bins much larger than the curve's movement just before it.
 */
function curveDropIndex(p: Prepared, logMode: boolean): number {
  const n = p.y.length;
  if (n < 30) return 0;
  const f = (v: number) => (logMode ? Math.log(v) : v);
  const b = binPoints(p.x, p.y, 0, n, 60);
  const lv = Array.from(b.y, f);
  const bounds: number[] = [];
  for (let k = 0; k < b.n; k++) bounds.push(Math.floor((k * n) / b.n));
  const span = Math.max(...lv) - Math.min(...lv);
  let at = 0;
  for (let i = 4; i <= b.n - 3; i++) {
    const before = median(lv.slice(i - 3, i));
    const after = median(lv.slice(i, i + 3));
    const drop = before - after;
    const preMove = Math.abs(lv[i - 1] - lv[i - 4]) / 3;
    const postMove = Math.abs(lv[Math.min(b.n - 1, i + 3)] - lv[i]) / 3;
    if (drop > 0.15 * span && drop > 5 * Math.max(preMove, 1e-12) && drop > 3 * postMove) at = bounds[i];
  }
  // A drop in the last fifth leaves too little to fit: keep the whole curve then.
  return at > 0.8 * n ? 0 : at;
}

interface Ensemble {
  fits: Fit[];
  /** Each fit's x scale: t = x / scale. */
  scales: number[];
  weights: number[];
  logMode: boolean;
  /** The ensemble's measured error per unit of log-horizon (0: not measured). */
  rate: number;
  /** How many backtests measured it. */
  backtests: number;
}

/**
 * Weights of the bins, times the recency emphasis: for a positive curve relative (1/y²) and
 * inverse to each bin's measured variance when binPoints measured it (else its count), for any
 * other curve the count.
 */
function binWeights(b: Bins, t: Float64Array, logMode: boolean): Float64Array {
  const w = new Float64Array(b.n);
  for (let i = 0; i < b.n; i++) {
    const precision = logMode ? (b.rv ? 1 / b.rv[i] : b.w[i]) / (b.y[i] * b.y[i]) : b.w[i];
    w[i] = precision * Math.pow(t[i], RECENCY);
  }
  return w;
}

function fitOne(fam: Family, b: Bins, logMode: boolean, xTarget: number): { fit: Fit; scale: number } | undefined {
  const scale = b.x[b.n - 1];
  const t = Float64Array.from(b.x, v => v / scale);
  const w = binWeights(b, t, logMode);
  let ymin = Infinity;
  for (let i = 0; i < b.n; i++) ymin = Math.min(ymin, b.y[i]);
  const tt = xTarget / scale;
  const ltt = Math.log(tt);
  // A positive loss stays positive: no family may promise it falls below a tenth of its best.
  const accept = (a: number, bb: number, th: readonly number[]) => !logMode || a + bb * fam.g(tt, th, ltt) > 0.1 * ymin;
  const fit = fitFamily(fam, t, b.y, w, b.n, accept);
  return fit ? { fit, scale } : undefined;
}

/** The learning rate's areas at any x (scaled by s1 at the last point): S1 = ∫ lr, S2 = ∫ (peak so far − lr). */
interface LrAreas {
  s1: (x: number) => number;
  s2: (x: number) => number;
}

/** Points of the LR's area tables (the whole run to the target, linear between). */
const AREA_GRID = 256;

/**
 * The learning rate's forward area S1 and annealing area S2 (Tissue et al. 2024, "Scaling law
 * with learning rate annealing") along the run, when the logged LR decays inside the fit
 * window: from the logged values up to the curve's last step, beyond it the recent decay
 * continued as a straight line down to zero (a linear schedule exactly, a cosine roughly).
 * Undefined when the LR is not logged, or does not decay in the window.
 */
function lrAreas(p: Prepared, lr: ForecastOptions['lr'], from: number, toStep: number): LrAreas | undefined {
  if (!lr) return undefined;
  const n = p.steps.length;
  const last = p.steps[n - 1];
  const ls: number[] = [];
  const lv: number[] = [];
  for (let i = 0; i < lr.values.length && lr.steps[i] <= last; i++) {
    const v = lr.values[i];
    if (!(v >= 0) || !Number.isFinite(v) || !Number.isFinite(lr.steps[i])) return undefined;
    if (ls.length && !(lr.steps[i] > ls[ls.length - 1])) continue;
    ls.push(lr.steps[i]);
    lv.push(v);
  }
  const m = ls.length;
  if (m < 5) return undefined;
  let peak = 0;
  let peakI = 0;
  for (let i = 0; i < m; i++) {
    if (lv[i] > peak) {
      peak = lv[i];
      peakI = i;
    }
  }
  if (!(peak > 0)) return undefined;
  // Decaying in the window: the LR at the window's start well above the LR now, no rise since the peak.
  const ws = p.steps[from];
  let atWs = lv[0];
  for (let i = 0; i < m && ls[i] <= ws; i++) atWs = lv[i];
  const cur = lv[m - 1];
  if (!(cur < 0.9 * Math.min(peak, atWs))) return undefined;
  for (let i = peakI + 1; i < m; i++) if (lv[i] > lv[i - 1] * 1.05) return undefined;
  // The recent slope: a least-squares line through the last quarter of the decay (3 points at least).
  const k0 = Math.max(peakI, m - Math.max(3, Math.floor((m - peakI) * 0.25)));
  let sx = 0;
  let sy = 0;
  let c = 0;
  for (let i = k0; i < m; i++) {
    sx += ls[i];
    sy += lv[i];
    c++;
  }
  const mx = sx / c;
  const my = sy / c;
  let sxx = 0;
  let sxy = 0;
  for (let i = k0; i < m; i++) {
    sxx += (ls[i] - mx) ** 2;
    sxy += (ls[i] - mx) * (lv[i] - my);
  }
  const slope = sxx > 0 ? Math.min(0, sxy / sxx) : 0;
  const end = Math.max(toStep, last);
  const lrAt = (st: number): number => {
    if (st >= ls[m - 1]) return Math.max(0, cur + slope * (st - ls[m - 1]));
    if (st <= ls[0]) return lv[0];
    let lo = 0;
    let hi = m - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ls[mid] <= st) lo = mid;
      else hi = mid;
    }
    return lv[lo] + ((lv[hi] - lv[lo]) * (st - ls[lo])) / (ls[hi] - ls[lo]);
  };
  const g0 = Math.min(ls[0], p.steps[0]);
  const gs = new Float64Array(AREA_GRID);
  const a1 = new Float64Array(AREA_GRID);
  const a2 = new Float64Array(AREA_GRID);
  let prevLr = lrAt(g0);
  let runMax = prevLr;
  gs[0] = g0;
  for (let i = 1; i < AREA_GRID; i++) {
    gs[i] = g0 + ((end - g0) * i) / (AREA_GRID - 1);
    const v = lrAt(gs[i]);
    const d = gs[i] - gs[i - 1];
    a1[i] = a1[i - 1] + 0.5 * (v + prevLr) * d;
    const an = Math.max(0, runMax - v);
    const anPrev = Math.max(0, runMax - prevLr);
    runMax = Math.max(runMax, v);
    a2[i] = a2[i - 1] + 0.5 * (an + anPrev) * d;
    prevLr = v;
  }
  const interp = (arr: Float64Array, st: number): number => {
    const f = ((st - g0) / (end - g0)) * (AREA_GRID - 1);
    if (f <= 0) return arr[0];
    if (f >= AREA_GRID - 1) return arr[AREA_GRID - 1];
    const i = Math.floor(f);
    return arr[i] + (arr[i + 1] - arr[i]) * (f - i);
  };
  const unit = interp(a1, last);
  if (!(unit > 0)) return undefined;
  return { s1: x => interp(a1, x + p.origin) / unit, s2: x => interp(a2, x + p.origin) / unit };
}

const LRS_ALPHA = [0.05, 0.08, 0.12, 0.18, 0.27, 0.4, 0.6, 0.9, 1.3, 2];

/**
 * The LR-schedule member: y = L0 + A·S1^(−α) − C·S2 (C ≥ 0), least squares in (L0, A, C) for
 * each α of a grid; returned as a Fit whose shape g folds C / A in.
 */
function fitLrs(b: Bins, areas: LrAreas, logMode: boolean, xTarget: number): { fit: Fit; scale: number } | undefined {
  const scale = b.x[b.n - 1];
  const t = Float64Array.from(b.x, v => v / scale);
  const w = binWeights(b, t, logMode);
  const n = b.n;
  const s1 = Float64Array.from(b.x, x => areas.s1(x));
  const s2 = Float64Array.from(b.x, x => areas.s2(x));
  for (let i = 0; i < n; i++) if (!(s1[i] > 0)) return undefined;
  let ymin = Infinity;
  for (let i = 0; i < n; i++) ymin = Math.min(ymin, b.y[i]);
  const s1T = areas.s1(xTarget);
  const s2T = areas.s2(xTarget);
  let best: { sse: number; a: number; A: number; C: number; al: number } | undefined;
  const g1 = new Float64Array(n);
  for (const al of LRS_ALPHA) {
    for (let i = 0; i < n; i++) g1[i] = Math.pow(s1[i], -al);
    // Weighted normal equations for y = a + A·g1 − C·g2 (centred).
    let sw = 0;
    let m1 = 0;
    let m2 = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      sw += w[i];
      m1 += w[i] * g1[i];
      m2 += w[i] * s2[i];
      my += w[i] * b.y[i];
    }
    m1 /= sw;
    m2 /= sw;
    my /= sw;
    let s11 = 0;
    let s12 = 0;
    let s22 = 0;
    let s1y = 0;
    let s2y = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const d1 = g1[i] - m1;
      const d2 = s2[i] - m2;
      const dy = b.y[i] - my;
      s11 += w[i] * d1 * d1;
      s12 += w[i] * d1 * d2;
      s22 += w[i] * d2 * d2;
      s1y += w[i] * d1 * dy;
      s2y += w[i] * d2 * dy;
      syy += w[i] * dy * dy;
    }
    if (!(s11 > 1e-300)) continue;
    let A: number;
    let B2: number;
    const det = s11 * s22 - s12 * s12;
    if (det > 1e-12 * s11 * s22 && s22 > 0) {
      A = (s1y * s22 - s2y * s12) / det;
      B2 = (s2y * s11 - s1y * s12) / det;
    } else {
      A = s1y / s11;
      B2 = 0;
    }
    if (B2 > 0) {
      // Annealing lowers the loss: a fit that wants it to raise it drops the term.
      A = s1y / s11;
      B2 = 0;
    }
    if (!(A > 0)) continue;
    const a = my - A * m1 - B2 * m2;
    const sse = Math.max(0, syy - A * s1y - B2 * s2y);
    const pred = a + A * Math.pow(s1T, -al) + B2 * s2T;
    if (logMode && !(pred > 0.1 * ymin)) continue;
    if (!best || sse < best.sse) best = { sse, a, A, C: -B2, al };
  }
  if (!best) return undefined;
  const { al, A, C } = best;
  const fam: Family = {
    id: 'lrs',
    g: tt => Math.pow(Math.max(areas.s1(tt * scale), 1e-12), -al) - (C / A) * areas.s2(tt * scale),
    grid: [[al]],
    bounds: [[al, al]],
  };
  return { fit: { family: fam, th: [al], a: best.a, b: A, sse: best.sse }, scale };
}

/** The last bins of b, from the share `share` of them on (a view: nothing is copied). */
function tailBins(b: Bins, share: number): Bins {
  const k = Math.floor(b.n * share);
  return { x: b.x.subarray(k), y: b.y.subarray(k), w: b.w.subarray(k), n: b.n - k, rv: b.rv?.subarray(k) };
}

/** A member of the ensemble fitted to bins, for a forecast at xTarget. */
type Fitter = (b: Bins, xTarget: number) => { fit: Fit; scale: number } | undefined;

/**
 * Fit every member to the window's bins, once to the whole window and once to its recent part
 * (RECENT_SHARE), and weigh each by how well it forecast the end of this very curve from
 * earlier cuts of it (a backtest at the horizon that matters, per unit of log-horizon); equal
 * weights when the curve is too short to cut.
 */
function fitEnsemble(p: Prepared, from: number, logMode: boolean, xTo: number, areas?: LrAreas): Ensemble | undefined {
  const n = p.y.length;
  const tf = (v: number) => (logMode ? Math.log(v) : v);
  const bins = binPoints(p.x, p.y, from, n, BINS, true);
  const cuts: Array<{ bins: Bins; h: number; cut: number }> = [];
  for (const share of BACKTEST_CUTS) {
    const cut = from + Math.floor((n - from) * share);
    if (cut - from < MIN_POINTS) continue;
    const h = Math.log(p.x[n - 1] / p.x[cut - 1]);
    if (h > 0) cuts.push({ bins: binPoints(p.x, p.y, from, cut, BINS, true), h, cut });
  }
  const tailFrom = n - Math.max(1, Math.floor((n - from) * 0.1));
  const actual = tf(median(p.y.subarray(tailFrom, n)));
  const xEnd = p.x[n - 1];
  const fitters: Fitter[] = ENSEMBLE.map(fam => (b: Bins, xt: number) => fitOne(fam, b, logMode, xt));
  if (areas) fitters.push((b, xt) => fitLrs(b, areas, logMode, xt));
  const fits: Fit[] = [];
  const scales: number[] = [];
  const scores: number[] = [];
  /** How many members fitted the whole window (they come first). */
  let nFull = 0;
  for (const share of [0, RECENT_SHARE]) {
    if (share > 0) nFull = fits.length;
    // The recent part of a window (and of each backtest's) needs enough points of its own.
    const enough = (hi: number) => hi - from - Math.floor((hi - from) * share) >= MIN_POINTS;
    if (share > 0 && (!enough(n) || !cuts.every(c => enough(c.cut)))) continue;
    const wBins = tailBins(bins, share);
    const wCuts = cuts.map(c => ({ bins: tailBins(c.bins, share), h: c.h }));
    for (const fitter of fitters) {
      const full = fitter(wBins, xTo);
      if (!full) continue;
      let s2 = 0;
      for (const c of wCuts) {
        const f = fitter(c.bins, xEnd);
        // A member that cannot fit an earlier cut scores as if it missed by the whole horizon.
        const e = f ? Math.abs(tf(Math.max(predict(f.fit, xEnd / f.scale), 1e-300)) - actual) / c.h : 1;
        s2 += e * e;
      }
      fits.push(full.fit);
      scales.push(full.scale);
      scores.push(wCuts.length ? Math.sqrt(s2 / wCuts.length) : NaN);
    }
  }
  if (!fits.length) return undefined;
  const measured = scores.every(Number.isFinite);
  const unit = logMode ? 1 : Math.abs(actual) || 1;
  // Tempered: 1/s rather than 1/s² (two backtests measure s roughly; inverse-variance weights
  // would trust one lucky backtest far more than the data warrant).
  const weights = scores.map(s => (measured ? 1 / Math.sqrt(s * s + (SCORE_FLOOR * unit) ** 2) : 1));
  let rate = 0;
  if (measured) {
    let sw = 0;
    // The interval's model error: the backtests of the whole-window members only. The
    // recent-part members are fitted to half the points, so their backtests miss by more, and
    // they get little weight in the median; counted in the rate, they widened the interval of a
    // clean noisy power law by half (and the evaluation's coverage from 82% to 84%).
    for (let i = 0; i < nFull; i++) {
      rate += weights[i] * scores[i] * scores[i];
      sw += weights[i];
    }
    rate = Math.sqrt(rate / sw);
  }
  return { fits, scales, weights, logMode, rate, backtests: measured ? cuts.length : 0 };
}

function ensembleAt(e: Ensemble, x: number): { median: number; spread: number } {
  const v = e.fits.map((f, i) => predict(f, x / e.scales[i]));
  const tr = e.logMode ? v.map(q => Math.log(Math.max(q, 1e-300))) : v;
  const med = weightedMedian(tr, e.weights);
  // Robust spread: the weighted median absolute deviation (one wild family does not blow it up).
  const spread = 1.4826 * weightedMedian(tr.map(q => Math.abs(q - med)), e.weights);
  return { median: med, spread };
}

/** Where the ensemble levels off: the weighted median of the asymptotes of the families that have one. */
function ensembleAsymptote(e: Ensemble): number {
  const a: number[] = [];
  const w: number[] = [];
  e.fits.forEach((f, i) => {
    if (f.family.grid.length === 0) return; // log-linear: no asymptote
    a.push(f.a);
    w.push(e.weights[i]);
  });
  return a.length ? weightedMedian(a, w) : NaN;
}

/**
 * Forecast a curve's value at `opts.to` (default twice its last step) from its points.
 */
export function forecastCurve(
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  opts: ForecastOptions = {},
): Forecast | NoForecast {
  const p = prepare(steps, values);
  if (typeof p === 'string') return { ok: false, reason: p };
  return forecastPrepared(p, opts);
}

/** Points read one at a time (a chunked series), without copying the whole series. */
export interface PointReader {
  length: number;
  step(i: number): number;
  value(i: number): number;
}

/**
 * forecastCurve for a caller that already knows where the curve's last segment starts (the
 * last point whose step went back, else 0) and that every point from there on is finite (the
 * diagnostic engine's series state does): the same points are read as `prepare` reads them, so
 * the forecast is the same, at a cost bounded by MAX_POINTS whatever the curve's length (a live
 * run re-forecast on every update).
 */
export function forecastSegment(r: PointReader, start: number, opts: ForecastOptions = {}): Forecast | NoForecast {
  const n = r.length;
  const m = n - start;
  if (m < MIN_POINTS) return { ok: false, reason: 'too-short' };
  const stride = Math.ceil(m / MAX_POINTS);
  const k = Math.ceil(m / stride);
  const first = n - 1 - (k - 1) * stride;
  const st = new Float64Array(k);
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    st[i] = r.step(first + i * stride);
    y[i] = r.value(first + i * stride);
  }
  const diffs: number[] = [];
  for (let i = start + 1; i < Math.min(n, start + 1025); i++) {
    const d = r.step(i) - r.step(i - 1);
    if (d > 0) diffs.push(d);
  }
  if (!diffs.length) return { ok: false, reason: 'too-short' };
  const origin = r.step(start) - median(diffs);
  const x = new Float64Array(k);
  for (let i = 0; i < k; i++) x[i] = st[i] - origin;
  return forecastPrepared({ x, y, steps: st, origin }, opts);
}

function forecastPrepared(p: Prepared, opts: ForecastOptions): Forecast | NoForecast {
  const n = p.y.length;
  const fromStep = p.steps[n - 1];
  const toStep = opts.to ?? 2 * fromStep;
  if (!Number.isFinite(toStep) || toStep < fromStep) return { ok: false, reason: 'bad-target' };
  let logMode = true;
  for (let i = 0; i < n; i++) if (!(p.y[i] > 0)) logMode = false;
  const tf = (v: number) => (logMode ? Math.log(v) : v);
  const inv = (v: number) => (logMode ? Math.exp(v) : v);

  // Divergence: the end of the curve is far above both its start and its best.
  const head = binPoints(p.x, p.y, 0, n, 10);
  const hv = Array.from(head.y, tf);
  const lastLevel = hv[hv.length - 1];
  const minLevel = Math.min(...hv);
  const jump = logMode ? Math.log(2) : 0.5 * (Math.max(...hv) - minLevel);
  if (lastLevel > hv[0] && lastLevel - minLevel > jump) return { ok: false, reason: 'diverged' };

  const cp = Math.max(lrDropIndex(p, opts.lr), curveDropIndex(p, logMode));
  const start = Math.max(cp, cp === 0 ? Math.floor(n * TRANSIENT_SHARE) : 0);
  const from = n - start >= MIN_POINTS ? start : Math.max(0, n - MIN_POINTS);
  const xTo = toStep - p.origin;
  const xFrom = p.x[n - 1];
  const ens = fitEnsemble(p, from, logMode, xTo, lrAreas(p, opts.lr, from, toStep));
  if (!ens) return { ok: false, reason: 'too-short' };
  const tv = Float64Array.from(p.y, tf);
  const obs = pointNoise(tv, from, n);
  const atTo = ensembleAt(ens, xTo);
  const horizon = Math.log(xTo / xFrom);
  const unit = logMode ? 1 : Math.abs(atTo.median) || 1;
  const widen = ens.backtests > 0 ? T80[Math.min(ens.backtests, 2)] / Z80 : 1;
  const rate = Math.max(ens.rate * widen, MIN_MODEL_RATE * unit);
  const sigma = Math.sqrt((rate * horizon) ** 2 + atTo.spread ** 2 + obs * obs);

  const current = inv(median((tv.subarray(Math.max(from, n - Math.max(3, Math.floor((n - from) * 0.1))), n))));
  const asym = ensembleAsymptote(ens);
  return {
    ok: true,
    fromStep,
    toStep,
    median: inv(atTo.median),
    low: inv(atTo.median - Z80 * sigma),
    high: inv(atTo.median + Z80 * sigma),
    current,
    asymptote: logMode && !(asym > 0) ? NaN : asym,
    at: (step: number) => inv(ensembleAt(ens, step - p.origin).median),
    windowStart: p.steps[from],
  };
}
