/**
 * The viewer's commands: "Open Loss Curves", "Compare Runs…", "Export…" and the Explorer's
 * "Open with Loss Lens".
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runLabel, runOutcome, runRecordOf } from '../../runner';
import { CommandId } from '../commands';
import { displayLang } from '../l10n';
import type { LossLensViewers } from './viewers';

/** File names the viewer reads (as load.ts recognises them in directories). */
const LOG_FILE_RE = /(^events\.out\.tfevents\.)|(\.(csv|tsv|jsonl|json|log|txt|wandb)$)|(^trainer_state\.json$)/i;

function looksLikeLog(fsPath: string): boolean {
  return LOG_FILE_RE.test(path.basename(fsPath));
}

export class ViewerCommands {
  static register(_context: vscode.ExtensionContext, viewers: LossLensViewers): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.commands.registerCommand(CommandId.openCurves, (uri?: vscode.Uri) => openCurves(viewers, uri)),
      vscode.commands.registerCommand(CommandId.compareRuns, (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
        compareRuns(viewers, uri, uris),
      ),
      vscode.commands.registerCommand(CommandId.export, () => viewers.exportActive()),
      vscode.commands.registerCommand(
        CommandId.revealStep,
        (uriString: unknown, step: unknown, series?: unknown) => {
          // Reached from hover links too: take only arguments of the expected shape.
          if (typeof uriString !== 'string' || !Number.isFinite(Number(step))) return undefined;
          if (series !== undefined && typeof series !== 'string') return undefined;
          const uri = vscode.Uri.parse(uriString);
          return viewers.reveal(uri.scheme === 'file' ? uri.fsPath : uriString, Number(step), { series });
        },
      ),
      vscode.commands.registerCommand(CommandId.openWith, (uri?: vscode.Uri, uris?: vscode.Uri[]) => {
        const all = uris?.length ? uris : uri ? [uri] : [];
        if (!all.length) return openCurves(viewers);
        return viewers.open(all);
      }),
    );
  }
}

/** The log of the active editor tab (text or custom editor), if it is one. */
function activeLog(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  let uri: vscode.Uri | undefined;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) uri = input.uri;
  uri ??= vscode.window.activeTextEditor?.document.uri;
  return uri && uri.scheme === 'file' && looksLikeLog(uri.fsPath) ? uri : undefined;
}

async function openCurves(viewers: LossLensViewers, uri?: vscode.Uri): Promise<void> {
  const fromEditor = uri !== undefined;
  const target = uri ?? activeLog() ?? (await pickSources(false))?.[0];
  if (!target) return;
  await viewers.open([target], {
    // From a log's editor title: beside the text, so both stay in view.
    viewColumn: fromEditor && !isDirectory(target) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
  });
}

async function compareRuns(viewers: LossLensViewers, uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<void> {
  const given = uris?.length ? uris : uri ? [uri] : [];
  const targets = given.length > 1 ? given : await pickRunsToCompare();
  if (!targets?.length) return;
  await viewers.open(targets, { title: targets.length > 1 || !isDirectory(targets[0]) ? undefined : path.basename(targets[0].fsPath) });
}

/** The logs of the workspace, several at once, with a way out to a file dialog. */
async function pickRunsToCompare(): Promise<vscode.Uri[] | undefined> {
  const found = await vscode.workspace.findFiles(
    '**/{*.log,*.csv,*.tsv,*.jsonl,*.txt,trainer_state.json,metrics.json,scalars.json,events.out.tfevents.*}',
    '**/{node_modules,.git,.venv,venv}/**',
    500,
  );
  const logs = found.filter(u => looksLikeLog(u.fsPath)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (!logs.length) return pickSources(true);
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const browse: Item = { label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, alwaysShow: true };
  const lang = displayLang();
  const items: Item[] = logs.map(u => {
    const where = vscode.workspace.asRelativePath(path.dirname(u.fsPath));
    // A runner run: its arguments and how it ended, not "output.log".
    const run = runRecordOf(u.fsPath);
    if (run) return { label: runLabel(run.record), description: `${runOutcome(run.record, lang)} · ${where}`, uri: u };
    return { label: path.basename(u.fsPath), description: where, uri: u };
  });
  const picked = await vscode.window.showQuickPick<Item>([browse, ...items], {
    canPickMany: true,
    title: vscode.l10n.t('Loss Lens: pick the runs to compare'),
    placeHolder: vscode.l10n.t('Select two or more logs, or Browse… for other files and run folders'),
  });
  if (!picked?.length) return undefined;
  if (picked.includes(browse)) return pickSources(true);
  return picked.flatMap(p => (p.uri ? [p.uri] : []));
}

function isDirectory(uri: vscode.Uri): boolean {
  return !looksLikeLog(uri.fsPath) && path.extname(uri.fsPath) === '';
}

/**
 * Ask for log files or run directories. A native dialog cannot offer both on every platform,
 * so the user first says which.
 */
async function pickSources(many: boolean): Promise<vscode.Uri[] | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: `$(file) ${vscode.l10n.t('Log files…')}`,
        folders: false,
        description: vscode.l10n.t('text, CSV, JSON lines, trainer_state.json, tfevents'),
      },
      {
        label: `$(folder) ${vscode.l10n.t('Run directories…')}`,
        folders: true,
        description: vscode.l10n.t('TensorBoard, Lightning, MLflow, W&B run folders'),
      },
    ],
    { title: many ? vscode.l10n.t('Loss Lens: compare runs') : vscode.l10n.t('Loss Lens: open loss curves') },
  );
  if (!kind) return undefined;
  return vscode.window.showOpenDialog({
    canSelectMany: many,
    canSelectFiles: !kind.folders,
    canSelectFolders: kind.folders,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: many ? vscode.l10n.t('Compare') : vscode.l10n.t('Open'),
    title: many ? vscode.l10n.t('Loss Lens: pick the runs to compare') : vscode.l10n.t('Loss Lens: pick a log'),
    filters: kind.folders ? undefined : { [vscode.l10n.t('Training logs')]: ['log', 'txt', 'csv', 'tsv', 'jsonl', 'json', 'wandb', '*'] },
  });
}
