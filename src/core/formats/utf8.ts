/**
 * Streaming UTF-8 decoding that stays on TextDecoder's fast path.
 *
 * `TextDecoder.decode(chunk, { stream: true })` goes through a slow generic converter in Node
 * (about 4x slower than a one-shot decode, which uses SIMD). This cuts each chunk at the last
 * complete character, decodes that part in one shot and carries the incomplete tail (at most
 * 3 bytes) over to the next chunk. Invalid bytes become U+FFFD (never a throw); a BOM at the
 * very start of the stream is dropped.
 */
export class Utf8Stream {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  private tail: Uint8Array | null = null;
  private atStart = true;

  decode(chunk: Uint8Array): string {
    let buf = chunk;
    if (this.tail) {
      const m = new Uint8Array(this.tail.length + chunk.length);
      m.set(this.tail, 0);
      m.set(chunk, this.tail.length);
      buf = m;
      this.tail = null;
    }
    const n = buf.length;
    let cut = n;
    // Find the start of the last character; keep it back when its bytes are not all here.
    let k = n - 1;
    while (k >= 0 && k >= n - 4 && (buf[k] & 0xc0) === 0x80) k--;
    if (k >= 0 && k >= n - 4) {
      const lead = buf[k];
      const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (lead >= 0xc0 && lead < 0xf8 && k + len > n) cut = k;
    }
    if (cut < n) this.tail = buf.slice(cut);
    if (cut === 0) return '';
    return this.start(this.decoder.decode(cut === n ? buf : buf.subarray(0, cut)));
  }

  /** True while the bytes of an incomplete character are held back. */
  pending(): boolean {
    return this.tail !== null;
  }

  /** Whatever is left (an incomplete character becomes U+FFFD). */
  end(): string {
    const t = this.tail;
    this.tail = null;
    return t ? this.start(this.decoder.decode(t)) : '';
  }

  private start(s: string): string {
    if (this.atStart && s.length > 0) {
      this.atStart = false;
      if (s.charCodeAt(0) === 0xfeff) return s.slice(1);
    }
    return s;
  }
}
