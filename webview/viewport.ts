/**
 * Decimation of the visible x range, fast enough to redraw 10 M points on every zoom step.
 *
 * The buckets are the core's spike-preserving decimation (`minMaxBuckets`, src/core/decimate.ts:
 * first/min/max/last of each bucket, a bucket per pixel), and it is not handed millions of
 * points:
 *
 * - when x is sorted, the visible index range is found by binary search, and
 * - a min/max pyramid (built once per series and setting) stands in for the full points when
 *   the range holds many points per bucket: each pyramid block contributes its finite minimum
 *   and maximum, in index order. A spike is the maximum of its block, so it is always among
 *   the candidates and always drawn; only which point of a sub-pixel block is "first" changes.
 * - when x is not sorted (restarts, wall clocks that jump), the whole series is scanned.
 *
 * Non-finite values are never drawn as points; `nonFiniteIn` lists them for markers.
 */
import { minMaxBuckets } from '../src/core/decimate';

/** Block sizes of the pyramid levels (points per block). */
const BASE = 16;

/** A level: for each block, the index of its finite minimum and maximum (-1 when none). */
interface Level {
  size: number;
  min: Int32Array;
  max: Int32Array;
}

export class MinMaxPyramid {
  readonly levels: Level[] = [];

  constructor(
    readonly y: Float64Array,
    readonly n: number,
  ) {
    if (n < BASE * 8) return;
    // Level 0 from the points.
    const nb0 = Math.ceil(n / BASE);
    const min0 = new Int32Array(nb0);
    const max0 = new Int32Array(nb0);
    for (let b = 0; b < nb0; b++) {
      const start = b * BASE;
      const end = Math.min(n, start + BASE);
      let mi = -1;
      let ma = -1;
      let vmi = Infinity;
      let vma = -Infinity;
      for (let i = start; i < end; i++) {
        const v = y[i];
        // NaN fails both comparisons; +-Infinity are excluded explicitly.
        if (v < vmi && v !== -Infinity) {
          vmi = v;
          mi = i;
        }
        if (v > vma && v !== Infinity) {
          vma = v;
          ma = i;
        }
      }
      min0[b] = mi;
      max0[b] = ma;
    }
    this.levels.push({ size: BASE, min: min0, max: max0 });
    // Coarser levels from the finer ones.
    for (;;) {
      const prev = this.levels[this.levels.length - 1];
      const pn = prev.min.length;
      if (pn < BASE * 4) break;
      const nb = Math.ceil(pn / BASE);
      const mins = new Int32Array(nb);
      const maxs = new Int32Array(nb);
      for (let b = 0; b < nb; b++) {
        const start = b * BASE;
        const end = Math.min(pn, start + BASE);
        let mi = -1;
        let ma = -1;
        for (let c = start; c < end; c++) {
          const a = prev.min[c];
          if (a >= 0 && (mi < 0 || y[a] < y[mi])) mi = a;
          const z = prev.max[c];
          if (z >= 0 && (ma < 0 || y[z] > y[ma])) ma = z;
        }
        mins[b] = mi;
        maxs[b] = ma;
      }
      this.levels.push({ size: prev.size * BASE, min: mins, max: maxs });
    }
  }
}

export interface DecimatedRange {
  x: Float64Array;
  y: Float64Array;
  /** Index of each point in the source arrays. */
  index: Uint32Array;
  /** Index range [lo, hi) of the visible points when x is sorted (else 0..n). */
  lo: number;
  hi: number;
}

/** First index with x[i] >= v (x sorted ascending over [0, n)). */
export function lowerBound(x: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with x[i] > v (x sorted ascending over [0, n)). */
export function upperBound(x: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when x is non-decreasing and has no NaN over [0, n). */
export function isSortedX(x: ArrayLike<number>, n: number): boolean {
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!(v >= prev)) return false;
    prev = v;
  }
  return true;
}

export interface DecimateOptions {
  sorted: boolean;
  pyramid?: MinMaxPyramid;
  /** Also return the nearest finite point just outside each edge, so lines reach the border. */
  edges?: boolean;
}

