/**
 * Messages for the viewer, built from the host's Run objects (pure: no `vscode`).
 *
 * The snapshot carries every series at full resolution as typed arrays; an AppendCursor
 * remembers how much of each live series has been sent and yields only the new points.
 */
import { forecastCurves, type ForecastCurve } from '../../core/forecast';
import type { Finding } from '../../core/diagnose/types';
import { LOSS_ROLES, type Run, type Series } from '../../core/model';
import {
  PROTOCOL_VERSION,
  type AppendMessage,
  type ConvergenceStatus,
  type LoadProblemPayload,
  type RunPayload,
  type RunSummary,
  type SeriesPayload,
  type SnapshotMessage,
  type ViewerLocale,
} from '../../shared/protocol';

/**
 * A language tag -> the viewer's locale (Simplified Chinese tags only). The extension host
 * itself uses `displayLang()` (src/host/l10n.ts), which maps every `zh*` display language to
 * 'zh-cn' so the views, the Problems panel and the notifications agree.
 */
export function viewerLocale(language: string | undefined): ViewerLocale {
  const l = (language ?? '').toLowerCase();
  if (l === 'zh' || l.startsWith('zh-cn') || l.startsWith('zh-hans') || l === 'zh-sg') return 'zh-cn';
  return 'en';
}

function runId(index: number): string {
  return `r${index}`;
}

/** A typed array as it should travel: the view itself when it spans its buffer, else a copy. */
function exact<T extends Float64Array | Uint32Array>(v: T): T {
  return v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : (v.slice() as T);
}

/** Values [from, length) of a growable column, read point by point (no consolidation). */
function tailOf<T extends Float64Array | Uint32Array>(
  col: { get(i: number): number; length: number },
  from: number,
  make: (n: number) => T,
): T {
  const out = make(Math.max(0, col.length - from));
  for (let i = from; i < col.length; i++) out[i - from] = col.get(i);
  return out;
}

/** A series whole (snapshot) or its points from `from` on (append). */
function seriesPayload(s: Series, from = 0): SeriesPayload {
  const f64 = (n: number) => new Float64Array(n);
  const u32 = (n: number) => new Uint32Array(n);
  const whole = from === 0;
  const p: SeriesPayload = {
    name: s.name,
    role: s.role,
    steps: whole ? exact(s.steps.view()) : tailOf(s.steps, from, f64),
    values: whole ? exact(s.values.view()) : tailOf(s.values, from, f64),
  };
  if (s.wallTimes) p.wallTimes = whole ? exact(s.wallTimes.view()) : tailOf(s.wallTimes, from, f64);
  if (s.lines) p.lines = whole ? exact(s.lines.view()) : tailOf(s.lines, from, u32);
  return p;
}

function runPayload(run: Run, index: number, live = false): RunPayload {
  const series: SeriesPayload[] = [];
  for (const s of run.series.values()) series.push(seriesPayload(s));
  return {
    id: runId(index),
    source: run.source,
    name: run.name,
    format: run.format,
    series,
    events: [...run.events],
    ...(run.meta.stepUnit === 'epoch' ? { stepUnit: 'epoch' as const } : {}),
    ...(live ? { live: true } : {}),
    ...forecastsOf(run),
  };
}

/** The run's forecast curves, when it has any. */
function forecastsOf(run: Run): { forecasts?: ForecastCurve[] } {
  const forecasts = forecastCurves(run);
  return forecasts.length ? { forecasts } : {};
}

/** Findings that belong to a run (those without a source belong to a lone run). */
export function findingsOf(run: Run, findings: Finding[], runCount: number): Finding[] {
  return findings.filter(f => f.source === run.source || (f.source === undefined && runCount === 1));
}

export interface SnapshotInput {
  runs: Run[];
  findings: Finding[];
  problems?: LoadProblemPayload[];
  locale: ViewerLocale;
  title?: string;
  /** Runs still being written. */
  live?: ReadonlySet<Run>;
}

