/**
 * The sweep table: a webview panel with every run in a row (status, name, worst finding, best
 * loss and step, last step, the parameters that differ, a sparkline of the loss), sortable by
 * any column, and the sweep insights above it. The host owns the data; the webview asks for it
 * with `runs/ready` and gets a full snapshot, then a new one whenever the runs change.
 */
import * as vscode from 'vscode';
import type { FromRunsTableMessage, ToRunsTableMessage } from '../../shared/runsTable';
import { buildViewerHtml, makeNonce } from '../viewer/html';

export class RunsTablePanel {
  static readonly viewType = 'lossLens.runsTable';
  private readonly panel: vscode.WebviewPanel;
  private ready = false;

  constructor(
    extensionUri: vscode.Uri,
    lang: string,
    private readonly snapshot: () => ToRunsTableMessage,
    open: (path: string) => unknown,
  ) {
    this.panel = vscode.window.createWebviewPanel(RunsTablePanel.viewType, vscode.l10n.t('Loss Lens: Sweep Table'), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const w = this.panel.webview;
    w.html = buildViewerHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'runsTable.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'runsTable.css')).toString(),
      lang,
      title: vscode.l10n.t('Loss Lens: Sweep Table'),
    });
    w.onDidReceiveMessage((m: FromRunsTableMessage) => {
      switch (m?.type) {
        case 'runs/ready':
          this.ready = true;
          void w.postMessage(this.snapshot());
          break;
        case 'runs/open':
          if (typeof m.path === 'string') void open(m.path);
          break;
        default:
          break;
      }
    });
    this.panel.onDidDispose(() => (this.ready = false));
  }

  get onDidDispose(): vscode.Event<void> {
    return this.panel.onDidDispose;
  }

  reveal(): void {
    this.panel.reveal();
  }

  update(msg: ToRunsTableMessage): void {
    if (this.ready) void this.panel.webview.postMessage(msg);
  }
}