/**
 * The points to draw for x in [x0, x1], about `buckets` buckets (at most 4 points each).
 */
export function decimateRange(
  x: Float64Array,
  y: Float64Array,
  n: number,
  x0: number,
  x1: number,
  buckets: number,
  opts: DecimateOptions,
): DecimatedRange {
  if (!opts.sorted) {
    const d = minMaxBuckets(x.subarray(0, n), y.subarray(0, n), x0, x1, buckets);
    return { x: d.x, y: d.y, index: d.index, lo: 0, hi: n };
  }
  const lo = lowerBound(x, n, x0);
  const hi = upperBound(x, n, x1);
  const count = hi - lo;
  const nb = Math.max(1, Math.floor(buckets));
  let cx: Float64Array;
  let cy: Float64Array;
  let ci: Uint32Array | null = null;
  let base = 0;
  const level = opts.pyramid ? pickLevel(opts.pyramid, count, nb) : undefined;
  if (!level) {
    cx = x.subarray(lo, hi);
    cy = y.subarray(lo, hi);
    base = lo;
  } else {
    const cand = candidates(x, y, lo, hi, level);
    cx = cand.x;
    cy = cand.y;
    ci = cand.index;
  }
  const d = minMaxBuckets(cx, cy, x0, x1, nb, cx.length);
  let index: Uint32Array;
  if (ci) {
    index = new Uint32Array(d.index.length);
    for (let k = 0; k < index.length; k++) index[k] = ci[d.index[k]];
  } else {
    index = d.index;
    if (base) for (let k = 0; k < index.length; k++) index[k] += base;
  }
  if (!opts.edges) return { x: d.x, y: d.y, index, lo, hi };
  // Nearest finite neighbours outside the range (looking a little way only).
  const before = finiteNear(y, lo - 1, -1, 0);
  const after = finiteNear(y, hi, 1, n - 1);
  if (before < 0 && after < 0) return { x: d.x, y: d.y, index, lo, hi };
  const m = index.length + (before >= 0 ? 1 : 0) + (after >= 0 ? 1 : 0);
  const ox = new Float64Array(m);
  const oy = new Float64Array(m);
  const oi = new Uint32Array(m);
  let k = 0;
  if (before >= 0) {
    ox[k] = x[before];
    oy[k] = y[before];
    oi[k++] = before;
  }
  ox.set(d.x, k);
  oy.set(d.y, k);
  oi.set(index, k);
  k += index.length;
  if (after >= 0) {
    ox[k] = x[after];
    oy[k] = y[after];
    oi[k] = after;
  }
  return { x: ox, y: oy, index: oi, lo, hi };
}

function finiteNear(y: Float64Array, start: number, dir: 1 | -1, limit: number): number {
  for (let i = start, tries = 0; dir < 0 ? i >= limit : i <= limit; i += dir) {
    if (Number.isFinite(y[i])) return i;
    if (++tries > 64) break;
  }
  return -1;
}

/** The coarsest level that still leaves at least 4 blocks per bucket. */
function pickLevel(p: MinMaxPyramid, count: number, buckets: number): Level | undefined {
  let best: Level | undefined;
  for (const level of p.levels) {
    if (count / level.size >= buckets * 4) best = level;
    else break;
  }
  return best;
}

/** Raw points at the partial edge blocks, block minima/maxima in between, in index order. */
function candidates(
  x: Float64Array,
  y: Float64Array,
  lo: number,
  hi: number,
  level: Level,
): { x: Float64Array; y: Float64Array; index: Uint32Array } {
  const size = level.size;
  const b0 = Math.ceil(lo / size);
  const b1 = Math.floor(hi / size); // exclusive
  const headEnd = Math.min(hi, b0 * size);
  const tailStart = Math.max(headEnd, b1 * size);
  const cap = headEnd - lo + (hi - tailStart) + Math.max(0, b1 - b0) * 2;
  const ox = new Float64Array(cap);
  const oy = new Float64Array(cap);
  const oi = new Uint32Array(cap);
  let k = 0;
  for (let i = lo; i < headEnd; i++) {
    ox[k] = x[i];
    oy[k] = y[i];
    oi[k++] = i;
  }
  const mins = level.min;
  const maxs = level.max;
  for (let b = b0; b < b1; b++) {
    const a = mins[b];
    const z = maxs[b];
    if (a < 0) continue;
    const first = a < z ? a : z;
    const second = a < z ? z : a;
    ox[k] = x[first];
    oy[k] = y[first];
    oi[k++] = first;
    if (second !== first) {
      ox[k] = x[second];
      oy[k] = y[second];
      oi[k++] = second;
    }
  }
  for (let i = tailStart; i < hi; i++) {
    ox[k] = x[i];
    oy[k] = y[i];
    oi[k++] = i;
  }
  return { x: ox.subarray(0, k), y: oy.subarray(0, k), index: oi.subarray(0, k) };
}