export function buildSnapshot(input: SnapshotInput): SnapshotMessage {
  const { runs, findings } = input;
  return {
    type: 'snapshot',
    protocol: PROTOCOL_VERSION,
    locale: input.locale,
    title: input.title ?? viewerTitle(runs),
    runs: runs.map((r, i) => runPayload(r, i, input.live?.has(r) ?? false)),
    findings: withSources(runs, findings),
    summaries: runs.map((r, i) => buildSummary(r, i, findingsOf(r, findings, runs.length), input.live?.has(r))),
    problems: input.problems ?? [],
  };
}

/** Give findings of a lone run its source, so the webview can route them. */
function withSources(runs: Run[], findings: Finding[]): Finding[] {
  if (runs.length !== 1) return findings;
  const source = runs[0].source;
  return findings.map(f => (f.source === undefined ? { ...f, source } : f));
}

/** The title of a view of runs; `manyRuns` words a count when the names are too long to list. */
export function viewerTitle(runs: Run[], manyRuns: (n: number) => string = n => `${n} runs`): string {
  if (runs.length === 1) return runs[0].name;
  if (runs.length === 0) return 'Loss Lens';
  const names = runs.map(r => r.name);
  const joined = names.join(', ');
  return joined.length <= 80 ? joined : manyRuns(runs.length);
}

/** Remembers what of each run has been sent; yields 'append' messages with the rest. */
export class AppendCursor {
  private readonly sent = new Map<Run, { series: Map<string, number>; events: number }>();

  /** Everything in the run now has been sent (after a snapshot). */
  markSent(run: Run): void {
    const series = new Map<string, number>();
    for (const s of run.series.values()) series.set(s.name, s.length);
    this.sent.set(run, { series, events: run.events.length });
  }

  /** The points and events added since the last call (undefined when there is nothing new). */
  collect(run: Run, index: number, done = false): AppendMessage | undefined {
    let st = this.sent.get(run);
    if (!st) {
      st = { series: new Map(), events: 0 };
      this.sent.set(run, st);
    }
    const series: SeriesPayload[] = [];
    for (const s of run.series.values()) {
      const from = st.series.get(s.name) ?? 0;
      if (s.length > from) {
        series.push(seriesPayload(s, from));
        st.series.set(s.name, s.length);
      }
    }
    const events = run.events.slice(st.events);
    st.events = run.events.length;
    if (!series.length && !events.length && !done) return undefined;
    const m: AppendMessage = { type: 'append', runId: runId(index), series };
    if (events.length) m.events = events;
    if (done) m.done = true;
    return m;
  }
}

/**
 * The header facts of a run: counts and step range always; best validation step from the
 * data; convergence and early-stop savings from the findings when the engine gave them.
 */
