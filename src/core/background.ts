/**
 * Reading and analysing logs off the calling thread: `loadInBackground` runs `loadPaths` (and
 * `analyzeRuns`) on a worker thread (dist/load-worker.js, loadWorker.ts), reports the bytes
 * read as it goes, and can be cancelled — the worker is terminated, and with it any worker it
 * started for a split read. The runs come back in transferable arrays (no copy) and are
 * rebuilt here as ordinary Run objects. Without a worker script (tests, a bundle without it)
 * the same `loadPaths` runs on this thread, cancelled through its AbortSignal.
 *
 * Node-only (fs, worker_threads); free of `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { analyzeRuns, type AnalyzeOptions } from './analyze';
import type { Finding } from './diagnose/types';
import { LoadCancelled, loadPaths, type LoadOptions, type LoadProblem } from './load';
import { createRun, type FormatId, type Role, type Run, type RunEvent, Series } from './model';
import { overviewOf, pickIndices, rememberOverview } from './overview';
import type { ThreadOptions } from './parallel';

export interface BackgroundOptions {
  /** Bytes read over all inputs so far, the total, and the file being read. */
  onProgress?: (done: number, total: number, file: string) => void;
  /**
   * Told once the runs are read, before they are analysed, when some series is long: the runs
   * as overviews (each long series cut down to its overview points, core/overview.ts) and each
   * such series' full point count — to draw a first picture while the analysis runs.
   */
  onPreview?: (preview: Preview) => void;
  /** Analyse the runs too (on the same thread), with these options. */
  analyze?: AnalyzeOptions;
  /** Two-thread reads of large files (as LoadOptions.threads; `false`: one thread). */
  threads?: Pick<ThreadOptions, 'minBytes' | 'at'> | false;
  /** Told how each split read ended (LoadOptions.threads.onSplit). */
  onSplit?: (file: string, outcome: string) => void;
  maxDepth?: number;
  /** The worker script; dist/load-worker.js next to this bundle by default; null: this thread. */
  script?: string | null;
  /** Progress messages at most this often (ms). */
  progressMs?: number;
}

export interface BackgroundTimings {
  readMs: number;
  analyzeMs: number;
  overviewMs: number;
}

export interface BackgroundResult {
  runs: Run[];
  problems: LoadProblem[];
  /** Empty unless `analyze` was given. */
  findings: Finding[];
  /** An error of the analysis (the runs are still there). */
  analyzeError?: string;
  /** Where the time went (on the worker thread; absent on this thread). */
  timings?: BackgroundTimings;
}

/** Runs whose long series hold only their overview points; `totals`: their full counts. */
export interface Preview {
  runs: Run[];
  totals: Map<Series, number>;
  /** The runs read so far of a large file (the read goes on), not the whole log. */
  partial: boolean;
}

/** A read in progress. `result` rejects with LoadCancelled after `cancel()`. */
export interface BackgroundLoad {
  result: Promise<BackgroundResult>;
  cancel(): void;
  /** The worker thread's id while it runs (undefined on this thread or once it ended). */
  readonly threadId: number | undefined;
}

/** What the main thread sends the worker. */
export interface LoadJob {
  paths: string[];
  threads: BackgroundOptions['threads'];
  maxDepth?: number;
  analyze?: AnalyzeOptions;
  progressMs: number;
  /** Post a preview (overviews) before the analysis. */
  preview: boolean;
}

/** A series as it travels between threads (its arrays transferred). */
export interface PackedSeries {
  name: string;
  role: Role;
  steps: Float64Array;
  values: Float64Array;
  wallTimes?: Float64Array;
  lines?: Uint32Array;
  nonFinite: number;
  restarts: number;
  /** The overview's point indices (core/overview.ts) of a long series, computed by the reader. */
  overview?: Uint32Array;
  /** In a preview: the full point count of a series sent as its overview. */
  total?: number;
}

export interface PackedRun {
  source: string;
  format: FormatId;
  name: string;
  events: RunEvent[];
  meta: Record<string, string>;
  series: PackedSeries[];
}

