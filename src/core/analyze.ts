/**
 * Runs in, findings out: the one entry point the CLI, the report and the extension share.
 * Findings carry the source of the run they belong to.
 */
import type { Finding, Lang } from './diagnose/types';
import type { Run } from './model';

export interface AnalyzeOptions {
  lang?: Lang;
}

export function analyzeRuns(runs: Run[], _opts: AnalyzeOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const _run of runs) {
    // The diagnostic engine plugs in here (issue: diagnostic engine).
  }
  return out;
}
