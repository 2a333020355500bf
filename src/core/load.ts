/**
 * Turns paths (files or run directories) into runs: detects each file's format by content,
 * streams it through its parser in chunks (never the whole file in memory), groups TensorBoard
 * event files by directory, reads MLflow stores, and skips Hugging Face checkpoint copies.
 *
 * Node-only (node:fs), but free of `vscode`: the CLI, the tests and the extension host share it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createParser, type StreamFormat } from './formats';
import { detectFormat, isTfRecord, SNIFF_BYTES } from './formats/detect';
import { findMlflowRuns, readMlflowRun } from './formats/mlflow';
import { isSplitReader } from './formats/split';
import { createRun, promoteErrorLosses, type Run, seriesOf } from './model';
import {
  defaultWorkerScript,
  planSplit,
  SPLIT_FORMATS,
  SPLIT_MIN_BYTES,
  startPart,
  type PartRead,
  type ThreadOptions,
} from './parallel';
import { walkLogs } from './walk';

export interface LoadProblem {
  source: string;
  message: string;
}

export interface LoadResult {
  runs: Run[];
  /** Inputs from which nothing could be read, each with a clear reason. */
  problems: LoadProblem[];
}

export interface LoadOptions {
  /** Called as bytes are read: bytes done so far over all inputs, and the total. */
  onProgress?: (done: number, total: number, file: string) => void;
  /** Chunk size for streaming reads. */
  chunkSize?: number;
  /** Maximum directory depth to walk (walk.ts; default 8). */
  maxDepth?: number;
  /**
   * Reading large CSV / JSON-lines / text logs on two threads (on by default where the worker script
   * is next to the bundle and there are two cores; `false` or LOSS_LENS_THREADS=1: one thread).
   */
  threads?: ThreadOptions | false;
  /**
   * Stops the read: checked between chunks (and the worker thread of a split read is stopped);
   * loadPaths then rejects with a LoadCancelled error.
   */
  signal?: AbortSignal;
  /**
   * Told the runs read so far of a large file (PARTIAL_MIN_BYTES and more) after its first
   * PARTIAL_FIRST_BYTES and at each quarter of it that this thread reads: a picture can be
   * drawn before the whole file is read. The runs
   * are the parser's own (still growing): read them at once, do not keep them.
   */
  onPartial?: (runs: readonly Run[], file: string) => void;
}

/** Files from this size on report partial runs (LoadOptions.onPartial). */
export const PARTIAL_MIN_BYTES = 32 << 20;
/** The first partial runs come after this much (or a quarter of the file, if that is less). */
export const PARTIAL_FIRST_BYTES = 16 << 20;

/** Thrown (rejected) by loadPaths when its `signal` aborts. */
export class LoadCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'LoadCancelled';
  }
}

function checkCancel(opts: LoadOptions): void {
  if (opts.signal?.aborted) throw new LoadCancelled();
}

const CHUNK = 1 << 20;

