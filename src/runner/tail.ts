/**
 * Follows logs written by another process: one file, or a run directory (new log files and
 * new TensorBoard event files are picked up as they appear). New bytes are read from the last
 * offset and streamed into the file's parser, so each point is read exactly once.
 *
 * - Truncation (size < offset, or its first bytes changed: rewritten and already longer than
 *   before): the old run is closed and a new run (a new segment) is read from offset 0. Noted.
 * - Rotation (the path now names another file: rename + new file): what is left of the old
 *   file is read to its end first, then the new file is read from 0 as a new segment. Noted.
 * - Whole-file formats (Hugging Face trainer_state.json, rewritten at each checkpoint) are
 *   re-read completely when they change ('replaced': same segment, the run is replaced).
 *
 * Change detection is polling (default 250 ms) plus fs.watch as a wake-up where it works.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createParser, type LogParser } from '../core/formats';
import { detectFormat, SNIFF_BYTES } from '../core/formats/detect';
import type { FormatId, Run } from '../core/model';
import { walkLogs } from '../core/walk';

export type RunReason = 'opened' | 'new-file' | 'truncated' | 'rotated' | 'replaced';

export type WatchEvent =
  | { type: 'run'; file: string; key: string; run: Run; format: FormatId; reason: RunReason }
  | { type: 'data'; file: string; key: string; run: Run; bytes: number }
  /** The content that was in the file before watching began has been parsed (see `existing`). */
  | { type: 'baseline'; file: string; key: string; run: Run }
  | { type: 'note'; file: string; message: string };

export interface TailOptions {
  onEvent: (e: WatchEvent) => void;
  /**
   * 'read' (default): parse what is already in the file, then follow it.
   * 'changes': a file that exists now is left over from before: ignore it until it changes.
   * If it is then rewritten or replaced it is read from the start; if it grows in place, its
   * old content is parsed first and announced with a 'baseline' event.
   */
  existing?: 'read' | 'changes';
  /** Most bytes read in one poll (keeps each poll short on a fast-growing file). */
  maxBytesPerPoll?: number;
  /** Wait this long for more than a few lines before deciding the format (ms). */
  detectWaitMs?: number;
}

const CHUNK = 1 << 20;

class FileTailer {
  private fd: number | undefined;
  private ino = 0;
  private dev = 0;
  private offset = 0;
  private parser: LogParser | undefined;
  private runsSeen = 0;
  private segment = 0;
  private whole = false;
  private wholeEnded = false;
  private lastMtime = 0;
  private firstDataAt = 0;
  private reason: RunReason;
  private baselineBytes = 0;
  private initial: { ino: number; dev: number; size: number; mtimeMs: number; head: Buffer } | undefined;
  private unsupported: string | undefined;
  private missingNoted = false;
  private closed = false;
  /** The file's first bytes as read (up to 256): a rewrite changes them. */
  private head: Buffer | undefined;
  private headMtime = 0;
  /** Every run read from this file, one per segment (the last is the live one). */
  readonly runs: Run[] = [];
  bytesRead = 0;

  constructor(
    readonly file: string,
    private readonly opts: TailOptions,
    firstReason: RunReason = 'opened',
  ) {
    this.reason = firstReason;
    if (opts.existing === 'changes') {
      try {
        const st = fs.statSync(file);
        if (st.isFile()) this.initial = { ino: st.ino, dev: st.dev, size: st.size, mtimeMs: st.mtimeMs, head: readHead(file) };
      } catch {
        // not there yet: everything it will hold is new
      }
    }
  }

  get key(): string {
    return `${this.file}#${this.segment}`;
  }

  get format(): FormatId | undefined {
    return this.parser?.format;
  }

  private note(message: string): void {
    this.opts.onEvent({ type: 'note', file: this.file, message });
  }

