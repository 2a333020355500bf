/**
 * The JSON contract of `loss-lens analyze --json` (DESIGN.md), built from runs and findings.
 */
import type { Finding } from './diagnose/types';
import type { Run, RunEvent } from './model';

export interface SeriesSummary {
  name: string;
  role: string;
  points: number;
  nonFinite: number;
  firstStep: number | null;
  lastStep: number | null;
}

export interface RunSummaryJson {
  source: string;
  format: string;
  name: string;
  series: SeriesSummary[];
  events: RunEvent[];
}

export interface AnalyzeJson {
  runs: RunSummaryJson[];
  findings: Finding[];
  problems: Array<{ source: string; message: string }>;
}

export function summarizeRun(run: Run): RunSummaryJson {
  const series: SeriesSummary[] = [];
  for (const s of run.series.values()) {
    series.push({
      name: s.name,
      role: s.role,
      points: s.length,
      nonFinite: s.nonFinite,
      firstStep: finiteOrNull(s.firstStep()),
      lastStep: finiteOrNull(s.lastStep()),
    });
  }
  return { source: run.source, format: run.format, name: run.name, series, events: run.events };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** JSON.stringify that writes non-finite numbers in evidence as strings ("NaN", "Infinity"). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}
