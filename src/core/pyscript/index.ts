/**
 * Python training-script analysis (pure: no vscode, no Node APIs).
 *
 * - `checkPythonScript(text, opts)`: static checks on the @lezer/python syntax tree (double
 *   softmax, softmax + NLLLoss, sigmoid + BCELoss, double sigmoid with BCEWithLogitsLoss, also
 *   when the value flows through variables; missing zero_grad, loss accumulated as a tensor,
 *   validation without eval()/no_grad(), the guide's L1 sample) and the guide's checklist as
 *   information (only for long runs).
 * - `hyperparameterEdits(findings, text, opts)`: issues with edits on the lines that set the
 *   hyperparameters a run's findings implicate.
 * - `looksLikeTrainingScript(text)`: cheap test used before running either.
 * - `applyScriptEdits(text, edits)`: apply a fix's edits to a text.
 */
export { checkPythonScript } from './checks';
export { hyperparameterEdits, lowerLr } from './hyperparams';
export type { HyperparameterOptions } from './hyperparams';
export { looksLikeTrainingScript } from './facts';
export { formatLike } from './edits';
export { applyScriptEdits } from './apply';
export { SCRIPT_ISSUE_CODES } from './types';
export type { CheckOptions, ScriptEdit, ScriptFix, ScriptIssue, ScriptIssueCode } from './types';