  /** Read whatever is new. Returns the number of bytes read. */
  poll(final = false): number {
    if (this.closed) return 0;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(this.file);
    } catch {
      st = undefined;
    }
    if (this.fd === undefined) {
      if (!st || !st.isFile()) return 0;
      if (this.initial) {
        const i = this.initial;
        const same = st.ino === i.ino && st.dev === i.dev;
        if (same && st.size === i.size && st.mtimeMs === i.mtimeMs) return 0;
        // Grown in place (appended): the old content is history. Rewritten: all of it is new.
        if (same && st.size >= i.size && readHead(this.file).equals(i.head)) this.baselineBytes = i.size;
        this.initial = undefined;
      }
      if (!this.open()) return 0;
    } else if (!st) {
      // Renamed away or deleted: finish the old file; a new one may appear at the path.
      const n = this.read(final, true);
      if (!this.missingNoted) {
        this.missingNoted = true;
        this.note(`${path.basename(this.file)} was moved or deleted; waiting for a new file at this path`);
      }
      return n;
    } else if (st.ino !== this.ino || st.dev !== this.dev) {
      const n = this.read(true, true);
      this.endSegment();
      this.segment++;
      this.reason = 'rotated';
      this.note(`${path.basename(this.file)} was replaced by a new file (rotated); reading the new file from the start`);
      fs.closeSync(this.fd);
      this.fd = undefined;
      if (!this.open()) return n;
      return n + this.read(final, false);
    } else if (st.size < this.offset || this.rewritten(st)) {
      this.endSegment();
      this.segment++;
      this.reason = 'truncated';
      this.note(
        st.size < this.offset
          ? `${path.basename(this.file)} was truncated (${st.size} bytes, had ${this.offset}); reading it again from the start`
          : `${path.basename(this.file)} was rewritten from the start; reading it again`,
      );
      this.offset = 0;
      this.firstDataAt = 0;
      this.unsupported = undefined;
    } else if (this.whole && (st.mtimeMs !== this.lastMtime || st.size !== this.offset)) {
      this.parser = undefined;
      this.reason = 'replaced';
      this.offset = 0;
    }
    this.missingNoted = false;
    return this.read(final, false);
  }

  /** Did the first bytes change (a rewrite that is already longer than what was read)? */
  private rewritten(st: fs.Stats): boolean {
    if (this.whole || !this.head || this.head.length === 0 || st.mtimeMs === this.headMtime) return false;
    this.headMtime = st.mtimeMs;
    const b = Buffer.alloc(this.head.length);
    let n = 0;
    try {
      n = fs.readSync(this.fd!, b, 0, b.length, 0);
    } catch {
      return false;
    }
    return n === b.length && !b.equals(this.head);
  }

  private open(): boolean {
    try {
      this.fd = fs.openSync(this.file, 'r');
      const st = fs.fstatSync(this.fd);
      this.ino = st.ino;
      this.dev = st.dev;
      this.offset = 0;
      this.firstDataAt = 0;
      this.unsupported = undefined;
      return true;
    } catch (e) {
      this.fd = undefined;
      this.note(`cannot open ${this.file}: ${(e as Error).message}`);
      return false;
    }
  }

  private endSegment(): void {
    if (this.parser && !this.whole) this.parser.end();
    this.parser = undefined;
    this.runsSeen = 0;
  }

  /** Read from the offset to the end of the open file (bounded per poll). */
  private read(final: boolean, drain: boolean): number {
    if (this.fd === undefined) return 0;
    let size: number;
    let mtime: number;
    try {
      const st = fs.fstatSync(this.fd);
      size = st.size;
      mtime = st.mtimeMs;
    } catch {
      return 0;
    }
    if (!this.parser) {
      if (this.unsupported || size === 0) return 0;
      if (!this.firstDataAt) this.firstDataAt = Date.now();
      if (!this.ready(size, final || drain)) return 0;
      if (!this.startParser(size)) return 0;
    }
    const limit = final || drain ? Infinity : (this.opts.maxBytesPerPoll ?? 32 << 20);
    let total = 0;
    while (this.offset < size && total < limit) {
      let want = Math.min(CHUNK, size - this.offset);
      if (this.baselineBytes > this.offset) want = Math.min(want, this.baselineBytes - this.offset);
      const b = new Uint8Array(want);
      let n: number;
      try {
        n = fs.readSync(this.fd, b, 0, want, this.offset);
      } catch {
        break;
      }
      if (n <= 0) break;
      if (this.offset === 0 || (this.head && this.head.length < 256 && this.offset === this.head.length)) {
        const prev = this.offset === 0 ? Buffer.alloc(0) : this.head!;
        this.head = Buffer.concat([prev, Buffer.from(b.subarray(0, Math.min(n, 256 - prev.length)))]);
        this.headMtime = mtime;
      }
      this.parser!.push(n === want ? b : b.subarray(0, n));
      this.offset += n;
      total += n;
      this.bytesRead += n;
      this.announceRuns();
      if (this.baselineBytes > 0 && this.offset >= this.baselineBytes) {
        // The history is parsed: announce it as such (not as new data).
        this.baselineBytes = 0;
        total = 0;
        for (const run of this.parser!.runs) this.opts.onEvent({ type: 'baseline', file: this.file, key: this.key, run });
      }
    }
    if (this.whole) {
      this.lastMtime = mtime;
      if (this.offset >= size && !this.wholeEnded) {
        this.wholeEnded = true;
        this.parser!.end();
      }
    }
    if (total > 0) this.emitData(total);
    return total;
  }

  private emitData(bytes: number): void {
    if (bytes <= 0 || !this.parser) return;
    for (const run of this.parser.runs) this.opts.onEvent({ type: 'data', file: this.file, key: this.key, run, bytes });
  }

  /** Enough of the file to tell its format? */
  private ready(size: number, force: boolean): boolean {
    if (force || this.baselineBytes > 0 || size >= 4096) return true;
    if (/^events\.out\.tfevents\./.test(path.basename(this.file))) return size >= 12;
    if (Date.now() - this.firstDataAt >= (this.opts.detectWaitMs ?? 300)) return true;
    const head = new Uint8Array(size);
    const n = fs.readSync(this.fd!, head, 0, size, 0);
    let lines = 0;
    for (let i = 0; i < n; i++) if (head[i] === 10) lines++;
    return lines >= 8;
  }

  private startParser(size: number): boolean {
    const head = new Uint8Array(Math.min(SNIFF_BYTES, size));
    const n = fs.readSync(this.fd!, head, 0, head.length, 0);
    const det = detectFormat(head.subarray(0, n), path.basename(this.file));
    if (!det.ok) {
      if (det.reason !== 'empty') {
        this.unsupported = det.message;
        this.note(`${path.basename(this.file)}: ${det.message}`);
      }
      return false;
    }
    const name = /^events\.out\.tfevents\./.test(path.basename(this.file))
      ? path.basename(path.dirname(path.resolve(this.file)))
      : path.basename(this.file);
    this.parser = createParser(det.format, { source: this.file, name: this.segment > 0 ? `${name} (${this.segment + 1})` : name });
    this.whole = det.format === 'hf-trainer-state' || det.format === 'json-history';
    this.wholeEnded = false;
    this.runsSeen = 0;
    this.offset = 0;
    this.announceRuns();
    return true;
  }

  private announceRuns(): void {
    const p = this.parser!;
    while (this.runsSeen < p.runs.length) {
      const run = p.runs[this.runsSeen++];
      if (this.reason === 'replaced' && this.runs.length > 0 && this.runsSeen === 1) {
        this.runs[this.runs.length - 1] = run;
      } else {
        this.runs.push(run);
      }
      this.opts.onEvent({ type: 'run', file: this.file, key: this.key, run, format: p.format, reason: this.reason });
    }
  }

  /** Read what is left, end the parser, close the file. */
  close(): void {
    if (this.closed) return;
    try {
      this.poll(true);
    } catch {
      // best effort
    }
    if (this.parser && !this.whole) this.parser.end();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.closed = true;
  }
}

