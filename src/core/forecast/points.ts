/**
 * A series' points for the forecaster, without consolidating a very long chunked series.
 *
 * Pure TypeScript.
 */
import type { Series } from '../model';

/** Longest series consolidated for a forecast; a longer chunked one is sampled at a stride. */
const MAX_VIEW = 1 << 18;

/**
 * The series' points: its own arrays when they are one, else (a very long series kept in
 * chunks, whose consolidation would briefly double its memory) a strided sample that keeps the
 * last point (the forecaster reads long curves at a stride anyway).
 */
export function pointsOf(s: Series): [ArrayLike<number>, ArrayLike<number>] {
  const n = s.length;
  if (n <= MAX_VIEW || (s.steps.contiguous && s.values.contiguous)) return [s.steps.view(), s.values.view()];
  const stride = Math.ceil(n / MAX_VIEW);
  const k = Math.ceil(n / stride);
  const first = n - 1 - (k - 1) * stride;
  const st = new Float64Array(k);
  const v = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    st[i] = s.steps.get(first + i * stride);
    v[i] = s.values.get(first + i * stride);
  }
  // (a non-finite value the stride skipped still means no forecast)
  if (s.nonFinite > 0) v[k - 1] = NaN;
  return [st, v];
}
