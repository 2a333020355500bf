/**
 * The "Loss Curves" custom editor: a read-only view of a log file (default for TensorBoard
 * event files, an option for text / CSV / JSON logs). The document reads the file with the
 * core loader and analyses it; a change on disk reads it again (a log still being written).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Preview } from '../../core/background';
import { LoadCancelled } from '../../core/load';
import { Disposable } from './dispose';
import type { ViewerData } from './session';
import { type LossLensViewers, loadViewerData, startViewerLoad, type ViewerLoad } from './viewers';

const RELOAD_DELAY_MS = 750;

class LossCurvesDocument extends Disposable implements vscode.CustomDocument {
  private readonly _onDidChangeData = this._register(new vscode.EventEmitter<ViewerData>());
  readonly onDidChangeData = this._onDidChangeData.event;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<void> | undefined;
  private readonly _onDidProgress = this._register(new vscode.EventEmitter<{ done: number; total: number; file: string }>());
  /** Bytes read of the first read (the document opens at once; the views show the progress). */
  readonly onDidProgress = this._onDidProgress.event;
  private readonly _onDidPreview = this._register(new vscode.EventEmitter<Preview>());
  /** The first read's first picture (before its analysis). */
  readonly onDidPreview = this._onDidPreview.event;
  preview: Preview | undefined;
  /** The first read, while it runs. */
  private firstLoad: ViewerLoad | undefined;

  /** A document that starts reading its file on a worker thread (the data comes later). */
  static create(uri: vscode.Uri, log: (message: string) => void): LossCurvesDocument {
    const title = path.basename(uri.fsPath);
    const doc = new LossCurvesDocument(uri, { runs: [], findings: [], problems: [], title, live: new Set() });
    const load = startViewerLoad(
      [uri.fsPath],
      title,
      (done, total, file) => doc._onDidProgress.fire({ done, total, file }),
      log,
      p => {
        doc.preview = p;
        doc._onDidPreview.fire(p);
      },
    );
    doc.firstLoad = load;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loss Lens: reading {0}', title) }, () =>
      load.data.then(
        data => {
          doc.firstLoad = undefined;
          doc.preview = undefined;
          if (doc.isDisposed) return;
          doc.data = data;
          doc._onDidChangeData.fire(data);
        },
        (e: unknown) => {
          doc.firstLoad = undefined;
          if (doc.isDisposed || e instanceof LoadCancelled) return;
          // The read failed: the views say why instead of waiting for ever.
          doc.data = { ...doc.data, problems: [{ source: uri.fsPath, message: e instanceof Error ? e.message : String(e) }] };
          doc._onDidChangeData.fire(doc.data);
        },
      ),
    );
    return doc;
  }

  /** The first read is still running. */
  get isLoading(): boolean {
    return this.firstLoad !== undefined;
  }

  /** Stop the first read (a view's Cancel). */
  cancel(): void {
    this.firstLoad?.cancel();
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
    this.cancel();
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
    return LossCurvesDocument.create(uri, m => this.viewers.log(m));
  }

  async resolveCustomEditor(
    document: LossCurvesDocument,
    panel: vscode.WebviewPanel,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    const session = this.viewers.attach(panel, document.data);
    const subs = [document.onDidChangeData(data => session.replaceData(data))];
    if (document.isLoading) {
      // The view shows the bytes read with a Cancel button until the data comes.
      session.startLoading(document.data.title, () => document.cancel());
      subs.push(document.onDidProgress(p => session.progress(p.done, p.total, p.file)));
      if (document.preview) session.showPreview(document.preview);
      subs.push(document.onDidPreview(p => session.showPreview(p)));
    }
    session.onDidDispose(() => subs.forEach(d => d.dispose()));
  }
}
