/**
 * The byte buffering of the CSV and JSON-lines byte readers: the bytes of a record left
 * incomplete at the end of a chunk are kept, and put in front of the next chunk in one reusable
 * buffer, followed by a sentinel '\n' so that every scan stops inside the buffer.
 */
export class ByteCarry {
  private carry = new Uint8Array(0);
  /** Bytes carried over. */
  length = 0;
  private work = new Uint8Array(0);

  /**
   * The carry followed by `chunk` and a '\n' sentinel, in a buffer reused from call to call:
   * the data are [0, carry + chunk length), the sentinel just after. The carry is emptied.
   */
  join(chunk: Uint8Array): Uint8Array {
    const c0 = this.length;
    const n = c0 + chunk.length;
    if (this.work.length < n + 1) {
      const w = new Uint8Array(n + 1 + (n >> 2));
      w.set(this.carry.subarray(0, c0), 0);
      this.work = w;
    } else if (c0) {
      this.work.set(this.carry.subarray(0, c0), 0);
    }
    const b = this.work;
    b.set(chunk, c0);
    b[n] = 10;
    this.length = 0;
    return b;
  }

  /** Carry b[p, n) over to the next chunk (b may be the buffer `join` returned). */
  keep(b: Uint8Array, p: number, n: number): void {
    const len = n - p;
    if (this.carry.length < len) this.carry = new Uint8Array(Math.max(len, 256) * 2);
    this.carry.set(b.subarray(p, n), 0);
    this.length = len;
  }

  /** The bytes carried over (a view, valid until the next call), and empty the carry. */
  take(): Uint8Array {
    const out = this.carry.subarray(0, this.length);
    this.length = 0;
    return out;
  }
}
