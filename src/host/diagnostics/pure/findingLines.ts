/**
 * Where a finding sits in its log: the finding's own line when the engine gave one, else the
 * source line of the point of its series nearest to its step (`Series.lines`).
 *
 * Pure (no vscode): shared by the editor diagnostics, hovers and code lenses, and unit-tested.
 */
import type { Finding } from '../../../core/diagnose/types';
import type { Run, Series } from '../../../core/model';

export interface PlacedFinding {
  finding: Finding;
  /** 1-based line in the log. */
  line: number;
  /** How the line was found. */
  how: 'finding' | 'step' | 'nearest-step' | 'fallback';
}

/**
 * 1-based source line of the point at `step` in a series: the first point with exactly that
 * step, else the point with the nearest step (the earlier one on ties). Undefined when the
 * series has no line numbers.
 */
export function lineOfStep(series: Series, step: number): { line: number; exact: boolean } | undefined {
  const lines = series.lines;
  if (!lines || series.length === 0) return undefined;
  let best = -1;
  let bestDist = Infinity;
  for (let i = 0; i < series.length; i++) {
    const ln = lines.get(i);
    if (ln <= 0) continue;
    const s = series.steps.get(i);
    if (s === step) return { line: ln, exact: true };
    const d = Math.abs(s - step);
    if (d < bestDist) {
      bestDist = d;
      best = ln;
    }
  }
  return best > 0 && Number.isFinite(bestDist) ? { line: best, exact: false } : undefined;
}

/** The series a finding is about, preferring the run it came from. */
function seriesOfFinding(f: Finding, runs: readonly Run[]): Series | undefined {
  const own = f.source ? runs.filter(r => r.source === f.source) : [];
  for (const r of [...own, ...runs]) {
    const s = r.series.get(f.series);
    if (s) return s;
  }
  return undefined;
}

/** 1-based line of a finding in its log, or undefined when nothing places it. */
export function findingLine(f: Finding, runs: readonly Run[]): PlacedFinding | undefined {
  if (f.line !== undefined && f.line > 0) return { finding: f, line: f.line, how: 'finding' };
  const s = seriesOfFinding(f, runs);
  if (!s || !Number.isFinite(f.step)) return undefined;
  const at = lineOfStep(s, f.step);
  return at ? { finding: f, line: at.line, how: at.exact ? 'step' : 'nearest-step' } : undefined;
}

/** Place every finding; those that nothing places go on `fallbackLine` (1 = the first line). */
export function placeFindings(findings: readonly Finding[], runs: readonly Run[], fallbackLine = 1): PlacedFinding[] {
  return findings.map(f => findingLine(f, runs) ?? { finding: f, line: fallbackLine, how: 'fallback' });
}
