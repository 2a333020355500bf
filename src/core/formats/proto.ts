/**
 * A tiny protobuf wire-format reader (no schema, no code generation, no library).
 *
 * One reader walks one message, `buf[pos, end)`, field by field:
 *
 *   const r = new ProtoReader().reset(bytes, start, end);
 *   while (r.next()) {
 *     switch (r.field) {
 *       case 1: x = r.double(); break;      // wire type 1
 *       case 2: step = r.int64(); break;    // wire type 0
 *       case 5: r.sub(inner); break;        // wire type 2: `inner` now walks the sub-message
 *       default: r.skip();                  // anything else, whatever its wire type
 *     }
 *   }
 *   if (r.error) ...                         // truncated or malformed: stopped, never threw
 *
 * Reads never go past `end` (nor past the end of `buf`): a malformed message sets `error` and
 * makes `next()` return false. Readers are meant to be reused (`reset`) so decoding a record
 * allocates nothing. Every getter checks the wire type it expects and skips the field (setting
 * `wrongType`) when it does not match, so a field of an unexpected type cannot derail the walk.
 *
 * The matching minimal encoder, for tests, is test/writers/proto.ts.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
const WIRE_SGROUP = 3;
const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

export class ProtoReader {
  buf: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  end = 0;
  /** Field number and wire type of the field `next()` stopped at. */
  field = 0;
  wire = 0;
  /** Set when the message is truncated or malformed; `next()` then returns false. */
  error = false;
  /** Set when a getter met a field whose wire type was not the one it reads (field skipped). */
  wrongType = false;
  /** Start and end of the last length-delimited payload read by `bytes()`/`sub()`/`packed()`. */
  start = 0;
  stop = 0;

  /**
   * Walk `buf[start, end)`. `dv` may be passed to share one DataView over the same buffer
   * (it must view `buf.buffer` from `buf.byteOffset`, like `new DataView(buf.buffer,
   * buf.byteOffset, buf.byteLength)`).
   */
  reset(buf: Uint8Array, start = 0, end = buf.length, dv?: DataView): this {
    if (buf !== this.buf) {
      this.buf = buf;
      this.dv = dv ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.pos = start;
    this.end = Math.min(end, buf.length);
    this.error = start > this.end;
    this.wrongType = false;
    this.field = 0;
    this.wire = 0;
    return this;
  }

  /** Advance to the next field's key; false at the end of the message or on an error. */
  next(): boolean {
    if (this.error || this.pos >= this.end) return false;
    const key = this.varint();
    if (this.error) return false;
    const wire = key % 8;
    const field = Math.floor(key / 8);
    if (field === 0 || wire === 6 || wire === 7) {
      this.error = true;
      return false;
    }
    this.field = field;
    this.wire = wire;
    return true;
  }

  /** Skip the current field's value, whatever its wire type. */
  skip(): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.advance(8);
        return;
      case WIRE_I32:
        this.advance(4);
        return;
      case WIRE_LEN: {
        const n = this.varint();
        if (!this.error) this.advance(n);
        return;
      }
      case WIRE_SGROUP: {
        // Deprecated groups: skip nested fields up to the matching end-group key.
        const field = this.field;
        let depth = 1;
        while (depth > 0 && this.next()) {
          if (this.wire === WIRE_SGROUP) depth++;
          else if (this.wire === WIRE_EGROUP) {
            depth--;
            if (depth === 0 && this.field !== field) this.error = true;
          } else this.skip();
        }
        if (depth > 0) this.error = true;
        return;
      }
      default:
        this.error = true;
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) {
      this.error = true;
      this.pos = this.end;
    } else this.pos += n;
  }

  /** Raw varint as an unsigned number (exact below 2^53). */
  varint(): number {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    if (p < end) {
      const x = b[p];
      if (x < 0x80) {
        this.pos = p + 1;
        return x;
      }
    }
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let x = 0;
    // bits 0..27
    for (; shift < 28; shift += 7) {
      if (p >= end) return this.fail();
      x = b[p++];
      lo |= (x & 0x7f) << shift;
      if (x < 0x80) {
        this.pos = p;
        return lo >>> 0;
      }
    }
    // bits 28..34
    if (p >= end) return this.fail();
    x = b[p++];
    lo |= (x & 0x0f) << 28;
    hi = (x & 0x7f) >>> 4;
    if (x >= 0x80) {
      for (shift = 3; shift < 32; shift += 7) {
        if (p >= end) return this.fail();
        x = b[p++];
        hi |= (x & 0x7f) << shift;
        if (x < 0x80) break;
      }
      if (x >= 0x80) return this.fail(); // more than 10 bytes
    }
    this.pos = p;
    this.hi32 = hi >>> 0;
    this.lo32 = lo >>> 0;
    return (hi >>> 0) * TWO_32 + (lo >>> 0);
  }
  /** The two 32-bit halves of the last multi-byte varint (for signed decoding). */
  private hi32 = 0;
  private lo32 = 0;

  private fail(): number {
    this.error = true;
    this.pos = this.end;
    return 0;
  }

  private expect(wire: number): boolean {
    if (this.wire === wire) return true;
    this.wrongType = true;
    this.skip();
    return false;
  }

  /** int64 / int32 (two's complement varint) as a signed number (exact within +-2^53). */
  int64(): number {
    if (!this.expect(WIRE_VARINT)) return 0;
    return this.signedVarint();
  }

  /** A bare signed varint at the current position (elements of a packed repeated field). */
  signedVarint(): number {
    this.hi32 = 0;
    const v = this.varint();
    if (this.hi32 >= 0x80000000) {
      // negative: -(~v + 1)
      const lo = ~this.lo32 >>> 0;
      const hi = ~this.hi32 >>> 0;
      return -(hi * TWO_32 + lo + 1);
    }
    return v;
  }

  /** uint64 / uint32 / enum / bool varint as an unsigned number. */
  uint(): number {
    if (!this.expect(WIRE_VARINT)) return 0;
    return this.varint();
  }

  double(): number {
    if (!this.expect(WIRE_I64)) return NaN;
    const p = this.pos;
    if (this.end - p < 8) return this.fail() || NaN;
    this.pos = p + 8;
    return this.dv.getFloat64(p, true);
  }

  float(): number {
    if (!this.expect(WIRE_I32)) return NaN;
    const p = this.pos;
    if (this.end - p < 4) return this.fail() || NaN;
    this.pos = p + 4;
    return this.dv.getFloat32(p, true);
  }

  /**
   * Read a length-delimited field: its payload is `buf[start, stop)` afterwards. Returns false
   * (and skips) when the field is not length-delimited or is truncated.
   */
  bytes(): boolean {
    if (!this.expect(WIRE_LEN)) return false;
    const n = this.varint();
    if (this.error) return false;
    if (n > this.end - this.pos) {
      this.fail();
      return false;
    }
    this.start = this.pos;
    this.stop = this.pos + n;
    this.pos = this.stop;
    return true;
  }

  /** Read a length-delimited field and point `inner` at its payload (a sub-message). */
  sub(inner: ProtoReader): boolean {
    if (!this.bytes()) return false;
    inner.reset(this.buf, this.start, this.stop, this.dv);
    return true;
  }

  /** Decode a length-delimited field as UTF-8 text ('' if it is not length-delimited). */
  string(): string {
    if (!this.bytes()) return '';
    return decodeUtf8(this.buf, this.start, this.stop);
  }

  /**
   * A repeated float (`fixed32`) field, packed (wire type 2) or not (wire type 5): calls
   * `each(value)` for every element. Returns the number of elements read.
   */
  floats(each: (v: number) => void): number {
    if (this.wire === WIRE_I32) {
      each(this.float());
      return this.error ? 0 : 1;
    }
    if (!this.bytes()) return 0;
    let n = 0;
    for (let p = this.start; p + 4 <= this.stop; p += 4, n++) each(this.dv.getFloat32(p, true));
    return n;
  }

  /** A repeated double (`fixed64`) field, packed or not. */
  doubles(each: (v: number) => void): number {
    if (this.wire === WIRE_I64) {
      each(this.double());
      return this.error ? 0 : 1;
    }
    if (!this.bytes()) return 0;
    let n = 0;
    for (let p = this.start; p + 8 <= this.stop; p += 8, n++) each(this.dv.getFloat64(p, true));
    return n;
  }

  /** A repeated varint field (int32/int64, signed), packed or not. */
  varints(each: (v: number) => void): number {
    if (this.wire === WIRE_VARINT) {
      const v = this.signedVarint();
      if (this.error) return 0;
      each(v);
      return 1;
    }
    if (!this.bytes()) return 0;
    const end = this.end;
    const pos = this.stop;
    this.end = this.stop;
    this.pos = this.start;
    let n = 0;
    while (this.pos < this.end && !this.error) {
      const v = this.signedVarint();
      if (this.error) break;
      each(v);
      n++;
    }
    this.end = end;
    this.pos = pos;
    return n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 text of `buf[start, end)` (ASCII fast path; invalid sequences become U+FFFD). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (buf[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
      return s;
    }
  }
  return utf8.decode(buf.subarray(start, end));
}
