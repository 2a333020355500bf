// A minimal protobuf writer for tests that need valid event files (TensorBoard events, W&B
// records). Moved out of src/core/formats/proto.ts: nothing in the product writes protobuf.
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../../src/core/formats/proto';

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** Raw varint (non-negative below 2^53, or a negative int64 as 10 bytes). */
  rawVarint(v: number): this {
    this.ensure(10);
    if (v < 0) {
      // two's complement over 64 bits: always 10 bytes
      let x = BigInt.asUintN(64, BigInt(Math.trunc(v)));
      while (x >= 0x80n) {
        this.buf[this.length++] = Number(x & 0x7fn) | 0x80;
        x >>= 7n;
      }
      this.buf[this.length++] = Number(x);
      return this;
    }
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
    return this;
  }
  key(field: number, wire: number): this {
    return this.rawVarint(field * 8 + wire);
  }
  varint(field: number, v: number): this {
    return this.key(field, WIRE_VARINT).rawVarint(v);
  }
  double(field: number, v: number): this {
    this.key(field, WIRE_I64);
    this.ensure(8);
    this.dv.setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }
  float(field: number, v: number): this {
    this.key(field, WIRE_I32);
    this.ensure(4);
    this.dv.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, WIRE_LEN).rawVarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  /** A sub-message written by `build` into a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    build(w);
    return this.bytes(field, w.finish());
  }
  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
