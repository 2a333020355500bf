/**
 * The runner's settings (`lossLens.runner.*`): a typed mirror of the schema in package.json
 * and the one reader. Workspace values of these settings are ignored in untrusted workspaces
 * (package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`).
 */
import * as vscode from 'vscode';
import { FINDING_KINDS } from '../../core/diagnose/types';
import { DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_PATIENCE, DEFAULT_RUNS_FOLDER, DEFAULT_STOP_ON, type StopKind } from '../../runner';

export const RUNNER_SECTION = 'lossLens.runner';

export interface RunnerSettings {
  /** Program (or, with no `args`, a whole command line) to run; empty: the active Python file. */
  command: string;
  /** Arguments of `command`. */
  args: string[];
  /** Working directory; empty: the workspace folder (else the script's folder). */
  cwd: string;
  /** Environment variables set for the run. */
  env: Record<string, string>;
  /** Finding kinds that stop the run. */
  stopOn: StopKind[];
  /** Validation evaluations without improvement before an `early-stop` stop. */
  earlyStopPatience: number;
  /** Where run folders go (relative: to the workspace folder). */
  runsFolder: string;
  /** output.log keeps the first and last half of this many bytes. */
  maxOutputBytes: number;
}

export function readRunnerSettings(scope?: vscode.ConfigurationScope): RunnerSettings {
  const c = vscode.workspace.getConfiguration(RUNNER_SECTION, scope);
  const str = (k: string, d: string) => {
    const v = c.get<unknown>(k);
    return typeof v === 'string' ? v : d;
  };
  const args = c.get<unknown>('args');
  const env = c.get<unknown>('env');
  const stopOn = c.get<unknown>('stopOn');
  const patience = c.get<unknown>('earlyStopPatience');
  const max = c.get<unknown>('maxOutputBytes');
  return {
    command: str('command', '').trim(),
    args: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [],
    cwd: str('cwd', '').trim(),
    env:
      env && typeof env === 'object' && !Array.isArray(env)
        ? Object.fromEntries(Object.entries(env as Record<string, unknown>).filter(([, v]) => typeof v === 'string') as Array<[string, string]>)
        : {},
    stopOn: Array.isArray(stopOn)
      ? (stopOn.filter(k => (FINDING_KINDS as readonly unknown[]).includes(k)) as StopKind[])
      : [...DEFAULT_STOP_ON],
    earlyStopPatience: typeof patience === 'number' && patience >= 1 ? Math.floor(patience) : DEFAULT_PATIENCE,
    runsFolder: str('runsFolder', DEFAULT_RUNS_FOLDER).trim() || DEFAULT_RUNS_FOLDER,
    maxOutputBytes: typeof max === 'number' && max >= 1 << 20 ? Math.floor(max) : DEFAULT_MAX_OUTPUT_BYTES,
  };
}

/**
 * Does the command to run come from workspace (or folder) settings, i.e. from the files of
 * the project rather than from the user? Such a command is shown before its first run.
 */
export function commandFromWorkspace(scope?: vscode.ConfigurationScope): boolean {
  const c = vscode.workspace.getConfiguration(RUNNER_SECTION, scope);
  return (['command', 'args', 'cwd', 'env'] as const).some(k => {
    const i = c.inspect(k);
    return i !== undefined && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined);
  });
}
