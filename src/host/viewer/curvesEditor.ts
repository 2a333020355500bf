/**
 * The "Loss Curves" custom editor: a read-only view of a log file (default for TensorBoard
 * event files, an option for text / CSV / JSON logs). The document reads the file with the
 * core loader and analyses it; a change on disk reads it again (a log still being written).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import type { ViewerData } from './session';
import { type LossLensViewers, loadViewerData } from './viewers';

const RELOAD_DELAY_MS = 750;

class LossCurvesDocument extends Disposable implements vscode.CustomDocument {
  private readonly _onDidChangeData = this._register(new vscode.EventEmitter<ViewerData>());
  readonly onDidChangeData = this._onDidChangeData.event;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<void> | undefined;

  static async create(uri: vscode.Uri): Promise<LossCurvesDocument> {
    return new LossCurvesDocument(uri, await loadViewerData([uri.fsPath], path.basename(uri.fsPath)));
  }

  private constructor(
    readonly uri: vscode.Uri,
    public data: ViewerData,
  ) {
    super();
    const watcher = this._register(
      vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath)),
      ),
    );
    watcher.onDidChange(() => this.scheduleReload(), this, this._disposables);
    watcher.onDidCreate(() => this.scheduleReload(), this, this._disposables);
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      // One read at a time; a change during a read schedules another.
      if (this.reading) {
        this.scheduleReload();
        return;
      }
      this.reading = loadViewerData([this.uri.fsPath], path.basename(this.uri.fsPath))
        .then(data => {
          if (this.isDisposed) return;
          this.data = data;
          this._onDidChangeData.fire(data);
        })
        .catch(() => undefined)
        .finally(() => (this.reading = undefined));
    }, RELOAD_DELAY_MS);
  }

  override dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    super.dispose();
  }
}

export class LossCurvesEditorProvider implements vscode.CustomReadonlyEditorProvider<LossCurvesDocument> {
  /** Text, CSV and JSON logs ("option": offered by "Reopen Editor With…"). */
  static readonly viewType = 'lossLens.curves';
  /**
   * TensorBoard event files ("default": they are binary, the curves are the useful view). A
   * second view type because a manifest entry has one priority for all its file patterns.
   */
  static readonly tfeventsViewType = 'lossLens.curves.tfevents';

  static register(_context: vscode.ExtensionContext, viewers: LossLensViewers): vscode.Disposable {
    const provider = new LossCurvesEditorProvider(viewers);
    const options = {
      // The webview is disposable: no retainContextWhenHidden (it re-hydrates on 'ready').
      webviewOptions: { enableFindWidget: false },
      supportsMultipleEditorsPerDocument: true,
    };
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(LossCurvesEditorProvider.viewType, provider, options),
      vscode.window.registerCustomEditorProvider(LossCurvesEditorProvider.tfeventsViewType, provider, options),
    );
  }

  private constructor(private readonly viewers: LossLensViewers) {}

  async openCustomDocument(
    uri: vscode.Uri,
    _openContext: vscode.CustomDocumentOpenContext,
    _token: vscode.CancellationToken,
  ): Promise<LossCurvesDocument> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loss Lens: reading {0}', path.basename(uri.fsPath)) },
      () => LossCurvesDocument.create(uri),
    );
  }

  async resolveCustomEditor(
    document: LossCurvesDocument,
    panel: vscode.WebviewPanel,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    const session = this.viewers.attach(panel, document.data);
    const sub = document.onDidChangeData(data => session.replaceData(data));
    session.onDidDispose(() => sub.dispose());
  }
}
