/**
 * The display language of the extension host. Text of the host itself goes through
 * `vscode.l10n.t` (bundles in l10n/); the pure core, the runner and the webview take a `lang`
 * instead, and every host module derives it here so all of them agree.
 */
import * as vscode from 'vscode';
import { type DiagnoseSettings, parseSettingOverrides } from '../core/diagnose/settings';
import type { Lang } from '../core/diagnose/types';
import { readSetting } from './config';

/** A VS Code display language (`vscode.env.language`) -> the language of Loss Lens's text. */
function langOf(language: string | undefined): Lang {
  return (language ?? '').toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

/** Simplified Chinese when VS Code runs in Chinese, else English. */
export function displayLang(): Lang {
  return langOf(vscode.env.language);
}

/**
 * The engine's threshold overrides from the `lossLens.thresholds` setting, validated; a bad
 * entry is reported once and ignored, never silently used.
 */
let warned = '';
export function engineThresholds(): Partial<DiagnoseSettings> {
  const { settings, errors } = parseSettingOverrides(readSetting('thresholds'));
  const key = errors.join('; ');
  if (errors.length && key !== warned) {
    warned = key;
    void vscode.window.showWarningMessage(vscode.l10n.t('Loss Lens: ignoring lossLens.thresholds entries: {0}', key));
  }
  return settings;
}
