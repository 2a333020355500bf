/**
 * Decimal numbers read straight from UTF-8 bytes, for the hot paths of the CSV and JSON-lines
 * readers (no decoding, no substring, no allocation).
 *
 * `scanDecimal(b, i)` reads `[+-]digits[.digits][(e|E)[+-]digits]` at `b[i]` and returns the
 * index just after it, with the value in `NUM_OUT[0]`, or -1 when the text there is not such a
 * number or its exact value cannot be proven by the fast paths (the caller then falls back to
 * `parseNumber` on the decoded text, so results are always exactly what `Number()` gives).
 *
 * The common case (at most 15 digits in all, exponent within 10^±22) takes one tight loop per
 * digit run and one correctly rounded multiplication or division (Clinger's fast path); up to
 * 19 significant digits go through `decimalToDouble` (fastfloat.ts).
 */
import { DECIMAL_OUT, decimalToDouble, POW10 } from './fastfloat';

export const NUM_OUT = new Float64Array(1);

/**
 * Read a decimal at b[i]. The byte after the number must exist in `b` (callers keep a
 * terminator after every record), so the digit loops need no bounds checks.
 */
export function scanDecimal(b: Uint8Array, i: number): number {
  const start = i;
  let c = b[i];
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    c = b[++i];
  }
  const d0 = i;
  let m = 0;
  let d = c - 48;
  while (d >= 0 && d <= 9) {
    m = m * 10 + d;
    d = b[++i] - 48;
  }
  let digits = i - d0;
  let exp10 = 0;
  if (d === -2) {
    // '.'
    const f0 = ++i;
    d = b[i] - 48;
    while (d >= 0 && d <= 9) {
      m = m * 10 + d;
      d = b[++i] - 48;
    }
    exp10 = f0 - i;
    digits += i - f0;
  }
  if (digits === 0) return -1;
  c = b[i];
  if (c === 101 || c === 69) {
    c = b[++i];
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = b[++i];
    }
    d = c - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    let e = 0;
    while (d >= 0 && d <= 9) {
      if (e < 100000) e = e * 10 + d;
      d = b[++i] - 48;
    }
    exp10 += eneg ? -e : e;
  }
  if (digits > 15) return careful(b, start, i) ? i : -1;
  let v: number;
  if (m === 0) v = 0;
  else if (exp10 === 0) v = m;
  else if (exp10 < 0 && exp10 >= -22) v = m / POW10[-exp10];
  else if (exp10 > 0 && exp10 <= 22) v = m * POW10[exp10];
  else return -1;
  NUM_OUT[0] = neg ? -v : v;
  return i;
}

/**
 * More than 15 digits: count significant digits exactly (leading zeros do not count); up to 19
 * go through the double-double path, more are left to the caller.
 */
function careful(b: Uint8Array, i: number, end: number): boolean {
  let c = b[i];
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    c = b[++i];
  }
  let hi = 0;
  let lo = 0;
  let loDigits = 0;
  let sig = 0;
  let exp10 = 0;
  let frac = false;
  for (; i < end; c = b[++i]) {
    if (c === 46) {
      frac = true;
      continue;
    }
    if (c < 48 || c > 57) break;
    if (frac) exp10--;
    if (sig > 0 || c !== 48) {
      sig++;
      if (sig <= 15) hi = hi * 10 + (c - 48);
      else if (sig <= 19) {
        lo = lo * 10 + (c - 48);
        loDigits++;
      } else return false;
    }
  }
  if (c === 101 || c === 69) {
    c = b[++i];
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = b[++i];
    }
    let e = 0;
    while (c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      c = b[++i];
    }
    exp10 += eneg ? -e : e;
  }
  if (!decimalToDouble(hi, lo, loDigits, exp10)) return false;
  const v = DECIMAL_OUT[0];
  NUM_OUT[0] = neg ? -v : v;
  return true;
}

/**
 * A JSON number at b[i] (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the grammar
 * JSON.parse accepts), value in NUM_OUT[0]; -1 when the text there is not one or its value
 * needs the slow path.
 */
export function scanJsonNumber(b: Uint8Array, i: number): number {
  let k = i;
  if (b[k] === 45) k++;
  const c = b[k];
  if (c < 48 || c > 57) return -1;
  if (c === 48 && b[k + 1] >= 48 && b[k + 1] <= 57) return -1; // leading zero
  const q = scanDecimal(b, i);
  if (q < 0) return -1;
  // scanDecimal also takes `5.` and `5.e3`: JSON wants a digit after the point.
  for (let j = k + 1; j < q; j++) {
    const d = b[j];
    if (d === 46) {
      const e = b[j + 1];
      if (e < 48 || e > 57) return -1;
      break;
    }
    if (d < 48 || d > 57) break;
  }
  return q;
}
