/**
 * One row of the runs listing, from a run and its findings: its status (the severity of its most
 * severe finding, info counting as ok), the worst finding, the best logged loss (the lowest
 * validation loss when one is logged, else the lowest training loss), the last step, its
 * parameters and a sparkline of its loss. Every number is a logged value or step.
 *
 * Pure: no file system, no `vscode`.
 */
import type { Finding, FindingKind, Severity } from '../diagnose/types';
import { SEVERITY_RANK } from '../diagnose/types';
import { beatBestVerdict } from '../forecast';
import type { Run, Series } from '../model';
import type { Params } from './params';

export type RunStatus = 'ok' | 'warning' | 'error';

export const STATUS_RANK: Record<RunStatus, number> = { ok: 0, warning: 1, error: 2 };

/** A finding as the listing keeps it (the full one is in the viewer). */
export interface FindingBrief {
  kind: FindingKind;
  severity: Severity;
  series: string;
  step: number;
  title: string;
  /** For non-finite findings: what the value became ("NaN", "Inf"). */
  what?: string;
}

export interface BestLoss {
  series: string;
  value: number;
  step: number;
  role: 'val_loss' | 'train_loss';
}

export interface RunRow {
  /** The run folder (or the log, when a folder holds several runs). */
  path: string;
  name: string;
  format: string;
  /** The log file or directory the run was read from. */
  source: string;
  status: RunStatus;
  worst: FindingKind | null;
  /** Findings, most severe first. */
  findings: FindingBrief[];
  best: BestLoss | null;
  lastStep: number | null;
  params: Params;
  /** Newest modification time of the run's files (for sorting by recency). */
  mtimeMs: number;
  /** The loss curve, thinned for a sparkline (logged points; non-finite values as null). */
  spark: { series: string; steps: number[]; values: Array<number | null> } | null;
  /** The best loss was reached at the last logged point of its series (it is still falling). */
  bestAtEnd: boolean;
  /** Points of the series the best loss is taken from. */
  bestPoints: number;
  /**
   * Where its validation loss (else training loss) is heading: the forecast at its planned end
   * (else twice its last step), with the 80% interval; null when it gets none (too short,
   * non-finite, diverged).
   */
  forecast: { series: string; toStep: number; median: number; low: number; high: number } | null;
}

/** Points kept for a sparkline. */
export const SPARK_POINTS = 60;

export function statusOf(findings: readonly Pick<Finding, 'severity'>[]): RunStatus {
  let r = 0;
  for (const f of findings) r = Math.max(r, SEVERITY_RANK[f.severity]);
  return r >= SEVERITY_RANK.error ? 'error' : r >= SEVERITY_RANK.warning ? 'warning' : 'ok';
}

/** Most severe first, then the most confident, then the earliest. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.confidence - a.confidence || a.step - b.step,
  );
}

export function buildRow(run: Run, findings: readonly Finding[], params: Params, where: { path: string; mtimeMs: number }): RunRow {
  const ranked = rankFindings(findings);
  const status = statusOf(ranked);
  const briefs: FindingBrief[] = ranked.map(f => {
    const b: FindingBrief = { kind: f.kind, severity: f.severity, series: f.series, step: f.step, title: f.title };
    if (f.kind === 'non-finite') {
      const s = run.series.get(f.series);
      const v = s ? firstNonFiniteAt(s, f.step) : undefined;
      if (v !== undefined) b.what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
    }
    return b;
  });
  const val = pickSeries(run, 'val_loss');
  const train = pickSeries(run, 'train_loss');
  const bestSeries = val && minOf(val) ? val : train && minOf(train) ? train : undefined;
  let best: BestLoss | null = null;
  let bestAtEnd = false;
  if (bestSeries) {
    const m = minOf(bestSeries)!;
    best = { series: bestSeries.name, value: m.value, step: m.step, role: bestSeries.role === 'val_loss' ? 'val_loss' : 'train_loss' };
    bestAtEnd = m.index === m.lastFinite;
  }
  let last = -Infinity;
  for (const s of run.series.values()) {
    const v = s.lastStep();
    if (Number.isFinite(v) && v > last) last = v;
  }
  const sparkSeries = train ?? val ?? firstLoss(run);
  return {
    path: where.path,
    name: run.name,
    format: run.format,
    source: run.source,
    status,
    worst: ranked.length && status !== 'ok' ? ranked[0].kind : null,
    findings: briefs,
    best,
    lastStep: Number.isFinite(last) ? last : null,
    params,
    mtimeMs: where.mtimeMs,
    spark: sparkSeries ? spark(sparkSeries) : null,
    bestAtEnd,
    bestPoints: bestSeries?.length ?? 0,
    forecast: forecastOf(run),
  };
}

function forecastOf(run: Run): RunRow['forecast'] {
  // (a verdict against an unbeatable best gives the forecast itself)
  const v = beatBestVerdict(run, Number.MAX_VALUE);
  if (!v) return null;
  const f = v.forecast;
  return { series: v.series, toStep: f.toStep, median: f.median, low: f.low, high: f.high };
}

/** The series of a role with the most points (ties: the first). */
function pickSeries(run: Run, role: 'val_loss' | 'train_loss'): Series | undefined {
  let best: Series | undefined;
  for (const s of run.series.values()) if (s.role === role && (!best || s.length > best.length)) best = s;
  return best;
}

function firstLoss(run: Run): Series | undefined {
  for (const s of run.series.values()) if (s.role === 'loss_part') return s;
  return undefined;
}

function minOf(s: Series): { value: number; step: number; index: number; lastFinite: number } | undefined {
  const v = s.values.view();
  const st = s.steps.view();
  let bi = -1;
  let lastFinite = -1;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) continue;
    lastFinite = i;
    if (bi < 0 || v[i] < v[bi]) bi = i;
  }
  return bi < 0 ? undefined : { value: v[bi], step: st[bi], index: bi, lastFinite };
}

function firstNonFiniteAt(s: Series, step: number): number | undefined {
  const v = s.values.view();
  const st = s.steps.view();
  for (let i = 0; i < v.length; i++) if (st[i] >= step && !Number.isFinite(v[i])) return v[i];
  return undefined;
}

/** At most SPARK_POINTS logged points: per bucket the last point, or its first non-finite one. */
export function spark(s: Series): NonNullable<RunRow['spark']> {
  const v = s.values.view();
  const st = s.steps.view();
  const n = v.length;
  const steps: number[] = [];
  const values: Array<number | null> = [];
  const buckets = Math.min(n, SPARK_POINTS);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let pick = hi - 1;
    for (let i = lo; i < hi; i++) {
      if (!Number.isFinite(v[i])) {
        pick = i;
        break;
      }
    }
    steps.push(st[pick]);
    values.push(Number.isFinite(v[pick]) ? v[pick] : null);
  }
  return { series: s.name, steps, values };
}
