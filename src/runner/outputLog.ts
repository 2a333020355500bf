/**
 * The run's output as written to `output.log`, bounded: the first half of `maxBytes` goes to
 * the file as it arrives; past that, output goes to two rotating tail segments of a quarter
 * each, so disk and memory stay bounded however much the command prints. On close, the file
 * gets a marker line saying exactly what was dropped, then the kept tail.
 *
 * Lines are written one per line as the runner delivers them (a `\r` progress-bar redraw is its
 * own line), so line numbers in output.log match the line numbers findings carry (as long as
 * nothing was dropped before them).
 */
import * as fs from 'node:fs';

const FLUSH_BYTES = 64 * 1024;

export interface OutputStats {
  /** Bytes of output received (as lines, UTF-8). */
  bytes: number;
  lines: number;
  /** Bytes and lines dropped from the middle of output.log to keep it bounded. */
  droppedBytes: number;
  droppedLines: number;
  /** Number of the first line dropped (1-based), when any. */
  firstDroppedLine?: number;
}

export class BoundedOutputLog {
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(FLUSH_BYTES);
  private bufLen = 0;
  private headBytes = 0;
  private readonly headLimit: number;
  private readonly segLimit: number;
  private seg: { fd: number; path: string; bytes: number; lines: number; firstLine: number } | undefined;
  private prevSeg: { path: string; bytes: number; lines: number; firstLine: number } | undefined;
  private closed = false;
  readonly stats: OutputStats = { bytes: 0, lines: 0, droppedBytes: 0, droppedLines: 0 };

  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    const m = Math.max(4096, maxBytes);
    this.headLimit = Math.floor(m / 2);
    this.segLimit = Math.max(1024, Math.floor(m / 4));
    this.fd = fs.openSync(file, 'w');
  }

  /** Append one line (without its newline). */
  writeLine(text: string): void {
    this.writeLines(Buffer.from(text + '\n'), 1);
  }

  /** Append whole lines: `bytes` is `lines` lines, each ending with a newline. */
  writeLines(bytes: Uint8Array, lines: number): void {
    if (this.closed || bytes.length === 0) return;
    let b = bytes;
    let n = lines;
    this.stats.bytes += b.length;
    const first = this.stats.lines + 1;
    this.stats.lines += n;
    if (!this.seg) {
      if (this.headBytes + b.length <= this.headLimit) {
        this.headBytes += b.length;
        this.put(b);
        return;
      }
      // Fill the head up to its last whole line, the rest goes to the tail.
      const room = this.headLimit - this.headBytes;
      const cut = room > 0 ? b.lastIndexOf(10, room - 1) + 1 : 0;
      if (cut > 0) {
        let k = 0;
        for (let i = b.indexOf(10); i >= 0 && i < cut; i = b.indexOf(10, i + 1)) k++;
        this.headBytes += cut;
        this.put(b.subarray(0, cut));
        b = b.subarray(cut);
        n -= k;
      }
      this.headBytes = this.headLimit; // nothing more goes to the head
      if (b.length === 0) return;
    }
    const firstHere = first + (lines - n);
    if (!this.seg || (this.seg.bytes > 0 && this.seg.bytes + b.length > this.segLimit)) this.rotate(firstHere);
    this.seg!.bytes += b.length;
    this.seg!.lines += n;
    this.put(b);
  }

  private put(b: Uint8Array): void {
    if (this.bufLen + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      this.writeOut(b);
      return;
    }
    this.buf.set(b, this.bufLen);
    this.bufLen += b.length;
  }

  private writeOut(b: Uint8Array): void {
    const fd = this.seg ? this.seg.fd : this.fd;
    if (fd === undefined) return;
    try {
      fs.writeSync(fd, b);
    } catch {
      // Disk full or the folder was removed: keep running the training, stop logging.
      this.closed = true;
    }
  }

  flush(): void {
    if (this.bufLen === 0) return;
    this.writeOut(this.buf.subarray(0, this.bufLen));
    this.bufLen = 0;
  }

  private rotate(firstLine: number): void {
    this.flush();
    if (this.seg) {
      fs.closeSync(this.seg.fd);
      if (this.prevSeg) {
        this.stats.droppedBytes += this.prevSeg.bytes;
        this.stats.droppedLines += this.prevSeg.lines;
        this.stats.firstDroppedLine ??= this.prevSeg.firstLine;
      }
      this.prevSeg = { path: this.seg.path, bytes: this.seg.bytes, lines: this.seg.lines, firstLine: this.seg.firstLine };
    }
    // Reuse the oldest segment's file.
    const p = this.prevSeg?.path === `${this.file}.tail0` ? `${this.file}.tail1` : `${this.file}.tail0`;
    this.seg = { fd: fs.openSync(p, 'w'), path: p, bytes: 0, lines: 0, firstLine };
  }

  /** Text of the marker line written where output was dropped. */
  static marker(s: OutputStats): string {
    return (
      `[loss-lens] ${s.droppedLines.toLocaleString('en-US')} lines (${fmtBytes(s.droppedBytes)}) of output ` +
      `were dropped here, from line ${s.firstDroppedLine ?? '?'} on, to keep this file bounded ` +
      `(lossLens.runner.maxOutputBytes); the first and the last part are kept.`
    );
  }

  /** Flush, append the marker and the kept tail, remove the segment files. Idempotent. */
  close(): OutputStats {
    if (this.fd === undefined) return this.stats;
    this.flush();
    const fd = this.fd;
    try {
      if (this.seg) {
        fs.closeSync(this.seg.fd);
        const parts = [this.prevSeg, this.seg].filter((x): x is NonNullable<typeof x> => !!x);
        if (this.stats.droppedLines > 0) fs.writeSync(fd, BoundedOutputLog.marker(this.stats) + '\n');
        const chunk = Buffer.allocUnsafe(1 << 20);
        for (const part of parts) {
          const rfd = fs.openSync(part.path, 'r');
          try {
            for (;;) {
              const n = fs.readSync(rfd, chunk, 0, chunk.length, null);
              if (n <= 0) break;
              fs.writeSync(fd, chunk.subarray(0, n));
            }
          } finally {
            fs.closeSync(rfd);
          }
          fs.rmSync(part.path, { force: true });
        }
      }
    } catch {
      // best effort: the head is on disk already
    } finally {
      fs.closeSync(fd);
      this.fd = undefined;
      this.seg = undefined;
      this.closed = true;
    }
    return this.stats;
  }
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
