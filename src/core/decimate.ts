/**
 * Spike-preserving decimation for drawing: the x range is cut into buckets (a few per pixel)
 * and each bucket keeps its first, minimum, maximum and last point, in x order. A spike is the
 * maximum of its bucket, so it is always drawn; zooming re-decimates the visible range at full
 * resolution. Non-finite values are never drawn as points but returned as markers, with counts.
 * Unlike TensorBoard's random sample, the result is deterministic.
 */

export interface Decimated {
  x: Float64Array;
  y: Float64Array;
  /** Indices into the source arrays of the kept points (for tooltips / source lines). */
  index: Uint32Array;
  /** Non-finite points in range: x, the value (NaN / +-Inf) and the source index. */
  nonFinite: Array<{ x: number; value: number; index: number }>;
}

/**
 * Decimate points with x in [x0, x1] (inclusive) into at most ~4*buckets points. `xs` need not
 * be sorted (restarts make steps go backwards): order is kept as in the source within each
 * bucket pass, so a restart segment stays a separate stretch. The plain version of this
 * algorithm is kept in test/reference/decimate.ts; a test checks both give the same points.
 */
export function minMaxDecimate(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x0: number,
  x1: number,
  buckets: number,
  maxNonFinite = 10_000,
): Decimated {
  const nonFinite: Decimated['nonFinite'] = [];
  const d = minMaxBuckets(xs, ys, x0, x1, buckets, undefined, maxNonFinite > 0 ? { list: nonFinite, max: maxNonFinite } : undefined);
  return { x: d.x, y: d.y, index: d.index, nonFinite };
}

/**
 * The decimation itself: x in [x0, x1], returned whole when at most 4 points per bucket, else
 * the first, minimum, maximum and last finite point of each bucket in index order, a new bucket
 * run whenever x goes back (restarts). `inRange`, when the caller
 * knows every x is in range, saves the counting pass; `nonFinite`, when given, receives the
 * non-finite points in range (at most `max`). Written for speed (typed registers, no
 * per-bucket allocation): the webview calls it on every zoom step. The results are views into
 * buffers a little longer than the result.
 */
export function minMaxBuckets(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x0: number,
  x1: number,
  buckets: number,
  inRange?: number,
  nonFinite?: { list: Decimated['nonFinite']; max: number },
): { x: Float64Array; y: Float64Array; index: Uint32Array } {
  const n = Math.min(xs.length, ys.length);
  const nb = Math.max(1, Math.floor(buckets));
  const span = x1 - x0;
  let count = inRange ?? -1;
  if (count < 0) {
    count = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      if (x >= x0 && x <= x1) count++;
    }
  }
  const whole = count <= nb * 4 || !(span > 0);
  let cap = Math.max(16, whole ? count : Math.min(count, nb * 4 + 16));
  let ox = new Float64Array(cap);
  let oy = new Float64Array(cap);
  let oi = new Uint32Array(cap);
  let k = 0;
  const grow = () => {
    cap *= 2;
    const nx = new Float64Array(cap);
    nx.set(ox);
    ox = nx;
    const ny = new Float64Array(cap);
    ny.set(oy);
    oy = ny;
    const ni = new Uint32Array(cap);
    ni.set(oi);
    oi = ni;
  };
  const emit = (i: number) => {
    if (k >= cap) grow();
    ox[k] = xs[i];
    oy[k] = ys[i];
    oi[k++] = i;
  };
  if (whole) {
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      if (!(x >= x0 && x <= x1)) continue;
      const y = ys[i];
      if (y - y !== 0) {
        // NaN or +-Infinity
        if (nonFinite && nonFinite.list.length < nonFinite.max) nonFinite.list.push({ x, value: y, index: i });
        continue;
      }
      emit(i);
    }
    return { x: ox.subarray(0, k), y: oy.subarray(0, k), index: oi.subarray(0, k) };
  }
  let cur = -1;
  let firstI = -1;
  let minI = -1;
  let maxI = -1;
  let lastI = -1;
  let minV = 0;
  let maxV = 0;
  const flush = () => {
    if (firstI < 0) return;
    // Unique picks in index order (first <= min, max <= last).
    const a = minI < maxI ? minI : maxI;
    const b = minI < maxI ? maxI : minI;
    emit(firstI);
    if (a !== firstI) emit(a);
    if (b !== a && b !== firstI) emit(b);
    if (lastI !== b && lastI !== a && lastI !== firstI) emit(lastI);
    firstI = minI = maxI = lastI = -1;
  };
  let prevX = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (!(x >= x0 && x <= x1)) continue;
    const y = ys[i];
    if (y - y !== 0) {
      if (nonFinite && nonFinite.list.length < nonFinite.max) nonFinite.list.push({ x, value: y, index: i });
      continue;
    }
    let bk = Math.floor(((x - x0) / span) * nb);
    if (bk >= nb) bk = nb - 1;
    if (bk !== cur || x < prevX) {
      flush();
      cur = bk;
    }
    prevX = x;
    if (firstI < 0) {
      firstI = minI = maxI = lastI = i;
      minV = maxV = y;
    } else {
      if (y < minV) {
        minV = y;
        minI = i;
      }
      if (y > maxV) {
        maxV = y;
        maxI = i;
      }
      lastI = i;
    }
  }
  flush();
  return { x: ox.subarray(0, k), y: oy.subarray(0, k), index: oi.subarray(0, k) };
}

/** The finite x range of a series. */
export function xExtent(xs: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
