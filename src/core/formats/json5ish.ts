/**
 * Tolerant JSON for what Python's `json` module writes: `json.dumps` uses `allow_nan=True` by
 * default, so non-finite floats come out as the bare tokens `NaN`, `Infinity` and `-Infinity`,
 * which `JSON.parse` rejects.
 *
 * - `parseJsonTolerant` tries `JSON.parse` first (fast, native) and only when that fails
 *   rewrites the bare tokens outside strings (`Infinity` -> `1e999`, which JSON.parse reads as
 *   Infinity; `NaN` -> a sentinel string turned back into NaN by a reviver) and parses again.
 * - `JsonScanner` is a small positional reader over a JSON text (objects, arrays, strings and
 *   primitive tokens, NaN/Infinity included) that tracks 1-based line numbers, for readers that
 *   need to know where a value sits (trainer_state.json) or want to keep what was read before a
 *   truncated or broken tail.
 *
 * Nothing here throws out to a caller of `parseJsonTolerant`; `JsonScanner` throws
 * `JsonScanError` (caught by the parsers that use it).
 */

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

const NAN_SENTINEL = '\u0000NaN\u0000';
/** The sentinel as JSON source text (control characters must be escaped inside JSON strings). */
const NAN_SENTINEL_JSON = '"\\u0000NaN\\u0000"';
/** A JSON string (skipped as a whole) or a bare non-finite token. */
const NONFINITE_RE = /"(?:[^"\\]|\\[\s\S])*"|-?Infinity|NaN/g;

function reviveNaN(_key: string, v: unknown): unknown {
  return v === NAN_SENTINEL ? NaN : v;
}

/** Parse one JSON text, accepting Python's bare NaN / Infinity / -Infinity. Never throws. */
export function parseJsonTolerant(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const first = e instanceof Error ? e.message : String(e);
    if (text.indexOf('NaN') < 0 && text.indexOf('Infinity') < 0) return { ok: false, error: first };
    let sawNaN = false;
    const fixed = text.replace(NONFINITE_RE, m => {
      if (m.charCodeAt(0) === 34) return m; // a string: leave it as it is
      if (m === 'NaN') {
        sawNaN = true;
        return NAN_SENTINEL_JSON;
      }
      return m.charCodeAt(0) === 45 ? '-1e999' : '1e999';
    });
    try {
      return { ok: true, value: sawNaN ? JSON.parse(fixed, reviveNaN) : JSON.parse(fixed) };
    } catch {
      return { ok: false, error: first };
    }
  }
}

/** Numeric strings as Python loggers write them (`"{:g}"`, `"{:.3f}"`, `"nan"`, `"inf"`). */
export function stringNumber(s: string): number | undefined {
  const t = s.trim();
  if (t.length === 0 || t.length > 40) return undefined;
  const c = t.charCodeAt(0);
  // A cheap gate: numbers start with a digit, a sign or a dot; or are nan/inf spellings.
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 110 || c === 78 || c === 105 || c === 73)) {
    return undefined;
  }
  if (t.length > 1) {
    // "0x10", "0b1", "0o7": Number() reads them, but no logger prints a float that way.
    const c1 = t.charCodeAt(1) | 32;
    if (c1 === 120 || c1 === 98 || c1 === 111) return undefined;
  }
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  switch (t.toLowerCase()) {
    case 'nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/**
 * Call `sink(name, value)` for every numeric leaf of a parsed JSON value, nested object keys
 * joined with `/`. Objects with a `_type` key (W&B media: images, videos, histograms, tables)
 * are skipped as a whole; arrays, booleans, null and non-numeric strings are skipped.
 */
export function flattenNumbers(
  prefix: string,
  obj: Record<string, unknown>,
  allowStrings: boolean,
  sink: (name: string, value: number) => void,
  depth = 0,
): void {
  for (const k in obj) {
    const v = obj[k];
    const name = prefix.length ? prefix + '/' + k : k;
    if (typeof v === 'number') {
      sink(name, v);
    } else if (typeof v === 'string') {
      if (allowStrings) {
        const n = stringNumber(v);
        if (n !== undefined) sink(name, n);
      }
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 32) {
      const o = v as Record<string, unknown>;
      if (o._type !== undefined) continue;
      flattenNumbers(name, o, allowStrings, sink, depth + 1);
    }
  }
}

export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly offset: number,
    /** True when the text ended in the middle of a value. */
    readonly eof: boolean,
  ) {
    super(message);
  }
}

/** A primitive token or string read by `JsonScanner.readScalar`. */
export type JsonScalar = number | string | boolean | null;

/** Positional JSON reader that counts lines. */
export class JsonScanner {
  pos = 0;
  /** 1-based line of `pos`. */
  line = 1;

