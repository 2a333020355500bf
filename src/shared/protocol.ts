/**
 * Host <-> webview messages of the Loss Lens curve viewer (types only, shared by both sides).
 *
 * The conversation:
 *   webview -> host   'ready'                    (on every load, also after the view is restored)
 *   host -> webview   'snapshot'                 (everything: runs with full-resolution series,
 *                                                 findings, run summaries, locale)
 *   host -> webview   'append'*, 'findings'*     (live runs: only the points added since the
 *                                                 last message, and the updated findings)
 *   host -> webview   'reveal'                   (zoom to a step, e.g. from a quick fix)
 *   host -> webview   'requestPng' -> webview answers 'exportPng' with the same requestId
 *   webview -> host   'revealSource', 'exportData', 'exportPng', 'error'
 *
 * The host owns the data (it keeps the Run objects); the webview is disposable and only keeps
 * its UI state (getState/setState). Series travel as typed arrays: VS Code transfers them
 * without JSON and keeps NaN / +-Infinity, which JSON would lose.
 *
 * Only `import type` here: this file is compiled into both the extension host and the webview.
 */
import type { Finding } from '../core/diagnose/types';
import type { ForecastCurve } from '../core/forecast';
import type { FormatId, Role, RunEvent } from '../core/model';

/** Bumped when a message changes shape incompatibly. */
export const PROTOCOL_VERSION = 1;

export type ViewerLocale = 'en' | 'zh-cn';

/** One series, full resolution (snapshot) or only the new points (append). */
export interface SeriesPayload {
  /** The name as written in the log. */
  name: string;
  role: Role;
  steps: Float64Array;
  values: Float64Array;
  /** Seconds since the epoch; NaN where a point has none. */
  wallTimes?: Float64Array;
  /** 1-based source lines; 0 where a point has none. */
  lines?: Uint32Array;
  /**
   * Set when the arrays are an overview of a long series (the first, minimum, maximum and last
   * point of each x bucket, NaN / Inf kept): the series' full point count.
   */
  total?: number;
}

export interface RunPayload {
  /** Stable within one view ('r0', 'r1', ...). */
  id: string;
  /** Path of the file or directory the run was read from. */
  source: string;
  name: string;
  format: FormatId;
  series: SeriesPayload[];
  events: RunEvent[];
  /** True while the run is still being written (a live run). */
  live?: boolean;
  /** 'epoch' where the run's steps are epochs (run.meta.stepUnit): the Epoch axis is the step. */
  stepUnit?: 'epoch';
  /** Where each loss is heading (src/core/forecast), drawn dashed after its last point. */
  forecasts?: ForecastCurve[];
}

export type ConvergenceStatus =
  | 'converged'
  | 'improving'
  | 'plateaued'
  | 'overfitting'
  | 'diverged'
  | 'non-finite'
  | 'unknown';

/**
 * The header line of a run. Everything but the identity is optional: the host fills what it
 * knows (the engine adds more over time) and the webview renders what is there.
 */
export interface RunSummary {
  runId: string;
  source: string;
  name: string;
  format: FormatId;
  /** Points over all series, NaN/Inf included. */
  points: number;
  series: number;
  nonFinite: number;
  firstStep?: number;
  lastStep?: number;
  convergence?: ConvergenceStatus;
  /** A sentence that explains `convergence`, from the engine. */
  convergenceDetail?: string;
  bestValSeries?: string;
  bestValStep?: number;
  bestValValue?: number;
  /** Where early stopping would have stopped, and what it would have saved. */
  earlyStopStep?: number;
  earlyStopSavedSteps?: number;
  /** Saved steps over all steps, 0..1. */
  earlyStopSavedFraction?: number;
  restarts?: number;
  live?: boolean;
}

export interface LoadProblemPayload {
  source: string;
  message: string;
}

export interface SnapshotMessage {
  type: 'snapshot';
  protocol: typeof PROTOCOL_VERSION;
  locale: ViewerLocale;
  /** Shown above the charts (file name, "3 runs", ...). */
  title: string;
  runs: RunPayload[];
  findings: Finding[];
  summaries: RunSummary[];
  problems: LoadProblemPayload[];
  /**
   * A first picture of logs just read (long series as overviews) while they are analysed: the
   * findings come with the next snapshot.
   */
  analysing?: boolean;
  /**
   * A picture of what has been read so far of a big log (the read goes on, 'progress' messages
   * follow; long series as overviews).
   */
  reading?: boolean;
}

/** New points of a live run since the previous snapshot / append (new series allowed). */
export interface AppendMessage {
  type: 'append';
  runId: string;
  series: SeriesPayload[];
  /** Run events added since the last message. */
  events?: RunEvent[];
  /** The run has finished (no more appends will come). */
  done?: boolean;
}

export interface FindingsMessage {
  type: 'findings';
  findings: Finding[];
  summaries?: RunSummary[];
}

/** Zoom to a step of a run (a quick fix's "Show in Loss Lens"). */
export interface RevealMessage {
  type: 'reveal';
  /** The run's source; any run when absent. */
  source?: string;
  series?: string;
  step: number;
  endStep?: number;
}

/** Ask the webview for a PNG of its charts; answered by an 'exportPng' with the same id. */
export interface RequestPngMessage {
  type: 'requestPng';
  requestId: number;
}

export interface HostErrorMessage {
  type: 'error';
  message: string;
}

/**
 * A log being read (before its first snapshot): the bytes read so far and the total, over all
 * the inputs; 'cancelled' once the user cancelled it (the read stopped there).
 */
export interface ProgressMessage {
  type: 'progress';
  locale: ViewerLocale;
  title: string;
  /** 'reading' until the user cancels (done = total: the data is being analysed). */
  state: 'reading' | 'cancelled';
  done: number;
  total: number;
  /** The file being read (its base name). */
  file: string;
}

export type ToWebviewMessage =
  | SnapshotMessage
  | AppendMessage
  | FindingsMessage
  | RevealMessage
  | RequestPngMessage
  | HostErrorMessage
  | ProgressMessage;

export interface ReadyMessage {
  type: 'ready';
  protocol: typeof PROTOCOL_VERSION;
}

/** Open the log at a line (the host looks the line up from series + step when it is absent). */
export interface RevealSourceMessage {
  type: 'revealSource';
  source: string;
  line?: number;
  series?: string;
  step?: number;
}

export type ExportDataFormat = 'csv' | 'json' | 'html';

/** Export the full-resolution data (host side, from the Run objects). */
export interface ExportDataMessage {
  type: 'exportData';
  format: ExportDataFormat;
}

/** A PNG of the charts (data: URL), on the user's request or in reply to 'requestPng'. */
export interface ExportPngMessage {
  type: 'exportPng';
  dataUrl?: string;
  /** Set when this answers a 'requestPng'. */
  requestId?: number;
  /** Why no PNG could be made. */
  error?: string;
}

export interface WebviewErrorMessage {
  type: 'error';
  message: string;
}

/** Stop reading the log(s) this view waits for (the Cancel button of the progress). */
export interface CancelLoadMessage {
  type: 'cancelLoad';
}

export type FromWebviewMessage =
  | ReadyMessage
  | RevealSourceMessage
  | ExportDataMessage
  | ExportPngMessage
  | WebviewErrorMessage
  | CancelLoadMessage;

export type ExportFormat = ExportDataFormat | 'png';

/** The exhaustiveness check for `switch (message.type)`. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Cheap shape check for messages that arrive from the other side. */
export function isMessage(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
