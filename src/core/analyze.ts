/**
 * Runs in, findings out: the one entry point the CLI, the report and the extension share.
 * Findings carry the source of the run they belong to.
 */
import { diagnose, type DiagnoseOptions } from './diagnose';
import type { Finding } from './diagnose/types';
import type { Run } from './model';

export type AnalyzeOptions = DiagnoseOptions;

export function analyzeRuns(runs: Run[], opts: AnalyzeOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const run of runs) {
    for (const f of diagnose([run], opts)) out.push({ ...f, source: run.source });
  }
  return out;
}