/** What the worker posts. */
export type LoadWorkerMessage =
  | { type: 'progress'; done: number; total: number; file: string }
  | { type: 'split'; file: string; outcome: string }
  | { type: 'preview'; runs: PackedRun[]; partial: boolean }
  | {
      type: 'done';
      runs: PackedRun[];
      problems: LoadProblem[];
      findings: Finding[];
      analyzeError?: string;
      /** Milliseconds the worker spent reading, analysing, and computing overviews. */
      timings: BackgroundTimings;
    }
  | { type: 'failed'; message: string };

const PROGRESS_MS = 100;

/** The worker script next to this bundle, if it is there. */
export function defaultLoadWorkerScript(): string | undefined {
  const script = path.join(__dirname, 'load-worker.js');
  return fs.existsSync(script) ? script : undefined;
}

/** Read (and analyse) paths on a worker thread. */
export function loadInBackground(paths: string[], opts: BackgroundOptions = {}): BackgroundLoad {
  const script = opts.script === null ? undefined : (opts.script ?? defaultLoadWorkerScript());
  if (!script) return loadHere(paths, opts);
  const job: LoadJob = {
    paths,
    threads: opts.threads,
    maxDepth: opts.maxDepth,
    analyze: opts.analyze,
    progressMs: opts.progressMs ?? PROGRESS_MS,
    preview: opts.onPreview !== undefined,
  };
  let worker: Worker | undefined;
  let cancelled = false;
  let settle: ((e: Error) => void) | undefined;
  const result = new Promise<BackgroundResult>((resolve, reject) => {
    settle = reject;
    worker = new Worker(script);
    const w = worker;
    w.on('message', (m: LoadWorkerMessage) => {
      switch (m.type) {
        case 'progress':
          if (!cancelled) opts.onProgress?.(m.done, m.total, m.file);
          break;
        case 'split':
          opts.onSplit?.(m.file, m.outcome);
          break;
        case 'preview':
          if (!cancelled) opts.onPreview?.(unpackPreview(m.runs, m.partial));
          break;
        case 'done':
          resolve({
            runs: m.runs.map(unpackRun),
            problems: m.problems,
            findings: m.findings,
            analyzeError: m.analyzeError,
            timings: m.timings,
          });
          void w.terminate();
          break;
        case 'failed':
          reject(new Error(m.message));
          void w.terminate();
          break;
      }
    });
    w.once('error', e => reject(cancelled ? new LoadCancelled() : e));
    w.once('exit', code => reject(cancelled ? new LoadCancelled() : new Error(`the reading thread exited (${code})`)));
    w.postMessage(job);
  });
  // A settled promise ignores later rejections: 'exit' after 'done' is harmless.
  return {
    result,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      settle?.(new LoadCancelled());
      void worker?.terminate();
    },
    get threadId() {
      return worker && worker.threadId >= 0 ? worker.threadId : undefined;
    },
  };
}

/** The same read on this thread (no worker script): cancelled through loadPaths' signal. */
function loadHere(paths: string[], opts: BackgroundOptions): BackgroundLoad {
  const abort = new AbortController();
  const result = (async () => {
    const r = await loadPaths(paths, loadOptionsOf(opts, abort.signal, opts.onProgress));
    const a = analyseOf(r.runs, opts.analyze);
    if (abort.signal.aborted) throw new LoadCancelled();
    return { runs: r.runs, problems: r.problems, ...a };
  })();
  return { result, cancel: () => abort.abort(), threadId: undefined };
}

/** LoadOptions for a background read (the split read's worker is parse-worker.js as always). */
export function loadOptionsOf(
  opts: Pick<BackgroundOptions, 'threads' | 'onSplit' | 'maxDepth'>,
  signal: AbortSignal | undefined,
  onProgress: LoadOptions['onProgress'],
  onPartial?: LoadOptions['onPartial'],
): LoadOptions {
  return {
    onProgress,
    onPartial,
    signal,
    maxDepth: opts.maxDepth,
    threads: opts.threads === false ? false : { ...opts.threads, onSplit: opts.onSplit },
  };
}