export async function loadPaths(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { runs: [], problems: [] };
  const plan: PlanItem[] = [];

  // Per directory given: how many runs were read from it, and why its files could not be read.
  const dirs = new Map<number, { path: string; runs: number; tried: number; reasons: string[] }>();
  for (let root = 0; root < paths.length; root++) {
    const p = paths[root];
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      result.problems.push({ source: p, message: `cannot read: ${errText(e)}` });
      continue;
    }
    if (st.isDirectory()) {
      const before = plan.length;
      for (const e of walkLogs(p, { maxDepth: opts.maxDepth })) plan.push(e.kind === 'file' ? { ...e, explicit: false, root } : { ...e, root });
      if (plan.length === before) {
        result.problems.push({ source: p, message: 'no training log found in this directory' });
      } else dirs.set(root, { path: p, runs: 0, tried: 0, reasons: [] });
    } else if (!st.isFile()) {
      // A FIFO, socket or device would block the read (or never end): refuse it at once.
      result.problems.push({ source: p, message: `not a regular file (${fileKind(st)}): cannot read it as a log` });
    } else {
      if (path.basename(p).startsWith('events.out.tfevents.')) {
        plan.push({ kind: 'tb', dir: path.dirname(p), files: [p], explicit: true, root });
      } else {
        plan.push({ kind: 'file', file: p, explicit: true, root });
      }
    }
  }
  const readFrom = (item: PlanItem, runs: number, tried: number, reason?: string) => {
    const d = dirs.get(item.root);
    if (!d) return;
    d.runs += runs;
    d.tried += tried;
    if (reason && d.reasons.length < 3) d.reasons.push(reason);
  };

  const sizeOf = (f: string) => {
    try {
      return fs.statSync(f).size;
    } catch {
      return 0;
    }
  };
  let total = 0;
  for (const item of plan) {
    if (item.kind === 'file') total += sizeOf(item.file);
    else if (item.kind === 'tb') for (const f of item.files) total += sizeOf(f);
  }
  let done = 0;
  const progress = (n: number, file: string) => {
    done += n;
    opts.onProgress?.(done, total, file);
  };

  for (const item of plan) {
    checkCancel(opts);
    if (item.kind === 'mlflow') {
      const runDirs = findMlflowRuns(item.dir);
      let read = 0;
      for (const runDir of runDirs) {
        try {
          const run = readMlflowRun(runDir);
          if (run.series.size > 0) {
            result.runs.push(run);
            read++;
          }
        } catch (e) {
          result.problems.push({ source: runDir, message: `cannot read MLflow run: ${errText(e)}` });
        }
      }
      readFrom(item, read, 1, read ? undefined : `MLflow store ${path.relative(dirs.get(item.root)?.path ?? '', item.dir) || '.'}: ${runDirs.length ? `${runDirs.length} run(s), none with metrics` : 'no runs'}`);
      continue;
    }
    if (item.kind === 'tb') {
      const before = result.problems.length;
      const run = await readEventDir(item.dir, item.files, opts, progress, result.problems);
      if (run) result.runs.push(run);
      else if (item.explicit && result.problems.length === before) {
        result.problems.push({ source: item.files[0], message: 'no training metrics found in this file' });
      }
      readFrom(item, run ? 1 : 0, item.files.length, run ? undefined : `${path.basename(item.dir)}: no training metrics in its event files`);
      continue;
    }
    const r = await readLogFile(item.file, opts, progress);
    checkCancel(opts);
    if (r.problem) {
      if (item.explicit) result.problems.push({ source: item.file, message: r.problem });
      readFrom(item, 0, 1, `${path.basename(item.file)}: ${r.problem}`);
      continue;
    }
    let read = 0;
    for (const run of r.runs) {
      if (run.series.size > 0) {
        result.runs.push(run);
        read++;
      } else if (item.explicit) {
        result.problems.push({ source: item.file, message: 'no training metrics found in this file' });
      }
    }
    readFrom(item, read, 1, read ? undefined : `${path.basename(item.file)}: no training metrics found`);
  }
  // (the roles the engine will judge, known to every view: an error measure as the loss of a
  // run without one)
  for (const run of result.runs) promoteErrorLosses(run.series.values());
  // A directory from which nothing at all could be read is a problem, not "0 runs".
  for (const d of dirs.values()) {
    if (d.runs > 0) continue;
    const why = d.reasons.length ? ` (${d.reasons.join('; ')}${d.tried > d.reasons.length ? '; …' : ''})` : '';
    result.problems.push({
      source: d.path,
      message: `nothing could be read from this directory: ${d.tried} log source(s) found, none with training metrics${why}`,
    });
  }
  return result;
}

