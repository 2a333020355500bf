/**
 * Exact decimal -> double conversion without building a string, for the CSV hot path.
 *
 * A decimal is given as `M * 10^e10` with M split as `hi * 10^loDigits + lo` (hi: the first up
 * to 15 significant digits, exact in a double; lo: the next 0..4 digits). Results are exactly
 * what `Number(text)` gives (round to nearest, ties to even) or `false` when the fast paths
 * cannot prove it, in which case the caller falls back to `Number(text)`:
 * - Clinger's fast path: M < 2^53 and |e10| <= 22 -> one correctly rounded * or /.
 * - 16..19 significant digits divided by 10^f (f <= 22), the shape of float32 values printed
 *   as doubles (`0.33574631810188293`, `4.0000003e-05`): M is held exactly as a double-double,
 *   q0 = M / 10^f is computed, and the exact remainder M - q0 * 10^f (Dekker products) picks
 *   q0 or its neighbour; a remainder too close to a half-way point returns false.
 */

/**
 * The powers of ten that are exact doubles, 10^0 ... 10^22 (Clinger's fast path: a product or
 * quotient of an integer below 2^53 and one of these is correctly rounded). The one table of the
 * number readers (bytenum.ts, csv.ts, text/scan.ts).
 */
export const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)

/** Hi/lo halves (26 bits each) of 10^k, for Dekker products. */
const POW10_HI = new Float64Array(23);
const POW10_LO = new Float64Array(23);
for (let k = 0; k <= 22; k++) {
  const a = POW10[k];
  const t = SPLITTER * a;
  const hi = t - (t - a);
  POW10_HI[k] = hi;
  POW10_LO[k] = a - hi;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Little-endian hosts (every JS engine we run on): U32[1] holds sign/exponent/high mantissa.
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

/** The next double above a positive finite x. */
function nextUp(x: number): number {
  F64[0] = x;
  if (U32[LO] === 0xffffffff) {
    U32[LO] = 0;
    U32[HI]++;
  } else {
    U32[LO]++;
  }
  return F64[0];
}

/** The next double below a positive finite x (x > smallest normal). */
function nextDown(x: number): number {
  F64[0] = x;
  if (U32[LO] === 0) {
    U32[LO] = 0xffffffff;
    U32[HI]--;
  } else {
    U32[LO]--;
  }
  return F64[0];
}

/** Margin around half-way points inside which we defer to Number(). */
const EPS = 1e-7;

/** Where `decimalToDouble` writes its result (a typed array: no boxing of the double). */
export const DECIMAL_OUT = new Float64Array(1);

/**
 * Compute `(hi * 10^loDigits + lo) * 10^e10` (non-negative) into DECIMAL_OUT[0] and return
 * true, or return false when the value is not provably exact (the caller then uses Number()).
 * `hi` < 10^15 (integer), `lo` < 10^loDigits (integer), 0 <= loDigits <= 4.
 */
export function decimalToDouble(hi: number, lo: number, loDigits: number, e10: number): boolean {
  const v = decimalValue(hi, lo, loDigits, e10);
  if (v !== v) return false;
  DECIMAL_OUT[0] = v;
  return true;
}

/** As `decimalToDouble`, returning NaN when not provably exact (NaN is never a result). */
function decimalValue(hi: number, lo: number, loDigits: number, e10: number): number {
  if (loDigits === 0 || hi === 0) {
    const m = loDigits === 0 ? hi : lo;
    if (m === 0) return 0;
    if (e10 === 0) return m;
    if (e10 > 0 && e10 <= 22) return m * POW10[e10];
    if (e10 < 0 && e10 >= -22) return m / POW10[-e10];
    return NaN;
  }
  // M = hi * 10^s + lo, exactly, as Mh + Ml (all integers).
  const T = POW10[loDigits];
  const ph = hi * T;
  // Dekker: error of hi * T (T < 2^27 so it is its own high half).
  const t = SPLITTER * hi;
  const ahi = t - (t - hi);
  const alo = hi - ahi;
  const pl = ahi * T - ph + alo * T;
  const s1 = ph + lo;
  const bb = s1 - ph;
  const e1 = ph - (s1 - bb) + (lo - bb);
  const Mh = s1;
  const Ml = e1 + pl;
  const M = Mh + Ml;
  if (M < 9007199254740992 && Ml === M - Mh) {
    // It fits in 53 bits after all.
    if (e10 === 0) return M;
    if (e10 > 0 && e10 <= 22) return M * POW10[e10];
    if (e10 < 0 && e10 >= -22) return M / POW10[-e10];
    return NaN;
  }
  if (e10 >= 0 || e10 < -22) return NaN;
  const f = -e10;
  const D = POW10[f];
  const q0 = Mh / D;
  if (!(q0 > 2.2250738585072014e-308) || !Number.isFinite(q0)) return NaN;
  // Exact product q0 * D = th + tl (Dekker).
  const th = q0 * D;
  const u = SPLITTER * q0;
  const qh = u - (u - q0);
  const ql = q0 - qh;
  const dh = POW10_HI[f];
  const dl = POW10_LO[f];
  const tl = qh * dh - th + qh * dl + ql * dh + ql * dl;
  // R0 = M - q0 * D (Mh - th is exact by Sterbenz).
  const R0 = Mh - th + (Ml - tl);
  if (R0 === 0) return q0;
  if (R0 > 0) {
    const up = nextUp(q0);
    const half = ((up - q0) * D) / 2;
    const r = R0 / half;
    if (r < 1 - EPS) return q0;
    if (r > 1 + EPS && r < 3 - EPS) return up;
    return NaN;
  }
  const dn = nextDown(q0);
  const half = ((q0 - dn) * D) / 2;
  const r = -R0 / half;
  if (r < 1 - EPS) return q0;
  if (r > 1 + EPS && r < 3 - EPS) return dn;
  return NaN;
}

