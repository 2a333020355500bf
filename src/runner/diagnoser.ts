/**
 * The seam between the runner and the diagnostic engine. The runner only needs an incremental
 * diagnoser: feed it the growing run, get the findings that are new since the last call (and,
 * when the implementation knows them, the complete current list).
 *
 * `createLiveDiagnoser` is the one place that picks the implementation: the engine's
 * LiveDiagnoser (src/core/diagnose), one instance per run.
 */
import { LiveDiagnoser, type DiagnoseOptions } from '../core/diagnose';
import type { Finding, Lang } from '../core/diagnose/types';
import type { Run } from '../core/model';

export interface LiveDiagnoserLike {
  /** Look at the run as it is now: the findings new since the last call, and all current ones. */
  update(run: Run): { added: Finding[]; updated?: Finding[]; removed?: Finding[]; all?: Finding[] };
}

export interface LiveDiagnoserOptions {
  lang?: Lang;
  /** Engine thresholds (see src/core/diagnose/settings.ts). */
  settings?: Omit<DiagnoseOptions, 'lang'>;
}

export type DiagnoserFactory = (opts: LiveDiagnoserOptions) => LiveDiagnoserLike;

export const createLiveDiagnoser: DiagnoserFactory = opts =>
  new LiveDiagnoser({ ...(opts.settings ?? {}), lang: opts.lang });

/** Which implementation `createLiveDiagnoser` uses (recorded in run.json). */
export const DIAGNOSER_IMPLEMENTATION = 'engine';
