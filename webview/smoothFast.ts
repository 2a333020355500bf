/**
 * The core's smoothing (src/core/smooth.ts) with the per-point Math.pow taken out of the hot
 * loop, returning exactly the same numbers (a test compares them bit for bit):
 *
 * - debiased EMA: once w^k < 2^-60, 1 - w^k rounds to 1 for every later k, so the debias
 *   division is skipped from then on instead of calling Math.pow ten million times;
 * - x-aware EMA: the decay w^(dx/typical) is recomputed only when dx changes (steps are
 *   usually evenly spaced).
 *
 * The centred window and 'off' are the core's own.
 */
import { smooth, type SmoothingMode, typicalGap } from '../src/core/smooth';

function clampWeight(w: number): number {
  if (!Number.isFinite(w)) return 0;
  return Math.min(0.999, Math.max(0, w));
}

function isConstant(values: ArrayLike<number>, n: number): boolean {
  let first = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}

const TINY = Math.pow(2, -60);

export function emaDebiasedFast(values: Float64Array, n: number, weight: number): Float64Array {
  const out = new Float64Array(n);
  const w = clampWeight(weight);
  if (isConstant(values, n)) {
    out.set(values.subarray(0, n));
    return out;
  }
  const a = 1 - w;
  let last = 0;
  let k = 0;
  // clampWeight keeps w < 1, so w^k falls below TINY eventually.
  let settled = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v !== 0) {
      out[i] = v;
      continue;
    }
    last = last * w + a * v;
    k++;
    if (settled) {
      out[i] = last; // last / (1 - w^k) with 1 - w^k === 1
      continue;
    }
    const p = Math.pow(w, k);
    if (p < TINY) settled = true;
    out[i] = last / (1 - p);
  }
  return out;
}

export function emaXAwareFast(xs: Float64Array, values: Float64Array, n: number, weight: number): Float64Array {
  const out = new Float64Array(n);
  const w = clampWeight(weight);
  const typical = typicalGap(xs.subarray(0, n));
  let last = 0;
  let norm = 0;
  let prevX = NaN;
  let lastDx = NaN;
  let lastA = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    const dx = Number.isFinite(prevX) ? Math.max(0, xs[i] - prevX) : typical;
    let a: number;
    if (typical > 0) {
      if (dx !== lastDx) {
        lastDx = dx;
        lastA = Math.pow(w, dx / typical);
      }
      a = lastA;
    } else a = w;
    last = last * a + (1 - a) * v;
    norm = norm * a + (1 - a);
    out[i] = norm > 0 ? last / norm : v;
    prevX = xs[i];
  }
  return out;
}

/** smooth() of the core, the EMAs through the fast paths above. */
export function smoothFast(mode: SmoothingMode, xs: Float64Array, values: Float64Array, n: number, param: number): Float64Array {
  switch (mode) {
    case 'ema':
      return emaDebiasedFast(values, n, param);
    case 'ema-x':
      return emaXAwareFast(xs, values, n, param);
    default:
      return smooth(mode, xs.subarray(0, n), values.subarray(0, n), param);
  }
}
