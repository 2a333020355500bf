/**
 * Overviews of long series, for the first picture of a big log: the indices of the points to
 * draw — the first, minimum, maximum and last point of each bucket of consecutive points (as
 * the viewer's own decimation, decimate.ts, keeps per step bucket) and every NaN / Inf up to a
 * cap, in the order of the log — so no spike or NaN is lost from the picture. Computed where the log is read (a worker thread for
 * the extension) and remembered with the series.
 */
import type { Series } from './model';

/** Series longer than this are drawn from an overview first. */
export const OVERVIEW_MIN_POINTS = 100_000;
/** Step buckets of an overview (each keeps up to 4 points): a few per pixel of a wide chart. */
export const OVERVIEW_BUCKETS = 8192;
/** Non-finite points kept per series in an overview. */
const OVERVIEW_MAX_NON_FINITE = 10_000;

/**
 * The indices of an overview of the points (steps, values), in increasing order: the points
 * are cut into `buckets` runs of consecutive points, and each run keeps its first, lowest,
 * highest and last finite point, and its NaN / Inf points (up to a cap over the series). One
 * pass over the values: a log's points are in step order (restarts aside), so runs of points
 * are step buckets, and a restart stays where it is in the order of the log.
 */
export function overviewIndex(steps: ArrayLike<number>, values: ArrayLike<number>, buckets = OVERVIEW_BUCKETS): Uint32Array {
  const n = Math.min(steps.length, values.length);
  const nb = Math.max(1, Math.min(buckets, n));
  const out = new Uint32Array(nb * 4 + Math.min(n, OVERVIEW_MAX_NON_FINITE));
  let k = 0;
  let nonFinite = 0;
  const kept = [0, 0, 0, 0];
  for (let b = 0; b < nb; b++) {
    const lo = Math.floor((b * n) / nb);
    const hi = Math.floor(((b + 1) * n) / nb);
    let first = -1;
    let last = -1;
    let iMin = -1;
    let iMax = -1;
    let vMin = Infinity;
    let vMax = -Infinity;
    const start = k;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (v - v !== 0) {
        // NaN / Inf: kept in place (in order), up to the cap.
        if (nonFinite < OVERVIEW_MAX_NON_FINITE) {
          out[k++] = i;
          nonFinite++;
        }
        continue;
      }
      if (first < 0) first = i;
      last = i;
      if (v < vMin) {
        vMin = v;
        iMin = i;
      }
      if (v > vMax) {
        vMax = v;
        iMax = i;
      }
    }
    if (first < 0) continue;
    // The bucket's finite points in index order, each once, merged with its non-finite ones.
    kept[0] = first;
    kept[1] = Math.min(iMin, iMax);
    kept[2] = Math.max(iMin, iMax);
    kept[3] = last;
    const nonFin = out.slice(start, k);
    k = start;
    let j = 0;
    let prev = -1;
    for (const idx of kept) {
      if (idx === prev) continue;
      while (j < nonFin.length && nonFin[j] < idx) out[k++] = nonFin[j++];
      out[k++] = idx;
      prev = idx;
    }
    while (j < nonFin.length) out[k++] = nonFin[j++];
  }
  return out.slice(0, k);
}

const remembered = new WeakMap<Series, { length: number; keep: Uint32Array }>();

/** Remember a series' overview (computed elsewhere, e.g. on the thread that read it). */
export function rememberOverview(s: Series, keep: Uint32Array): void {
  remembered.set(s, { length: s.length, keep });
}

/**
 * The overview of a series longer than `minPoints` (undefined for a shorter one): the one
 * remembered while the series has not grown since, else computed now (and remembered).
 */
export function overviewOf(s: Series, minPoints = OVERVIEW_MIN_POINTS): Uint32Array | undefined {
  if (s.length <= minPoints) return undefined;
  const r = remembered.get(s);
  if (r && r.length === s.length) return r.keep;
  const keep = overviewIndex(s.steps.view(), s.values.view());
  rememberOverview(s, keep);
  return keep;
}
