/**
 * Smoothing, applied to a full series before anything is decimated for drawing (the curves view
 * and the HTML report). Non-finite values pass through unchanged and do not disturb the running
 * average, as in TensorBoard.
 *
 * Every function reads the first `n` values (default: all), so the webview can hand it its
 * growable buffers. The per-point Math.pow of the textbook formulas is taken out of the loops;
 * the results are bit for bit those of the plain versions kept in test/reference/smooth.ts (a
 * test compares them):
 *
 * - debiased EMA: once w^k < 2^-60, 1 - w^k rounds to 1 for every later k, so the debias
 *   division is skipped from then on instead of calling Math.pow ten million times;
 * - x-aware EMA: the decay w^(dx/typical) is recomputed only when dx changes (steps are
 *   usually evenly spaced).
 */

export type SmoothingMode = 'off' | 'ema' | 'ema-x' | 'window';

const TINY = Math.pow(2, -60);

/**
 * TensorBoard's debiased exponential moving average (the "Smoothing" slider): with weight w,
 * last = w*last + (1-w)*v, shown as last / (1 - w^k) after k finite values. w = 0 is the raw
 * series. Matches tensorboard/webapp/widgets/line_chart_v2/lib/... `classicSmoothing`.
 */
export function emaDebiased(values: ArrayLike<number>, weight: number, n = values.length): Float64Array {
  const out = new Float64Array(n);
  const w = clampWeight(weight);
  if (isConstant(values, n)) {
    for (let i = 0; i < n; i++) out[i] = values[i];
    return out;
  }
  const a = 1 - w;
  let last = 0;
  let k = 0;
  // clampWeight keeps w < 1, so w^k falls below TINY eventually.
  let settled = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v !== 0) {
      out[i] = v;
      continue;
    }
    last = last * w + a * v;
    k++;
    if (settled) {
      out[i] = last; // last / (1 - w^k) with 1 - w^k === 1
      continue;
    }
    const p = Math.pow(w, k);
    if (p < TINY) settled = true;
    out[i] = last / (1 - p);
  }
  return out;
}

/**
 * EMA that respects uneven steps: the weight per point is w^(dx / dxTypical), so a gap of ten
 * typical steps decays the history as much as ten points would. Debiased like emaDebiased.
 */
export function emaXAware(xs: ArrayLike<number>, values: ArrayLike<number>, weight: number, n = values.length): Float64Array {
  const out = new Float64Array(n);
  const w = clampWeight(weight);
  const typical = typicalGap(xs, n);
  let last = 0;
  let norm = 0;
  let prevX = NaN;
  let lastDx = NaN;
  let lastA = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    const dx = Number.isFinite(prevX) ? Math.max(0, xs[i] - prevX) : typical;
    let a: number;
    if (typical > 0) {
      if (dx !== lastDx) {
        lastDx = dx;
        lastA = Math.pow(w, dx / typical);
      }
      a = lastA;
    } else a = w;
    last = last * a + (1 - a) * v;
    norm = norm * a + (1 - a);
    out[i] = norm > 0 ? last / norm : v;
    prevX = xs[i];
  }
  return out;
}

/** Centred moving average over `window` points (odd windows are symmetric). O(n). */
export function centredMean(values: ArrayLike<number>, window: number, n = values.length): Float64Array {
  const out = new Float64Array(n);
  const half = Math.max(0, Math.floor(window / 2));
  // Prefix sums over finite values only.
  const sum = new Float64Array(n + 1);
  const cnt = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const ok = Number.isFinite(v);
    sum[i + 1] = sum[i] + (ok ? v : 0);
    cnt[i + 1] = cnt[i] + (ok ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    const c = cnt[hi] - cnt[lo];
    out[i] = c > 0 ? (sum[hi] - sum[lo]) / c : v;
  }
  return out;
}

/** The first `n` values smoothed by `mode` (`param`: the EMA weight, or the window in points). */
export function smooth(
  mode: SmoothingMode,
  xs: ArrayLike<number>,
  values: ArrayLike<number>,
  param: number,
  n = values.length,
): Float64Array {
  switch (mode) {
    case 'off': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = values[i];
      return out;
    }
    case 'ema':
      return emaDebiased(values, param, n);
    case 'ema-x':
      return emaXAware(xs, values, param, n);
    case 'window':
      return centredMean(values, Math.max(1, Math.round(param)), n);
  }
}

function clampWeight(w: number): number {
  if (!Number.isFinite(w)) return 0;
  return Math.min(0.999, Math.max(0, w));
}

function isConstant(values: ArrayLike<number>, n: number): boolean {
  let first = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** Median gap between consecutive x values among the first `n` (sampled on long series). */
function typicalGap(xs: ArrayLike<number>, n = xs.length): number {
  if (n < 2) return 1;
  const stride = Math.max(1, Math.floor(n / 2048));
  const gaps: number[] = [];
  for (let i = stride; i < n; i += stride) {
    const d = (xs[i] - xs[i - stride]) / stride;
    if (Number.isFinite(d) && d > 0) gaps.push(d);
  }
  if (!gaps.length) return 1;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1];
}
