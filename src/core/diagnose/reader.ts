/**
 * Reading the points appended to a series since the last call, in O(new points).
 *
 * Series store values in chunked arrays whose `view()` copies everything into one array; that is
 * fine once (batch) but would make every live update O(history). So: when the new points are a
 * large share of the series (at least a quarter), take the views (amortised O(n) overall);
 * otherwise copy the new points, at most CHUNK at a time, into a reusable scratch buffer.
 */
import type { Series } from '../model';

const CHUNK = 1 << 16;

export class RangeReader {
  private v = new Float64Array(0);
  private s = new Float64Array(0);
  /** Values and steps of the current window; index with (i - off). */
  vals: Float64Array = this.v;
  steps: Float64Array = this.s;
  off = 0;

  /** Make [from, end) readable; returns `end` (<= to). */
  load(series: Series, from: number, to: number): number {
    const n = series.length;
    // A contiguous view is free when the series is already one array; otherwise read through
    // the bounded scratch buffer, so that analysing a huge log never copies a whole series.
    if (to - from >= n >> 2 && isContiguous(series)) {
      this.vals = series.values.view();
      this.steps = series.steps.view();
      this.off = 0;
      return to;
    }
    const end = Math.min(to, from + CHUNK);
    const k = end - from;
    if (this.v.length < k) {
      const cap = Math.min(CHUNK, Math.max(k, 2 * this.v.length, 256));
      this.v = new Float64Array(cap);
      this.s = new Float64Array(cap);
    }
    const vs = series.values;
    const ss = series.steps;
    for (let j = 0; j < k; j++) {
      this.v[j] = vs.get(from + j);
      this.s[j] = ss.get(from + j);
    }
    this.vals = this.v;
    this.steps = this.s;
    this.off = from;
    return end;
  }
}

function isContiguous(series: Series): boolean {
  return series.values.contiguous && series.steps.contiguous;
}