/** Indices (ascending) of the non-finite values of y[0..n). */
export function nonFiniteIndices(y: Float64Array, n: number, known?: number): Uint32Array {
  let count = known ?? -1;
  if (count < 0) {
    count = 0;
    for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) count++;
  }
  const out = new Uint32Array(count);
  if (!count) return out;
  let k = 0;
  for (let i = 0; i < n && k < count; i++) if (!Number.isFinite(y[i])) out[k++] = i;
  return out;
}

/** A group of non-finite points that share a marker. */
export interface NonFiniteBucket {
  /** x of the first point of the group. */
  x: number;
  count: number;
  nan: number;
  posInf: number;
  negInf: number;
  /** Source indices of the first and last point. */
  first: number;
  last: number;
}

/**
 * Group the non-finite points with x in [x0, x1] into buckets `width` x units wide (one
 * marker each, with a count). `nf` are indices into x/y, ascending.
 */
export function nonFiniteBuckets(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  nf: Uint32Array,
  x0: number,
  x1: number,
  width: number,
): NonFiniteBucket[] {
  const out = new Map<number, NonFiniteBucket>();
  const w = width > 0 ? width : 1;
  for (let k = 0; k < nf.length; k++) {
    const i = nf[k];
    const xv = x[i];
    if (!(xv >= x0 && xv <= x1)) continue;
    const b = Math.floor((xv - x0) / w);
    let g = out.get(b);
    if (!g) {
      g = { x: xv, count: 0, nan: 0, posInf: 0, negInf: 0, first: i, last: i };
      out.set(b, g);
    }
    g.count++;
    g.last = i;
    const v = y[i];
    if (v === Infinity) g.posInf++;
    else if (v === -Infinity) g.negInf++;
    else g.nan++;
  }
  return [...out.values()].sort((a, b) => a.x - b.x);
}

/**
 * The [lo, hi] y range of the 5th-95th percentile of finite (and, for log scales, positive)
 * values, from at most `maxSamples` evenly strided samples of each input.
 */
export function percentileRange(
  samples: Float64Array[],
  positiveOnly: boolean,
  pLo = 0.05,
  pHi = 0.95,
): [number, number] | undefined {
  let total = 0;
  for (const s of samples) total += s.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const s of samples) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (Number.isFinite(v) && (!positiveOnly || v > 0)) all[k++] = v;
    }
  }
  if (k === 0) return undefined;
  const v = all.subarray(0, k).sort();
  if (k <= 2) return [v[0], v[k - 1]];
  return [v[Math.ceil((k - 1) * pLo)], v[Math.floor((k - 1) * pHi)]];
}

/** Up to `max` evenly strided values of y over [lo, hi) whose x lies in [x0, x1]. */
export function strideSample(
  x: Float64Array,
  y: Float64Array,
  lo: number,
  hi: number,
  x0: number,
  x1: number,
  max: number,
): Float64Array {
  const count = hi - lo;
  if (count <= 0) return new Float64Array(0);
  const stride = Math.max(1, Math.floor(count / max));
  const out = new Float64Array(Math.ceil(count / stride));
  let k = 0;
  for (let i = lo; i < hi; i += stride) {
    const xv = x[i];
    if (xv >= x0 && xv <= x1) out[k++] = y[i];
  }
  return out.subarray(0, k);
}