  constructor(readonly text: string) {}

  fail(message: string): never {
    const eof = this.pos >= this.text.length;
    throw new JsonScanError(eof ? 'unexpected end of JSON text' : message, this.line, this.pos, eof);
  }

  /** Skip whitespace (counting newlines); return the next character code, or -1 at the end. */
  peek(): number {
    const t = this.text;
    let p = this.pos;
    const n = t.length;
    while (p < n) {
      const c = t.charCodeAt(p);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 13 && c !== 9 && c !== 0xfeff) break;
      p++;
    }
    this.pos = p;
    return p < n ? t.charCodeAt(p) : -1;
  }

  /** Consume the character `c` (after whitespace) or fail. */
  expect(c: number): void {
    if (this.peek() !== c) this.fail(`expected '${String.fromCharCode(c)}'`);
    this.pos++;
  }

  /** After a member or element: consume ',' and return true, or consume `close` and return false. */
  next(close: number): boolean {
    const c = this.peek();
    if (c === 44) {
      this.pos++;
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    return this.fail(`expected ',' or '${String.fromCharCode(close)}'`);
  }

  /** Read a string starting at `pos` (which must be a quote). */
  readString(): string {
    const t = this.text;
    if (t.charCodeAt(this.pos) !== 34) this.fail('expected a string');
    const start = this.pos;
    let p = start + 1;
    const n = t.length;
    let escaped = false;
    for (;;) {
      const q = t.indexOf('"', p);
      if (q < 0) {
        this.pos = n;
        this.fail('unterminated string');
      }
      // Count the backslashes just before the quote.
      let b = q - 1;
      while (b > start && t.charCodeAt(b) === 92) b--;
      if ((q - 1 - b) % 2 === 1) {
        escaped = true;
        p = q + 1;
        continue;
      }
      const raw = t.slice(start, q + 1);
      const nl = raw.indexOf('\n');
      if (nl >= 0) {
        // Raw newlines are invalid in JSON strings, but keep the line count right anyway.
        for (let i = nl; i < raw.length; i++) if (raw.charCodeAt(i) === 10) this.line++;
      }
      this.pos = q + 1;
      if (!escaped && raw.indexOf('\\') < 0) return raw.slice(1, -1);
      try {
        return JSON.parse(raw) as string;
      } catch {
        return raw.slice(1, -1);
      }
    }
  }

  /**
   * Read a string or a primitive token (number, NaN, Infinity, -Infinity, true, false, null)
   * at `pos`. Returns `undefined` for a token that is none of these (reported by the caller).
   */
  readScalar(): JsonScalar | undefined {
    const t = this.text;
    const c = this.peek();
    if (c === 34) return this.readString();
    const start = this.pos;
    let p = start;
    const n = t.length;
    while (p < n) {
      const d = t.charCodeAt(p);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
      p++;
    }
    if (p === start) this.fail('expected a value');
    if (p === n) {
      // A token that runs to the end of the text may have been cut.
      this.pos = p;
      this.fail('unexpected end of JSON text');
    }
    this.pos = p;
    const tok = t.slice(start, p);
    switch (tok) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
      case 'NaN':
        return NaN;
      case 'Infinity':
        return Infinity;
      case '-Infinity':
        return -Infinity;
    }
    const v = Number(tok);
    if (Number.isNaN(v) || tok.charCodeAt(tok.length - 1) === 46) return undefined;
    return v;
  }

  /**
   * Skip one value of any kind (object, array, string, token) and return its text span
   * [start, end), counting lines as it goes.
   */
  skipValue(): [number, number] {
    const t = this.text;
    const c = this.peek();
    const start = this.pos;
    if (c === 34) {
      this.readString();
      return [start, this.pos];
    }
    if (c !== 123 && c !== 91) {
      this.readScalar();
      return [start, this.pos];
    }
    let depth = 0;
    let p = start;
    const n = t.length;
    let line = this.line;
    while (p < n) {
      const d = t.charCodeAt(p);
      if (d === 34) {
        // Jump over the string.
        let q = p + 1;
        for (;;) {
          q = t.indexOf('"', q);
          if (q < 0) {
            this.pos = n;
            this.line = line;
            this.fail('unterminated string');
          }
          let b = q - 1;
          while (t.charCodeAt(b) === 92) b--;
          if ((q - 1 - b) % 2 === 0) break;
          q++;
        }
        p = q + 1;
        continue;
      }
      if (d === 10) line++;
      else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) {
          this.pos = p + 1;
          this.line = line;
          return [start, p + 1];
        }
      }
      p++;
    }
    this.pos = n;
    this.line = line;
    return this.fail('unexpected end of JSON text');
  }
}
