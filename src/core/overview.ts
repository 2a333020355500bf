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
 * The indices of an overview of a series' values, in increasing order: the points are cut
 * into `buckets` runs of consecutive points, and each run keeps its first, lowest, highest and
 * last finite point, and its NaN / Inf points (up to a cap over the series). One pass over the
 * values, which may come in parts (a series' storage, no copy): a log's points are in step
 * order (restarts aside), so runs of points are step buckets, and a restart stays where it is
 * in the order of the log.
 */
export function overviewIndex(values: ArrayLike<number> | ArrayLike<number>[], buckets = OVERVIEW_BUCKETS): Uint32Array {
  const parts: ArrayLike<number>[] = Array.isArray(values) ? values : [values as ArrayLike<number>];
  let n = 0;
  for (const p of parts) n += p.length;
  const nb = Math.max(1, Math.min(buckets, n));
  const out = new Uint32Array(nb * 4 + Math.min(n, OVERVIEW_MAX_NON_FINITE));
  let k = 0;
  let nonFinite = 0;
  let b = 0;
  let hi = Math.floor(n / nb);
  let start = 0;
  let first = -1;
  let last = -1;
  let iMin = -1;
  let iMax = -1;
  let vMin = Infinity;
  let vMax = -Infinity;
  const kept = [0, 0, 0, 0];
  const flush = () => {
    if (first >= 0) {
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
    start = k;
    first = last = iMin = iMax = -1;
    vMin = Infinity;
    vMax = -Infinity;
  };
  let i = 0;
  for (const part of parts) {
    for (let t = 0; t < part.length; t++, i++) {
      while (i >= hi) {
        flush();
        b++;
        hi = Math.floor(((b + 1) * n) / nb);
      }
      const v = part[t];
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
  }
  flush();
  return out.slice(0, k);
}

/** out[t] = the value at index keep[t] of the parts (keep increasing). */
export function pickIndices<T extends Float64Array | Uint32Array>(parts: T[], keep: Uint32Array, out: T): T {
  let p = 0;
  let start = 0;
  for (let t = 0; t < keep.length; t++) {
    const i = keep[t];
    while (i >= start + parts[p].length) start += parts[p++].length;
    out[t] = parts[p][i - start];
  }
  return out;
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
  const keep = overviewIndex(s.values.viewsFrom(0));
  rememberOverview(s, keep);
  return keep;
}
