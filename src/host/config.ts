/**
 * Every `lossLens.*` setting, read in one place (STYLE 17). The schema is package.json's
 * `contributes.configuration`; {@link Settings} is its typed mirror and {@link SETTING_SPECS} gives
 * each key its default and its check (test/unit/host/config.test.ts holds both to the schema).
 * A value of the wrong type or out of range reads as the default, never as a surprise. This is the
 * only module of the host that calls `getConfiguration`.
 *
 * Workspace values of `lossLens.runner.*` are ignored in untrusted workspaces (package.json
 * `capabilities.untrustedWorkspaces.restrictedConfigurations`).
 */
import * as vscode from 'vscode';
import { FINDING_KINDS, type Severity } from '../core/diagnose/types';
import { CANNOT_BEAT_BEST, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_PATIENCE, DEFAULT_RUNS_FOLDER, DEFAULT_STOP_ON, type StopKind } from '../runner';

export const CONFIG_SECTION = 'lossLens';
/** For `affectsConfiguration`. */
export const DIAGNOSTICS_SECTION = 'lossLens.diagnostics';
/** For `affectsConfiguration` and "Open Settings". */
export const RUNNER_SECTION = 'lossLens.runner';

/** The settings, by key under `lossLens.`. */
export interface Settings {
  /** Show the findings of open training logs as squiggles, hovers and Problems entries. */
  'diagnostics.enabled': boolean;
  /** Wait this long (ms, 0 to 10 000) after the last change of a log or script before analysing it again. */
  'diagnostics.debounceMs': number;
  /** Lowest severity shown as a diagnostic. */
  'diagnostics.minimumSeverity': Severity;
  /** Show the run summary code lens on the first line of a log. */
  'diagnostics.codeLens': boolean;
  /** Check open Python training scripts for common PyTorch bugs. */
  'diagnostics.pythonChecks': boolean;
  /** Also show the tuning checklist hints (scheduler, early stopping, Adam LR range) as information. */
  'diagnostics.checklistHints': boolean;
  /** Put the run's hyperparameter suggestions on the linked training script. */
  'diagnostics.linkScripts': boolean;
  /** Program (or, with no `args`, a whole command line) to run; empty: the active Python file. Trimmed. */
  'runner.command': string;
  /** Arguments of `command`. */
  'runner.args': string[];
  /** Working directory; empty: the workspace folder (else the script's folder). Trimmed. */
  'runner.cwd': string;
  /** Environment variables set for the run. */
  'runner.env': Record<string, string>;
  /** Finding kinds that stop the run. */
  'runner.stopOn': StopKind[];
  /** Validation evaluations without improvement before an `early-stop` stop (at least 1). */
  'runner.earlyStopPatience': number;
  /** The best validation loss to beat for `cannot-beat-best`; null: the best of the earlier runs in the runs folder. */
  'runner.best': number | null;
  /** Where run folders go (relative: to the workspace folder). */
  'runner.runsFolder': string;
  /** output.log keeps the first and last half of this many bytes (at least 1 MiB). */
  'runner.maxOutputBytes': number;
  /** Read large logs on two threads. */
  readOnTwoThreads: boolean;
  /** The engine's threshold overrides (validated by the engine's parser, not here). */
  thresholds: Record<string, unknown>;
}

export type SettingKey = keyof Settings;

