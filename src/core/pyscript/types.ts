/** Plain data returned by the training-script checks (no vscode: the host adapts it). */
import type { FindingKind, Lang, Severity } from '../diagnose/types';

export type ScriptIssueCode =
  // Static checks of a training script.
  | 'softmax-before-cross-entropy'
  | 'softmax-before-nll-loss'
  | 'sigmoid-before-bce'
  | 'sigmoid-before-bce-with-logits'
  | 'missing-zero-grad'
  | 'loss-accumulated-with-graph'
  | 'validation-without-eval'
  | 'validation-without-no-grad'
  | 'abs-of-parameters'
  // The Loss guide's checklist (information).
  | 'no-lr-scheduler'
  | 'no-early-stopping'
  | 'adam-lr-out-of-range'
  // Hyperparameter edits suggested by a run's findings.
  | 'lower-learning-rate'
  | 'add-gradient-clipping'
  | 'enable-gradient-clipping'
  | 'raise-weight-decay'
  | 'raise-dropout';

export const SCRIPT_ISSUE_CODES: readonly ScriptIssueCode[] = [
  'softmax-before-cross-entropy',
  'softmax-before-nll-loss',
  'sigmoid-before-bce',
  'sigmoid-before-bce-with-logits',
  'missing-zero-grad',
  'loss-accumulated-with-graph',
  'validation-without-eval',
  'validation-without-no-grad',
  'abs-of-parameters',
  'no-lr-scheduler',
  'no-early-stopping',
  'adam-lr-out-of-range',
  'lower-learning-rate',
  'add-gradient-clipping',
  'enable-gradient-clipping',
  'raise-weight-decay',
  'raise-dropout',
];

/**
 * A text replacement. Lines are 1-based, columns 0-based UTF-16 offsets (VS Code's
 * `Position.character`); the end is exclusive. An insertion has start == end.
 */
export interface ScriptEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface ScriptFix {
  title: string;
  /** Non-overlapping edits, all relative to the original text. */
  edits: ScriptEdit[];
}

export interface ScriptIssue {
  /** Stable id (used as `diagnostic.code`). */
  code: ScriptIssueCode;
  severity: Severity;
  /** Range of the offending code (lines 1-based, columns 0-based, end exclusive). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** One-line message in the requested language. */
  message: string;
  messageEn: string;
  messageZh: string;
  /** Why it matters and what to do, in the requested language. */
  explanation: string;
  fix?: ScriptFix;
  /** For issues derived from a run: the finding kinds that triggered it. */
  findingKinds?: FindingKind[];
}

export interface CheckOptions {
  lang?: Lang;
  /** Report the guide's checklist items (scheduler, early stopping, Adam LR range). Default true. */
  checklist?: boolean;
  /** Rethrow an internal error of a check instead of skipping that check (for tests). */
  failFast?: boolean;
}
