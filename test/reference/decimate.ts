/**
 * Reference decimation: the plain version of src/core/decimate.ts (arrays and a filter per
 * bucket), kept to check the fast one (test/webview/viewport.test.ts). Spike-preserving
 * decimation for drawing: the x range is cut into buckets (a few per pixel)
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
 * bucket pass, so a restart segment stays a separate stretch.
 */
export function minMaxDecimate(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x0: number,
  x1: number,
  buckets: number,
  maxNonFinite = 10_000,
): Decimated {
  const n = Math.min(xs.length, ys.length);
  const nb = Math.max(1, Math.floor(buckets));
  const span = x1 - x0;
  const outX: number[] = [];
  const outY: number[] = [];
  const outI: number[] = [];
  const nonFinite: Decimated['nonFinite'] = [];

  // Count points in range first: small ranges are returned whole.
  let inRange = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (x >= x0 && x <= x1) inRange++;
  }
  const whole = inRange <= nb * 4 || !(span > 0);

  let cur = -1;
  let firstI = -1;
  let minI = -1;
  let maxI = -1;
  let lastI = -1;
  const flush = () => {
    if (firstI < 0) return;
    const picks = [firstI, minI, maxI, lastI].filter((v, k, a) => v >= 0 && a.indexOf(v) === k);
    picks.sort((a, b) => a - b);
    for (const i of picks) {
      outX.push(xs[i]);
      outY.push(ys[i]);
      outI.push(i);
    }
    firstI = minI = maxI = lastI = -1;
  };

  let prevX = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (!(x >= x0 && x <= x1)) continue;
    const y = ys[i];
    if (!Number.isFinite(y)) {
      if (nonFinite.length < maxNonFinite) nonFinite.push({ x, value: y, index: i });
      continue;
    }
    if (whole) {
      outX.push(x);
      outY.push(y);
      outI.push(i);
      continue;
    }
    let b = Math.floor(((x - x0) / span) * nb);
    if (b >= nb) b = nb - 1;
    // A step going backwards (restart) starts a new run of buckets.
    if (b !== cur || x < prevX) {
      flush();
      cur = b;
    }
    prevX = x;
    if (firstI < 0) {
      firstI = minI = maxI = lastI = i;
    } else {
      if (y < ys[minI]) minI = i;
      if (y > ys[maxI]) maxI = i;
      lastI = i;
    }
  }
  flush();
  return {
    x: Float64Array.from(outX),
    y: Float64Array.from(outY),
    index: Uint32Array.from(outI),
    nonFinite,
  };
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