export function buildSummary(run: Run, index: number, findings: Finding[], live?: boolean): RunSummary {
  let points = 0;
  let nonFinite = 0;
  let first = Infinity;
  let last = -Infinity;
  let restarts = 0;
  const all = [...run.series.values()];
  const stepSeries = all.some(s => LOSS_ROLES.has(s.role)) ? all.filter(s => LOSS_ROLES.has(s.role)) : all;
  for (const s of all) {
    points += s.length;
    nonFinite += s.nonFinite;
    restarts = Math.max(restarts, s.restarts);
  }
  for (const s of stepSeries) {
    const v = s.steps.view();
    for (let i = 0; i < v.length; i++) {
      if (v[i] < first) first = v[i];
      if (v[i] > last) last = v[i];
    }
  }
  // Restart events count when their series' own steps went back (or the series is unknown).
  const events = run.events.filter(e => e.type === 'restart' && (run.series.get(e.series)?.restarts ?? 1) > 0);
  restarts = Math.max(restarts, events.length);
  const out: RunSummary = {
    runId: runId(index),
    source: run.source,
    name: run.name,
    format: run.format,
    points,
    series: run.series.size,
    nonFinite,
  };
  if (Number.isFinite(first)) out.firstStep = first;
  if (Number.isFinite(last)) out.lastStep = last;
  if (restarts) out.restarts = restarts;
  if (live) out.live = true;

  const val = all.find(s => s.role === 'val_loss' && s.length > 0);
  if (val) {
    const best = argMinFinite(val);
    if (best >= 0) {
      out.bestValSeries = val.name;
      out.bestValStep = val.steps.get(best);
      out.bestValValue = val.values.get(best);
    }
  }

  const conv = convergenceOf(findings);
  if (conv) {
    out.convergence = conv.status;
    if (conv.detail) out.convergenceDetail = conv.detail;
  }

  const es = findings.find(f => f.kind === 'early-stop');
  if (es) {
    const ev = es.evidence ?? {};
    // An early-stop finding sits at the best-validation step; the stop is evidence.stopStep (the
    // engine) or its endStep (the runner's own early stop).
    const stop = num(ev.stopStep) ?? num(ev.earlyStopStep) ?? num(es.endStep) ?? es.step;
    if (Number.isFinite(stop)) {
      out.earlyStopStep = stop;
      const saved = num(ev.savedSteps) ?? (out.lastStep !== undefined ? out.lastStep - stop : undefined);
      if (saved !== undefined && saved > 0) {
        out.earlyStopSavedSteps = saved;
        const span = out.lastStep !== undefined && out.firstStep !== undefined ? out.lastStep - out.firstStep : 0;
        // The engine's early-stop evidence calls the saved share `saving`.
        const frac = num(ev.savedFraction) ?? num(ev.saving) ?? (span > 0 ? saved / span : undefined);
        if (frac !== undefined) out.earlyStopSavedFraction = Math.max(0, Math.min(1, frac));
      }
    }
  }
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function argMinFinite(s: Series): number {
  const v = s.values.view();
  let best = -1;
  for (let i = 0; i < v.length; i++) {
    if (Number.isFinite(v[i]) && (best < 0 || v[i] < v[best])) best = i;
  }
  return best;
}

/** The run's status as the findings tell it (most serious first); undefined without findings. */
export function convergenceOf(findings: Finding[]): { status: ConvergenceStatus; detail?: string } | undefined {
  const order: Array<[Finding['kind'], ConvergenceStatus]> = [
    ['non-finite', 'non-finite'],
    ['divergence', 'diverged'],
    ['overfitting', 'overfitting'],
    ['no-learning', 'plateaued'],
    ['plateau', 'plateaued'],
    ['not-converged', 'improving'],
  ];
  for (const [kind, status] of order) {
    const f = findings.find(x => x.kind === kind);
    if (f) return { status, detail: f.title };
  }
  return undefined;
}

/**
 * The 1-based source line of a series' point at a step (the last point logged at that step,
 * else the nearest one), when the format records lines.
 */
export function lineForStep(run: Run, seriesName: string | undefined, step: number): number | undefined {
  const candidates = seriesName && run.series.has(seriesName) ? [run.series.get(seriesName)!] : [...run.series.values()];
  let bestLine: number | undefined;
  let bestD = Infinity;
  for (const s of candidates) {
    if (!s.lines) continue;
    const st = s.steps.view();
    const ln = s.lines.view();
    for (let i = 0; i < st.length; i++) {
      const d = Math.abs(st[i] - step);
      if (ln[i] > 0 && d <= bestD) {
        bestD = d;
        bestLine = ln[i];
      }
    }
    if (bestD === 0 && seriesName) break;
  }
  return bestLine;
}

/**
 * The run on display whose source a webview asks to open (`revealSource`), or undefined: the
 * webview can only open the logs of the runs it shows, never any other path it names.
 */
export function displayedRun(runs: readonly Run[], source: unknown, resolve: (p: string) => string = p => p): Run | undefined {
  if (typeof source !== 'string' || !source) return undefined;
  const want = resolve(source);
  return runs.find(r => resolve(r.source) === want);
}
