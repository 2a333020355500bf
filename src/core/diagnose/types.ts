/** The finding contract shared by the engine, the editor, the webview and the CLI. */

export type FindingKind =
  | 'non-finite'
  | 'divergence'
  | 'loss-spike'
  | 'oscillation'
  | 'plateau'
  | 'no-learning'
  | 'overfitting'
  | 'underfitting'
  | 'not-converged'
  | 'early-stop'
  | 'gradient-explosion'
  | 'vanishing-gradient'
  | 'loss-imbalance'
  | 'lr-suggestion'
  | 'restart';

export const FINDING_KINDS: readonly FindingKind[] = [
  'non-finite',
  'divergence',
  'loss-spike',
  'oscillation',
  'plateau',
  'no-learning',
  'overfitting',
  'underfitting',
  'not-converged',
  'early-stop',
  'gradient-explosion',
  'vanishing-gradient',
  'loss-imbalance',
  'lr-suggestion',
  'restart',
];

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export interface Fix {
  title: string;
  detail: string;
  /** A short PyTorch snippet, when one helps. */
  code?: string;
}

export type Evidence = Record<string, number | string | boolean | number[] | null>;

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** Name of the series the finding is about (as written in the log). */
  series: string;
  /** Onset, or the step of the event. */
  step: number;
  endStep?: number;
  /** 1-based source line, when the source has lines. */
  line?: number;
  title: string;
  /** What was seen, with numbers. */
  message: string;
  /** The statistics and thresholds used. */
  evidence: Evidence;
  /** In order of what to try first. */
  fixes: Fix[];
  /** 0..1 */
  confidence: number;
  /** Source of the run (path) the finding belongs to, when several runs are analysed. */
  source?: string;
  /**
   * Stable identity within a run (kind, series and a discriminator such as the spike onset), so
   * a live view can tell a new finding from an updated one.
   */
  id?: string;
}

export type Lang = 'en' | 'zh-cn';