/** What a non-regular file is, in words. */
function fileKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/** Read one file by content-detected format. Returns the runs or the reason nothing was read. */
export async function readLogFile(
  file: string,
  opts: LoadOptions = {},
  progress: (n: number, file: string) => void = () => {},
): Promise<{ runs: Run[]; problem?: string }> {
  let fd: number;
  let part: ReturnType<typeof startSplit>;
  let stopOnAbort: (() => void) | undefined;
  try {
    // Opening a FIFO blocks until a writer comes, and a device never ends: look first.
    const st = fs.statSync(file);
    if (!st.isFile()) return { runs: [], problem: `not a regular file (${fileKind(st)}): cannot read it as a log` };
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return { runs: [], problem: `cannot open: ${errText(e)}` };
  }
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const n = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
    // UTF-16 with a byte-order mark (what PowerShell's `>` writes): read as UTF-8 text.
    const utf16 = utf16Of(head.subarray(0, n));
    const det = detectFormat(utf16 ? utf16.sniff(head.subarray(0, n)) : head.subarray(0, n), path.basename(file));
    if (!det.ok) return { runs: [], problem: det.message };
    const parser = createParser(det.format, { source: file, name: runName(file) });
    part = utf16 ? undefined : startSplit(fd, file, det.format, parser, opts);
    const split = part;
    if (split && opts.signal) {
      stopOnAbort = () => split.stop();
      opts.signal.addEventListener('abort', stopOnAbort, { once: true });
    }
    const buf = new Uint8Array(opts.chunkSize ?? CHUNK);
    let pos = 0;
    const size = opts.onPartial ? fs.fstatSync(fd).size : 0;
    const partialStep = size >= PARTIAL_MIN_BYTES ? Math.floor(size / 4) : Infinity;
    let nextPartial = Math.min(PARTIAL_FIRST_BYTES, partialStep);
    let stopAt = part ? part.job.split : Infinity;
    for (;;) {
      const got = fs.readSync(fd, buf, 0, Math.min(buf.length, stopAt - pos), pos);
      if (got <= 0) {
        if (part && pos === stopAt) {
          // The worker read the rest: join its part, or read on here when it cannot be joined.
          const r = await part.result;
          part.stop();
          if (opts.signal?.aborted) break;
          const joined = r.ok && isSplitReader(parser) && parser.splitAbsorb(r.part);
          part.onSplit?.(file, joined ? 'joined' : r.ok ? 'refused: the states at the split differ' : r.why);
          if (joined) {
            const size = fs.fstatSync(fd).size;
            progress(Math.max(0, size - pos), file);
            break;
          }
          stopAt = Infinity;
          continue;
        }
        break;
      }
      if (opts.signal?.aborted) break;
      parser.push(utf16 ? utf16.push(buf.subarray(0, got)) : buf.subarray(0, got));
      pos += got;
      progress(got, file);
      if (pos >= nextPartial && pos < stopAt && pos < size) {
        nextPartial = (Math.floor(pos / partialStep) + 1) * partialStep;
        opts.onPartial?.(parser.runs, file);
      }
      // Let a progress display and other work breathe on very large files.
      if ((pos & ((64 << 20) - 1)) < got) await yieldToLoop();
    }
    if (utf16) parser.push(utf16.end());
    parser.end();
    for (const r of parser.runs) for (const s of r.series.values()) s.trim();
    return { runs: parser.runs };
  } catch (e) {
    return { runs: [], problem: `cannot read: ${errText(e)}` };
  } finally {
    part?.stop();
    if (stopOnAbort) opts.signal?.removeEventListener('abort', stopOnAbort);
    fs.closeSync(fd);
  }
}

/**
 * A transcoder from UTF-16 (LE or BE, told by the byte-order mark at the start) to UTF-8, for
 * chunks in file order (a character split between chunks is kept for the next); undefined when
 * the file does not start with a UTF-16 byte-order mark (or is a TensorBoard record).
 */
function utf16Of(head: Uint8Array):
  | { sniff(head: Uint8Array): Uint8Array; push(chunk: Uint8Array): Uint8Array; end(): Uint8Array }
  | undefined {
  if (head.length < 2 || isTfRecord(head)) return undefined;
  const enc = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : undefined;
  if (!enc) return undefined;
  const decoder = new TextDecoder(enc);
  const encoder = new TextEncoder();
  return {
    sniff: h => encoder.encode(new TextDecoder(enc).decode(h.subarray(0, h.length & ~1))),
    push: chunk => encoder.encode(decoder.decode(chunk, { stream: true })),
    end: () => encoder.encode(decoder.decode()),
  };
}