/** Findings of runs, or the error that stopped the analysis. */
export function analyseOf(runs: Run[], analyze: AnalyzeOptions | undefined): { findings: Finding[]; analyzeError?: string } {
  if (!analyze) return { findings: [] };
  try {
    return { findings: analyzeRuns(runs, analyze) };
  } catch (e) {
    return { findings: [], analyzeError: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The preview of runs (their long series as overviews, copies: the runs stay whole), and the
 * buffers to transfer; undefined when no series is long enough to need one.
 */
export function packPreview(runs: readonly Run[], transfer: ArrayBuffer[], partial = false): PackedRun[] | undefined {
  let long = false;
  const out = runs.map(run => {
    const series: PackedSeries[] = [];
    for (const s of run.series.values()) {
      const keep = overviewOf(s);
      // The storage's parts, not a consolidated copy: the preview goes out before that.
      const pick = <T extends Float64Array | Uint32Array>(parts: T[], out: T): T => {
        if (keep) return pickIndices(parts, keep, out);
        let at = 0;
        for (const a of parts) {
          out.set(a, at);
          at += a.length;
        }
        return out;
      };
      const n = keep ? keep.length : s.length;
      const p: PackedSeries = {
        name: s.name,
        role: s.role,
        steps: pick(s.steps.viewsFrom(0), new Float64Array(n)),
        values: pick(s.values.viewsFrom(0), new Float64Array(n)),
        nonFinite: s.nonFinite,
        restarts: s.restarts,
      };
      if (s.wallTimes) p.wallTimes = pick(s.wallTimes.viewsFrom(0), new Float64Array(n));
      if (s.lines) p.lines = pick(s.lines.viewsFrom(0), new Uint32Array(n));
      if (keep) {
        long = true;
        p.total = s.length;
      }
      for (const a of [p.steps, p.values, p.wallTimes, p.lines]) if (a) transfer.push(a.buffer as ArrayBuffer);
      series.push(p);
    }
    return { source: run.source, format: run.format, name: run.name, events: run.events, meta: run.meta, series };
  });
  return long || partial ? out : undefined;
}

function unpackPreview(packed: PackedRun[], partial: boolean): Preview {
  const totals = new Map<Series, number>();
  const runs = packed.map(p => {
    const run = unpackRun(p);
    for (const ps of p.series) {
      const s = run.series.get(ps.name);
      if (s && ps.total !== undefined) totals.set(s, ps.total);
    }
    return run;
  });
  return { runs, totals, partial };
}

/** A typed array whole (its own buffer), so that it can be transferred. */
function own<T extends Float64Array | Uint32Array>(v: T): T {
  return v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : (v.slice() as T);
}

/** A run in transferable form, and the buffers to transfer. */
export function packRun(run: Run, transfer: ArrayBuffer[]): PackedRun {
  const series: PackedSeries[] = [];
  for (const s of run.series.values()) {
    const p: PackedSeries = {
      name: s.name,
      role: s.role,
      steps: own(s.steps.view()),
      values: own(s.values.view()),
      nonFinite: s.nonFinite,
      restarts: s.restarts,
    };
    if (s.wallTimes) p.wallTimes = own(s.wallTimes.view());
    if (s.lines) p.lines = own(s.lines.view());
    const keep = overviewOf(s);
    if (keep) p.overview = own(keep);
    for (const a of [p.steps, p.values, p.wallTimes, p.lines, p.overview]) if (a && !transfer.includes(a.buffer as ArrayBuffer)) transfer.push(a.buffer as ArrayBuffer);
    series.push(p);
  }
  return { source: run.source, format: run.format, name: run.name, events: run.events, meta: run.meta, series };
}

/** A packed run as an ordinary Run (its series adopt the arrays, exactly as read). */
export function unpackRun(p: PackedRun): Run {
  const run = createRun(p.source, p.format, p.name);
  run.events.push(...p.events);
  Object.assign(run.meta, p.meta);
  for (const ps of p.series) {
    const s = new Series(ps.name, ps.role);
    s.appendPart([ps.steps], [ps.values], ps.wallTimes ? [ps.wallTimes] : undefined, ps.lines ? [ps.lines] : undefined, 0, {
      restartsAfterFirst: ps.restarts,
      nonFinite: ps.nonFinite,
    });
    if (ps.overview) rememberOverview(s, ps.overview);
    run.series.set(ps.name, s);
  }
  return run;
}
