/**
 * Small statistical building blocks for the detectors. Everything is O(n) or bounded; nothing
 * here sorts a whole series.
 */

/** Robust sigma from the median absolute second difference of i.i.d. noise: 1.4826 / sqrt(6). */
export const D2_TO_SIGMA = 1.4826 / Math.sqrt(6);
/** Asymptotic efficiency factor of the median of B normal values (sd = 1.2533 sigma / sqrt B). */
export const MEDIAN_SD_FACTOR = 1.2533;

/**
 * In-place selection (Hoare partition with median-of-three pivot): after the call, a[k] holds
 * the k-th smallest of a[0..n) and everything left of it is <= it. Expected O(n).
 */
export function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      // insertion sort on tiny ranges
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i];
        let j = i - 1;
        while (j >= lo && a[j] > v) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return a[k];
    }
    const mid = (lo + hi) >>> 1;
    // median of three to a[mid]
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
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

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Median of a[0..n), reordering a. NaN for n = 0. */
export function medianInPlace(a: Float64Array, n: number): number {
  if (n <= 0) return NaN;
  if (n === 1) return a[0];
  const k = (n - 1) >>> 1;
  const lo = select(a, n, k);
  if (n % 2 === 1) return lo;
  let hi = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < hi) hi = a[i];
  return (lo + hi) / 2;
}

/** Median of the finite numbers in a list (copies). NaN when there are none. */
export function median(values: ArrayLike<number>): number {
  const tmp = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) tmp[n++] = v;
  }
  return medianInPlace(tmp, n);
}

/** Least-squares slope of y against 0..n-1 (np.polyfit(x, y, 1)[0]). NaN with < 2 points. */
export function olsSlope(y: ArrayLike<number>): number {
  const n = y.length;
  if (n < 2) return NaN;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += y[i];
    sxx += i * i;
    sxy += i * y[i];
  }
  const d = n * sxx - sx * sx;
  return d === 0 ? NaN : (n * sxy - sx * sy) / d;
}

/**
 * Theil-Sen slope of y against 0..n-1 and Kendall's tau (bounded n only: O(n^2)).
 * Non-finite points are skipped.
 */
export function theilSen(y: ArrayLike<number>): { slope: number; tau: number } {
  const n = y.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let m = 0;
  let conc = 0;
  let disc = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (!Number.isFinite(yi)) continue;
    for (let j = i + 1; j < n; j++) {
      const yj = y[j];
      if (!Number.isFinite(yj)) continue;
      const d = yj - yi;
      slopes[m++] = d / (j - i);
      if (d > 0) conc++;
      else if (d < 0) disc++;
    }
  }
  if (m === 0) return { slope: NaN, tau: NaN };
  return { slope: medianInPlace(slopes, m), tau: (conc - disc) / m };
}

/** Standard score of Kendall's tau over n points with no ties (negative: falling). */
export function kendallZ(tau: number, n: number): number {
  if (n < 3) return NaN;
  return (3 * tau * Math.sqrt(n * (n - 1))) / Math.sqrt(2 * (2 * n + 5));
}

/**
 * Standard score of a turning-point count: for n i.i.d. continuous values the number of
 * turning points has mean 2(n-2)/3 and variance (16n-29)/90. `triples` = n - 2 valid triples.
 */
export function turningZ(turns: number, triples: number): number {
  if (triples < 3) return NaN;
  const n = triples + 2;
  const mean = (2 * triples) / 3;
  const sd = Math.sqrt((16 * n - 29) / 90);
  return (turns - mean) / sd;
}

/** Running median of 3 (ends kept): removes single-point noise before taking minima. */
export function runningMedian3(y: readonly number[]): number[] {
  return y.map((b, k) => {
    if (k === 0 || k === y.length - 1) return b;
    const a = y[k - 1];
    const c = y[k + 1];
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  });
}

/** Map a margin ratio (statistic / threshold, >= 1 when the rule fires) to a 0.5..0.99 confidence. */
export function confidenceFromRatio(ratio: number, base = 0.5): number {
  if (!Number.isFinite(ratio)) return base;
  const r = Math.max(0, ratio - 1);
  const c = 1 - (1 - base) * Math.exp(-r);
  return clamp01(Math.min(0.99, c));
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Round to a few significant digits for evidence (keeps JSON short and stable). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}