/** Start reading the second part of a large CSV / JSON-lines / text log on a worker thread. */
function startSplit(
  fd: number,
  file: string,
  format: StreamFormat,
  parser: object,
  opts: LoadOptions,
): (PartRead & { onSplit?: ThreadOptions['onSplit'] }) | undefined {
  if (opts.threads === false || !SPLIT_FORMATS.has(format) || !isSplitReader(parser)) return undefined;
  const t: ThreadOptions = { ...opts.threads };
  if (!t.inProcess) t.script ??= defaultWorkerScript();
  if (!t.script && !t.inProcess) return undefined;
  const size = fs.fstatSync(fd).size;
  if (size < (t.minBytes ?? SPLIT_MIN_BYTES)) return undefined;
  const plan = planSplit(fd, size, t);
  if (!plan) {
    t.onSplit?.(file, 'no line break where a split is needed');
    return undefined;
  }
  const read = startPart({ ...plan, file, format, source: file, name: runName(file) }, t);
  return { ...read, onSplit: t.onSplit };
}

/**
 * One TensorBoard run = one directory of event files, read in file-name order (the name holds
 * the creation time) and concatenated; a later file that starts before the end of an earlier
 * one is a restart, recorded as an event.
 */
async function readEventDir(
  dir: string,
  files: string[],
  opts: LoadOptions,
  progress: (n: number, file: string) => void,
  problems: LoadProblem[],
): Promise<Run | undefined> {
  const sorted = [...files].sort(compareEventFiles);
  const merged = createRun(files.length === 1 ? files[0] : dir, 'tfevents', runName(dir));
  let read = 0;
  for (const f of sorted) {
    const r = await readLogFile(f, opts, progress);
    checkCancel(opts);
    if (r.problem) {
      problems.push({ source: f, message: r.problem });
      continue;
    }
    for (const run of r.runs) {
      read++;
      const tag = files.length > 1 ? `${path.basename(f)}: ` : '';
      for (const e of run.events) {
        if (e.type === 'note' || e.type === 'malformed' || e.type === 'truncated') {
          merged.events.push({ ...e, message: tag + e.message });
        } else merged.events.push(e);
      }
      for (const [k, v] of Object.entries(run.meta)) merged.meta[k] = v;
      for (const s of run.series.values()) {
        const into = seriesOf(merged, s.name);
        const before = into.length > 0 ? into.lastStep() : undefined;
        const firstNew = s.length > 0 ? s.steps.get(0) : undefined;
        if (before !== undefined && firstNew !== undefined && firstNew < before) {
          if (!merged.events.some(e => e.type === 'restart' && e.toStep === firstNew && e.fromStep === before)) {
            merged.events.push({ type: 'restart', series: s.name, fromStep: before, toStep: firstNew });
          }
        }
        appendSeries(into, s);
      }
    }
  }
  if (read === 0) return undefined;
  if (merged.series.size === 0) return undefined;
  for (const s of merged.series.values()) s.trim();
  return merged;
}

function appendSeries(into: ReturnType<typeof seriesOf>, s: ReturnType<typeof seriesOf>): void {
  const st = s.steps.view();
  const va = s.values.view();
  const wt = s.wallTimes?.view();
  const ln = s.lines?.view();
  for (let i = 0; i < st.length; i++) {
    into.push(st[i], va[i], wt ? wt[i] : undefined, ln ? ln[i] : undefined);
  }
}

function compareEventFiles(a: string, b: string): number {
  const ta = eventTime(a);
  const tb = eventTime(b);
  if (ta !== tb) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function eventTime(f: string): number {
  const m = /tfevents\.(\d+)/.exec(path.basename(f));
  return m ? Number(m[1]) : 0;
}

/** `root`: the index of the path given that the item was found from. */
type PlanItem =
  | { kind: 'file'; file: string; explicit: boolean; root: number }
  | { kind: 'tb'; dir: string; files: string[]; explicit?: boolean; root: number }
  | { kind: 'mlflow'; dir: string; root: number };

function runName(p: string): string {
  const base = path.basename(p);
  const parent = path.basename(path.dirname(p));
  if (base.startsWith('events.out.tfevents.')) return parent || base;
  return base;
}

function errText(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return 'no such file or directory';
    if (err.code === 'EACCES') return 'permission denied';
    if (err.code === 'EISDIR') return 'is a directory';
    return err.message;
  }
  return String(e);
}

function yieldToLoop(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
