/**
 * The default y scale: a run that blew up (loss 2.3 → 1e20, then NaN) is a flat line at 0 with
 * one spike on a linear axis. When the finite values of the plotted losses span more than
 * LOG_DECADES decades, the view starts in log scale and says why; a choice the user makes wins.
 */
import type { SeriesModel } from './model';

/** More than this many decades between the smallest and the largest finite loss: log scale. */
export const LOG_DECADES = 3;

export interface AutoScale {
  /** log10(max / min) over the finite, positive values considered. */
  decades: number;
  /** Log scale is the better default. */
  log: boolean;
}

/**
 * Decide from the loss series (every plotted series when there is no loss, accuracy aside).
 * Never log when a finite value is ≤ 0: log scale would drop it.
 */
export function autoScale(series: SeriesModel[]): AutoScale {
  const losses = series.filter(s => s.group === 'loss');
  const pool = losses.length ? losses : series.filter(s => s.group !== 'acc');
  let lo = Infinity;
  let hi = -Infinity;
  let nonPositive = false;
  for (const s of pool) {
    const v = s.values.view();
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const y = v[i];
      if (!Number.isFinite(y)) continue;
      if (y <= 0) {
        nonPositive = true;
        continue;
      }
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
  }
  if (!(hi >= lo)) return { decades: 0, log: false };
  const decades = Math.log10(hi / lo);
  return { decades, log: !nonPositive && decades > LOG_DECADES };
}
