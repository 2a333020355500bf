/**
 * Number spellings found in real logs: JSON/Python `NaN`, `nan`, `Infinity`, `inf`, `-inf`,
 * float32 reprs like `4.0000003e-05`, values padded with spaces (YOLO), string numbers
 * (fairseq). Returns `undefined` for "no value" (`NA`, empty, `None`, `null`) and for anything
 * that is not a number, so the caller can tell a missing cell from a NaN.
 */
export function parseNumber(raw: string): number | undefined {
  let s = raw;
  // Fast path: plain decimal without padding.
  const c0 = s.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46 || c0 === 43) {
    const v = Number(s);
    if (!Number.isNaN(v) || s === 'NaN') return v;
  }
  s = s.trim();
  if (s.length === 0) return undefined;
  if ((s.charCodeAt(0) === 34 || s.charCodeAt(0) === 39) && s.length >= 2) s = s.slice(1, -1).trim();
  if (s.length === 0) return undefined;
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