function readHead(file: string): Buffer {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(256);
      return b.subarray(0, fs.readSync(fd, b, 0, 256, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

export interface WatcherOptions extends TailOptions {
  pollMs?: number;
  /** Use fs.watch as a wake-up (default true); polling always runs. */
  useFsWatch?: boolean;
  /** Folder depth to walk (core/walk.ts, as `analyze`; default 8). */
  maxDepth?: number;
}

/** Follows a file, or every log file in a directory tree (new files included). */
export class LogWatcher {
  readonly tailers = new Map<string, FileTailer>();
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private watchers: fs.FSWatcher[] = [];
  private mode: 'unknown' | 'file' | 'dir' = 'unknown';
  private scanned = false;
  private lastScan = 0;
  private waitingNoted = false;
  private closed = false;
  private watchedDirs = new Set<string>();

  constructor(
    readonly target: string,
    private readonly opts: WatcherOptions,
  ) {}

  /** Every run read so far, in the order they appeared. */
  get runs(): Run[] {
    return [...this.tailers.values()].flatMap(t => t.runs);
  }

  start(): void {
    this.poll();
    const ms = this.opts.pollMs ?? 250;
    this.timer = setInterval(() => this.poll(), ms);
    this.timer.unref?.();
  }

  /** One pass: find new files, read new bytes. Returns bytes read. */
  poll(final = false): number {
    if (this.closed) return 0;
    if (this.mode === 'unknown') {
      let st: fs.Stats;
      try {
        st = fs.statSync(this.target);
      } catch {
        if (!this.waitingNoted) {
          this.waitingNoted = true;
          this.opts.onEvent({ type: 'note', file: this.target, message: `waiting for ${this.target} to appear` });
          this.watchDir(path.dirname(path.resolve(this.target)));
        }
        return 0;
      }
      this.mode = st.isDirectory() ? 'dir' : 'file';
      if (this.mode === 'file') {
        this.add(this.target, this.waitingNoted ? 'new-file' : 'opened');
        this.watchDir(path.dirname(path.resolve(this.target)));
      } else this.watchDir(this.target);
    }
    if (this.mode === 'dir' && (final || !this.scanned || Date.now() - this.lastScan >= 1000)) this.scan();
    let n = 0;
    for (const t of this.tailers.values()) n += t.poll(final);
    return n;
  }

  private add(file: string, reason: RunReason): void {
    if (this.tailers.has(file)) return;
    this.tailers.set(file, new FileTailer(file, this.opts, reason));
  }

  private scan(): void {
    this.lastScan = Date.now();
    const first = !this.scanned;
    this.scanned = true;
    const take = (full: string) => {
      if (this.tailers.has(full)) return;
      if (!first) this.opts.onEvent({ type: 'note', file: full, message: `new file picked up: ${path.relative(this.target, full)}` });
      this.add(full, first ? 'opened' : 'new-file');
    };
    // The folder walker of `analyze` (core/walk.ts): the same files. MLflow stores are not followed.
    for (const e of walkLogs(this.target, { maxDepth: this.opts.maxDepth, onDir: d => this.watchDir(d) })) {
      if (e.kind === 'file') take(e.file);
      else if (e.kind === 'tb') for (const f of e.files) take(f);
    }
  }

  private watchDir(dir: string): void {
    if (this.opts.useFsWatch === false || this.watchedDirs.has(dir) || this.watchedDirs.size > 64) return;
    this.watchedDirs.add(dir);
    try {
      const w = fs.watch(dir, { persistent: false }, () => this.pollSoon());
      w.on('error', () => w.close());
      this.watchers.push(w);
    } catch {
      // polling still runs
    }
  }

  private pollSoon(): void {
    if (this.soon || this.closed) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.lastScan = 0;
      this.poll();
    }, 15);
    this.soon.unref?.();
  }

  /** Read what is left everywhere, end the parsers, stop watching. */
  close(): void {
    if (this.closed) return;
    try {
      this.poll(true);
    } catch {
      // best effort
    }
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    for (const w of this.watchers) w.close();
    this.watchers = [];
    for (const t of this.tailers.values()) t.close();
  }
}
