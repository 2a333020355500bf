/**
 * Inline diagnostics in the editor: findings on training logs (squiggles, hovers, code actions,
 * code lens), static checks and run-derived hyperparameter fixes on Python training scripts.
 *
 * For other features:
 *   EditorDiagnostics.register(context)     in activate()
 *   publishForFile(uri)                     analyse a log from disk (TensorBoard event files,
 *                                           logs not open as text) into the Problems panel
 *   publishRun(uri, runs, findings)         publish findings computed elsewhere (live runs)
 *   clearForFile(uri)                       remove them again
 *   linkScript(logUri, scriptUri)           the runner tells which script wrote a log
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../../core/diagnose/types';
import type { Run } from '../../core/model';
import { looksLikeTrainingScript } from '../../core/pyscript';
import { CommandId } from '../commands';
import { DIAGNOSTICS_SECTION, type DiagnosticsSettings, readDiagnosticsSettings } from '../config';
import { Disposable } from '../viewer/dispose';
import { LossLensDiagnostics } from './collection';
import { plainNotice } from './pure/text';
import { LogDiagnostics } from './logDiagnostics';
import { ScriptDiagnostics } from './scriptDiagnostics';
import { ScriptLinks } from './scriptLinks';

/** The registered instance (set by `register`, cleared on dispose) behind the exported functions. */
let current: EditorDiagnostics | undefined;

export class EditorDiagnostics extends Disposable {
  private settings: DiagnosticsSettings = readDiagnosticsSettings();
  readonly links: ScriptLinks;
  readonly logs: LogDiagnostics;
  readonly scripts: ScriptDiagnostics;

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    const d = new EditorDiagnostics(context);
    current = d;
    return d;
  }

  private constructor(context: vscode.ExtensionContext) {
    super();
    const diagnostics = this._register(new LossLensDiagnostics());
    const settings = () => this.settings;
    this.links = this._register(new ScriptLinks(context.workspaceState));
    this.logs = this._register(new LogDiagnostics(diagnostics, settings));
    this.scripts = this._register(new ScriptDiagnostics(diagnostics, this.logs, this.links, settings));

    this._register(
      vscode.commands.registerCommand(CommandId.linkTrainingScript, (log?: vscode.Uri, script?: vscode.Uri) =>
        this.linkTrainingScriptCommand(log, script),
      ),
    );
    this._register(
      vscode.commands.registerCommand(CommandId.copySuggestedFix, async (text: string) => {
        await vscode.env.clipboard.writeText(String(text ?? ''));
        vscode.window.setStatusBarMessage(vscode.l10n.t('Loss Lens: suggested fix copied'), 3000);
      }),
    );
    vscode.workspace.onDidChangeConfiguration(
      e => {
        if (!e.affectsConfiguration(DIAGNOSTICS_SECTION)) return;
        this.settings = readDiagnosticsSettings();
        this.logs.refreshAll();
        this.scripts.refreshAll();
      },
      this,
      this._disposables,
    );
    this._register({
      dispose: () => {
        if (current === this) current = undefined;
      },
    });
  }

  async linkScript(log: vscode.Uri, script: vscode.Uri, origin: 'runner' | 'user' = 'runner'): Promise<void> {
    await this.links.link(log, script, origin);
  }

  private async linkTrainingScriptCommand(logArg?: vscode.Uri, scriptArg?: vscode.Uri): Promise<void> {
    if (logArg instanceof vscode.Uri && /\.py$/i.test(logArg.path) && !scriptArg) {
      // Invoked on a script (explorer or editor): ask for the log instead.
      scriptArg = logArg;
      logArg = undefined;
    }
    const log = logArg instanceof vscode.Uri ? logArg : await this.pickLog();
    if (!log) return;
    const script = scriptArg instanceof vscode.Uri ? scriptArg : await this.pickScript(log);
    if (!script) return;
    await this.links.link(log, script, 'user');
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Loss Lens: linked {0} to the training script {1}.', plainNotice(path.basename(log.path)), plainNotice(path.basename(script.path))),
    );
  }

  private async pickLog(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && this.logs.stateOf(active)) return active;
    const logs = this.logs.allStates;
    if (logs.length === 1) return logs[0].uri;
    if (logs.length > 1) {
      const pick = await vscode.window.showQuickPick(
        logs.map(s => ({ label: path.basename(s.uri.path), description: vscode.workspace.asRelativePath(s.uri), uri: s.uri })),
        { placeHolder: vscode.l10n.t('Choose the training log') },
      );
      return pick?.uri;
    }
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Choose training log'),
    });
    return chosen?.[0];
  }

  private async pickScript(log: vscode.Uri): Promise<vscode.Uri | undefined> {
    type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
    const logDir = path.posix.dirname(log.path);
    const seen = new Set<string>();
    const items: Item[] = [];
    const add = (uri: vscode.Uri) => {
      if (seen.has(uri.toString())) return;
      seen.add(uri.toString());
      items.push({ label: path.basename(uri.path), description: vscode.workspace.asRelativePath(uri), uri });
    };
    for (const d of vscode.workspace.textDocuments) {
      if (d.languageId === 'python' && looksLikeTrainingScript(d.getText())) add(d.uri);
    }
    try {
      const found = await vscode.workspace.findFiles('**/*.py', '**/{node_modules,.git,.venv,venv,site-packages,__pycache__}/**', 300);
      const score = (u: vscode.Uri) =>
        (path.posix.dirname(u.path) === logDir ? 0 : logDir.startsWith(path.posix.dirname(u.path)) ? 1 : 2) * 2 +
        (/^train/i.test(path.basename(u.path)) ? 0 : 1);
      found.sort((a, b) => score(a) - score(b) || a.path.localeCompare(b.path));
      for (const u of found) add(u);
    } catch {
      // No workspace: browsing still works.
    }
    const browse: Item = { label: `$(folder-opened) ${vscode.l10n.t('Browse…')}` };
    const pick = await vscode.window.showQuickPick<Item>([...items, browse], {
      placeHolder: vscode.l10n.t('Choose the training script that wrote {0}', path.basename(log.path)),
      matchOnDescription: true,
    });
    if (!pick) return undefined;
    if (pick.uri) return pick.uri;
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: vscode.Uri.joinPath(log, '..'),
      filters: { Python: ['py'] },
      openLabel: vscode.l10n.t('Link'),
    });
    return chosen?.[0];
  }
}

/**
 * Publish findings already computed for runs read elsewhere (the runner's live run written to
 * `uri`): on their lines when the runs have line numbers, else on line 1.
 */
export function publishRun(uri: vscode.Uri, runs: Run[], findings: Finding[]): void {
  current?.logs.publishRun(uri, runs, findings);
}

/**
 * Record which training script wrote a log (called by the runner when it starts a script), so
 * the run's hyperparameter suggestions land on that script.
 */
export function linkScript(logUri: vscode.Uri, scriptUri: vscode.Uri): Promise<void> {
  return current ? current.linkScript(logUri, scriptUri, 'runner') : Promise.resolve();
}
