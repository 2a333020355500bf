/**
 * Reading a large CSV, JSON-lines or text log on two threads (see formats/split.ts for why the
 * result is exactly the single-thread one): the main thread reads [0, S), a worker thread
 * reads the file's opening lines, the 64 KB before S and then [S, end), and hands its points
 * over in transferable arrays. Node-only (fs, worker_threads); free of `vscode`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createParser, type StreamFormat } from './formats';
import { isSplitReader, type SplitPart } from './formats/split';

/** Formats whose parsers can be split (SplitReader). */
export const SPLIT_FORMATS: ReadonlySet<string> = new Set(['csv', 'jsonl', 'text']);
/**
 * Files smaller than this are read on one thread: starting the worker, loading its bundle and
 * JIT-compiling its copy of the parser cost ~150 ms of the two cores, which a 32 MB file does not
 * win back (measured: two threads about even at 32 MB, ahead by 6-22% at 50 MB, 30-50% at 100 MB).
 */
export const SPLIT_MIN_BYTES = 48 << 20;
/** The worker reads up to this much of the file's start first (header, format context). */
const PREFIX_BYTES = 64 << 10;
/** ... and this much before the split (last step, recent keys). */
const WARM_BYTES = 64 << 10;
const READ_CHUNK = 1 << 20;

export interface ThreadOptions {
  /** The worker script (dist/parse-worker.js next to the bundle by default). */
  script?: string;
  /** Smallest file read on two threads. */
  minBytes?: number;
  /** Read the part on this thread, before the main part (tests: same logic, no thread). */
  inProcess?: boolean;
  /** Where the split goes, as a fraction of the file (0.54 by default: the worker starts later). */
  at?: number;
  /** Bytes of the file's start and of the lines before the split the worker reads first. */
  prefixBytes?: number;
  warmBytes?: number;
  /** Told how each split read ended: 'joined', or why the main thread read on by itself. */
  onSplit?: (file: string, outcome: string) => void;
}

/** What a worker is asked to read. */
export interface PartJob {
  file: string;
  format: StreamFormat;
  source: string;
  name: string;
  /** The file's first bytes [0, prefixEnd) are read first (whole lines). */
  prefixEnd: number;
  /** Then [warmStart, split), then [split, end). */
  warmStart: number;
  split: number;
}

export type PartResult = { ok: true; part: SplitPart } | { ok: false; why: string };

/** A part being read: its result (never rejects) and a way to stop it early. */
export interface PartRead {
  job: PartJob;
  result: Promise<PartResult>;
  stop(): void;
}

/** The worker script next to this bundle, when threads are allowed here. */
export function defaultWorkerScript(): string | undefined {
  if (process.env.LOSS_LENS_THREADS === '1') return undefined;
  if ((os.availableParallelism?.() ?? os.cpus().length) < 2) return undefined;
  const script = path.join(__dirname, 'parse-worker.js');
  return fs.existsSync(script) ? script : undefined;
}

/**
 * Where to split an open file of `size` bytes: whole lines everywhere. Null when the file has
 * no line break where one is needed.
 */
export function planSplit(
  fd: number,
  size: number,
  opts: Pick<ThreadOptions, 'at' | 'prefixBytes' | 'warmBytes'> = {},
): Omit<PartJob, 'file' | 'format' | 'source' | 'name'> | null {
  const at = opts.at ?? 0.54;
  const head = Buffer.alloc(Math.min(opts.prefixBytes ?? PREFIX_BYTES, size));
  const hn = fs.readSync(fd, head, 0, head.length, 0);
  const pe = head.subarray(0, hn).lastIndexOf(10);
  if (pe < 0) return null;
  const prefixEnd = pe + 1;
  const s0 = Math.max(prefixEnd, Math.floor(size * at));
  const split = lineStartAtOrAfter(fd, s0, size);
  if (split < 0 || split >= size) return null;
  const w0 = Math.max(prefixEnd, split - (opts.warmBytes ?? WARM_BYTES));
  const warmStart = w0 === prefixEnd ? prefixEnd : lineStartAtOrAfter(fd, w0, split);
  if (warmStart < 0) return null;
  return { prefixEnd, warmStart, split };
}

/** The first position p >= from (p < limit) that starts a line (byte p - 1 is '\n'), or -1. */
function lineStartAtOrAfter(fd: number, from: number, limit: number): number {
  const buf = Buffer.alloc(64 << 10);
  let pos = from - 1;
  while (pos < limit) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, limit - pos), pos);
    if (got <= 0) return -1;
    const i = buf.subarray(0, got).indexOf(10);
    if (i >= 0) return pos + i + 1;
    pos += got;
  }
  return -1;
}

/** Read a part on this thread (the worker's job). */
export function readPartSync(job: PartJob): PartResult {
  const parser = createParser(job.format, { source: job.source, name: job.name });
  if (!isSplitReader(parser)) return { ok: false, why: `${job.format} cannot be split` };
  const fd = fs.openSync(job.file, 'r');
  try {
    const buf = new Uint8Array(READ_CHUNK);
    const feed = (from: number, to: number) => {
      let pos = from;
      while (pos < to) {
        const got = fs.readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
        if (got <= 0) break;
        parser.push(buf.subarray(0, got));
        pos += got;
      }
    };
    feed(0, job.prefixEnd);
    feed(job.warmStart, job.split);
    if (parser.splitMark() === null) return { ok: false, why: 'no split point in this state' };
    feed(job.split, Infinity);
    parser.end();
    const part = parser.splitExport();
    return part ? { ok: true, part } : { ok: false, why: 'the part changed state a key cannot carry' };
  } finally {
    fs.closeSync(fd);
  }
}

/** Start reading a part on a worker thread (or, with `inProcess`, read it now). */
export function startPart(job: PartJob, opts: ThreadOptions): PartRead {
  if (opts.inProcess || !opts.script) {
    let r: PartResult;
    try {
      r = readPartSync(job);
    } catch (e) {
      r = { ok: false, why: String(e) };
    }
    return { job, result: Promise.resolve(r), stop() {} };
  }
  let worker: Worker | undefined;
  const result = new Promise<PartResult>(resolve => {
    try {
      worker = new Worker(opts.script!);
    } catch (e) {
      resolve({ ok: false, why: `cannot start a worker: ${String(e)}` });
      return;
    }
    worker.once('message', (m: PartResult) => resolve(m));
    worker.once('error', e => resolve({ ok: false, why: `worker error: ${String(e)}` }));
    worker.once('exit', code => resolve({ ok: false, why: `worker exited (${code})` }));
    worker.postMessage(job);
  });
  return {
    job,
    result,
    stop() {
      void worker?.terminate();
    },
  };
}
