/**
 * Reference smoothing: the textbook formulas, one Math.pow per point, kept to check the fast
 * implementation in src/core/smooth.ts bit for bit (test/unit/core/smooth-reference.test.ts).
 * Non-finite values pass through unchanged and do not disturb the running average, as in
 * TensorBoard.
 */

/**
 * TensorBoard's debiased exponential moving average (the "Smoothing" slider): with weight w,
 * last = w*last + (1-w)*v, shown as last / (1 - w^k) after k finite values. w = 0 is the raw
 * series. Matches tensorboard/webapp/widgets/line_chart_v2/lib/... `classicSmoothing`.
 */
export function emaDebiased(values: ArrayLike<number>, weight: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const w = clampWeight(weight);
  let last = 0;
  let k = 0;
  const allConstant = isConstant(values);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || allConstant) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    k++;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, k);
    out[i] = last / debias;
  }
  return out;
}

/**
 * EMA that respects uneven steps: the weight per point is w^(dx / dxTypical), so a gap of ten
 * typical steps decays the history as much as ten points would. Debiased like emaDebiased.
 */
export function emaXAware(xs: ArrayLike<number>, values: ArrayLike<number>, weight: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const w = clampWeight(weight);
  const typical = typicalGap(xs);
  let last = 0;
  let norm = 0;
  let prevX = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    const dx = Number.isFinite(prevX) ? Math.max(0, xs[i] - prevX) : typical;
    const a = typical > 0 ? Math.pow(w, dx / typical) : w;
    last = last * a + (1 - a) * v;
    norm = norm * a + (1 - a);
    out[i] = norm > 0 ? last / norm : v;
    prevX = xs[i];
  }
  return out;
}

/** Centred moving average over `window` points (odd windows are symmetric). O(n). */
export function centredMean(values: ArrayLike<number>, window: number): Float64Array {
  const n = values.length;
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

export type SmoothingMode = 'off' | 'ema' | 'ema-x' | 'window';

export function smooth(
  mode: SmoothingMode,
  xs: ArrayLike<number>,
  values: ArrayLike<number>,
  param: number,
): Float64Array {
  switch (mode) {
    case 'off':
      return Float64Array.from(values as ArrayLike<number>);
    case 'ema':
      return emaDebiased(values, param);
    case 'ema-x':
      return emaXAware(xs, values, param);
    case 'window':
      return centredMean(values, Math.max(1, Math.round(param)));
  }
}

function clampWeight(w: number): number {
  if (!Number.isFinite(w)) return 0;
  return Math.min(0.999, Math.max(0, w));
}

function isConstant(values: ArrayLike<number>): boolean {
  let first = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** Median gap between consecutive x values (sampled on long series). */
export function typicalGap(xs: ArrayLike<number>): number {
  const n = xs.length;
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
