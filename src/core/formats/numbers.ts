/**
 * Number spellings found in real logs: JSON/Python `NaN`, `nan`, `Infinity`, `inf`, `-inf`,
 * float32 reprs like `4.0000003e-05`, values padded with spaces (YOLO), string numbers
 * (fairseq). Hexadecimal, binary and octal literals (`0x10`) are not numbers here. Returns `undefined` for "no value" (`NA`, empty, `None`, `null`) and for anything
 * that is not a number, so the caller can tell a missing cell from a NaN.
 */
export function parseNumber(raw: string): number | undefined {
  let s = raw;
  // Fast path: plain decimal without padding.
  const c0 = s.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46 || c0 === 43) {
    if (c0 === 48 && radixPrefixed(s, 0)) return undefined;
    const v = Number(s);
    if (!Number.isNaN(v) || s === 'NaN') return v;
  }
  s = s.trim();
  if (s.length === 0) return undefined;
  if ((s.charCodeAt(0) === 34 || s.charCodeAt(0) === 39) && s.length >= 2) s = s.slice(1, -1).trim();
  if (s.length === 0) return undefined;
  if (s.charCodeAt(0) === 48 && radixPrefixed(s, 0)) return undefined;
  const v = Number(s);
  if (!Number.isNaN(v)) return v;
  switch (s.toLowerCase()) {
    case 'nan':
    case '-nan':
    case '+nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** `0x10`, `0b11`, `0o7`: JavaScript's Number reads them, but no log writes a metric so. */
function radixPrefixed(s: string, i: number): boolean {
  const c = s.charCodeAt(i + 1) | 0x20;
  return c === 0x78 || c === 0x62 || c === 0x6f; // x b o
}

/** True when the string is a missing-value marker rather than a number. */
export function isMissing(raw: string): boolean {
  const s = raw.trim();
  return s === '' || s === 'NA' || s === 'N/A' || s === 'None' || s === 'null' || s === '-';
}