export interface SettingSpec<T> {
  readonly default: T;
  /** The value as set, checked and normalised; undefined when it is not usable (then: the default). */
  readonly check: (value: unknown) => T | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const bool = (d: boolean): SettingSpec<boolean> => ({ default: d, check: v => (typeof v === 'boolean' ? v : undefined) });
const str = (d: string, nonEmpty = false): SettingSpec<string> => ({
  default: d,
  check: v => (typeof v === 'string' && (!nonEmpty || v.trim()) ? v.trim() : undefined),
});
/** An integer of at least `min` (a fraction is floored). */
const intAtLeast = (d: number, min: number): SettingSpec<number> => ({
  default: d,
  check: v => (typeof v === 'number' && v >= min ? Math.floor(v) : undefined),
});

export const SETTING_SPECS: { readonly [K in SettingKey]: SettingSpec<Settings[K]> } = {
  'diagnostics.enabled': bool(true),
  'diagnostics.debounceMs': {
    default: 500,
    check: v => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.min(10_000, v)) : undefined),
  },
  'diagnostics.minimumSeverity': {
    default: 'info',
    check: v => (v === 'error' || v === 'warning' || v === 'info' ? v : undefined),
  },
  'diagnostics.codeLens': bool(true),
  'diagnostics.pythonChecks': bool(true),
  'diagnostics.checklistHints': bool(true),
  'diagnostics.linkScripts': bool(true),
  'runner.command': str(''),
  'runner.args': { default: [], check: v => (Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : undefined) },
  'runner.cwd': str(''),
  'runner.env': {
    default: {},
    check: v =>
      isRecord(v) ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>) : undefined,
  },
  'runner.stopOn': {
    default: [...DEFAULT_STOP_ON],
    check: v =>
      Array.isArray(v) ? (v.filter(k => (FINDING_KINDS as readonly unknown[]).includes(k) || k === CANNOT_BEAT_BEST) as StopKind[]) : undefined,
  },
  'runner.best': { default: null, check: v => (typeof v === 'number' && Number.isFinite(v) ? v : undefined) },
  'runner.earlyStopPatience': intAtLeast(DEFAULT_PATIENCE, 1),
  'runner.runsFolder': str(DEFAULT_RUNS_FOLDER, true),
  'runner.maxOutputBytes': intAtLeast(DEFAULT_MAX_OUTPUT_BYTES, 1 << 20),
  readOnTwoThreads: bool(true),
  thresholds: { default: {}, check: v => (isRecord(v) ? v : undefined) },
};

/** A fresh copy of a default (arrays and objects are not shared between reads). */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return [...v] as T;
  if (isRecord(v)) return { ...v } as T;
  return v;
}

function readFrom<K extends SettingKey>(c: vscode.WorkspaceConfiguration, key: K): Settings[K] {
  const spec = SETTING_SPECS[key];
  return spec.check(c.get<unknown>(key)) ?? copy(spec.default);
}

/** One setting, checked (its default when unset or unusable). */
export function readSetting<K extends SettingKey>(key: K, scope?: vscode.ConfigurationScope): Settings[K] {
  return readFrom(vscode.workspace.getConfiguration(CONFIG_SECTION, scope), key);
}

/** The settings under `lossLens.<group>.`, by their short keys. */
type Group<G extends string> = { [K in SettingKey as K extends `${G}.${infer R}` ? R : never]: Settings[K] };

function readGroup<G extends 'diagnostics' | 'runner'>(group: G, scope?: vscode.ConfigurationScope): Group<G> {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTING_SPECS) as SettingKey[]) {
    if (key.startsWith(`${group}.`)) out[key.slice(group.length + 1)] = readFrom(c, key);
  }
  return out as Group<G>;
}

/** `lossLens.diagnostics.*`. */
export type DiagnosticsSettings = Group<'diagnostics'>;
/** `lossLens.runner.*`. */
export type RunnerSettings = Group<'runner'>;

export function readDiagnosticsSettings(): DiagnosticsSettings {
  return readGroup('diagnostics');
}

export function readRunnerSettings(scope?: vscode.ConfigurationScope): RunnerSettings {
  return readGroup('runner', scope);
}

/**
 * Does the command to run come from workspace (or folder) settings, i.e. from the files of
 * the project rather than from the user? Such a command is shown before its first run.
 */
export function runnerCommandFromWorkspace(scope?: vscode.ConfigurationScope): boolean {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  return (['runner.command', 'runner.args', 'runner.cwd', 'runner.env'] as const).some(k => {
    const i = c.inspect(k);
    return i !== undefined && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined);
  });
}

/** A setting of VS Code's own `workbench` section (the walkthrough respects the user's choices). */
export function readWorkbenchSetting<T>(key: string): T | undefined {
  return vscode.workspace.getConfiguration('workbench').get<T>(key);
}
