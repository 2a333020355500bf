/**
 * Settings of the editor diagnostics: a typed mirror of `contributes.configuration`
 * (`lossLens.diagnostics.*`) and one reader (STYLE 17).
 */
import * as vscode from 'vscode';
import type { Severity } from '../../core/diagnose/types';

export const SETTINGS_SECTION = 'lossLens.diagnostics';

export interface DiagnosticsSettings {
  /** Show the findings of open training logs as squiggles, hovers and Problems entries. */
  enabled: boolean;
  /** Wait this long (ms) after the last change of a log or script before analysing it again. */
  debounceMs: number;
  /** Lowest severity shown as a diagnostic. */
  minimumSeverity: Severity;
  /** Show the run summary code lens on the first line of a log. */
  codeLens: boolean;
  /** Check open Python training scripts for common PyTorch bugs. */
  pythonChecks: boolean;
  /** Also show the tuning checklist hints (scheduler, early stopping, Adam LR range) as information. */
  checklistHints: boolean;
  /** Put the run's hyperparameter suggestions on the linked training script. */
  linkScripts: boolean;
}

const DEFAULT_SETTINGS: DiagnosticsSettings = {
  enabled: true,
  debounceMs: 500,
  minimumSeverity: 'info',
  codeLens: true,
  pythonChecks: true,
  checklistHints: true,
  linkScripts: true,
};

export function readDiagnosticsSettings(): DiagnosticsSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const sev = c.get<string>('minimumSeverity', DEFAULT_SETTINGS.minimumSeverity);
  const debounce = Number(c.get<number>('debounceMs', DEFAULT_SETTINGS.debounceMs));
  return {
    enabled: c.get<boolean>('enabled', DEFAULT_SETTINGS.enabled),
    debounceMs: Number.isFinite(debounce) ? Math.max(0, Math.min(10_000, debounce)) : DEFAULT_SETTINGS.debounceMs,
    minimumSeverity: sev === 'error' || sev === 'warning' || sev === 'info' ? sev : DEFAULT_SETTINGS.minimumSeverity,
    codeLens: c.get<boolean>('codeLens', DEFAULT_SETTINGS.codeLens),
    pythonChecks: c.get<boolean>('pythonChecks', DEFAULT_SETTINGS.pythonChecks),
    checklistHints: c.get<boolean>('checklistHints', DEFAULT_SETTINGS.checklistHints),
    linkScripts: c.get<boolean>('linkScripts', DEFAULT_SETTINGS.linkScripts),
  };
}
