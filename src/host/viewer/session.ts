/**
 * One webview showing runs: answers 'ready' with a snapshot (again after every restore, since
 * the webview is not kept alive while hidden), streams appends of live runs, reveals source
 * lines, and exports. The host keeps the Run objects; the webview only draws them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../../core/diagnose/types';
import type { Preview } from '../../core/background';
import type { Run } from '../../core/model';
import {
  assertNever,
  type ExportFormat,
  type FromWebviewMessage,
  isMessage,
  type LoadProblemPayload,
  type ProgressMessage,
  type RevealMessage,
  type SnapshotMessage,
  type ToWebviewMessage,
} from '../../shared/protocol';
import { Disposable } from './dispose';
import { exportViewerData } from './exportFlow';
import { buildViewerHtml, makeNonce } from './html';
import { plainNotice } from '../diagnostics/pure/text';
import { displayLang } from '../l10n';
import { overviewSnapshot } from './overview';
import { AppendCursor, buildSnapshot, buildSummary, displayedRun, findingsOf, lineForStep } from './payload';

/** What a view shows. The runs are the host's own objects (live runs keep growing). */
export interface ViewerData {
  runs: Run[];
  findings: Finding[];
  problems: LoadProblemPayload[];
  title: string;
  /** Runs still being written. */
  live: Set<Run>;
}

export interface SessionContext {
  extensionUri: vscode.Uri;
  log(message: string): void;
}

/** Scripts on, and only the extension's dist and media folders readable. */
export function viewerWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

const PNG_TIMEOUT_MS = 10_000;
/** Formats whose sources are not text (no line to reveal). */
const BINARY_FORMATS = new Set(['tfevents', 'mlflow', 'wandb']);

export class ViewerSession extends Disposable {
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private readonly _onDidFocus = this._register(new vscode.EventEmitter<void>());
  /** Fired when the view becomes the active one. */
  readonly onDidFocus = this._onDidFocus.event;

  private ready = false;
  /** Why the view's run failed (shown after every snapshot). */
  private failure: string | undefined;
  private readonly cursor = new AppendCursor();
  private pendingReveal: RevealMessage | undefined;
  private readonly pngRequests = new Map<
    number,
    { resolve: (png: Uint8Array) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private nextRequestId = 1;
  /** While the view's logs are being read: the last progress, and how to stop the read. */
  private loading: { progress: ProgressMessage; cancel: () => void; preview?: SnapshotMessage } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private data: ViewerData,
    private readonly ctx: SessionContext,
  ) {
    super();
    const webview = panel.webview;
    webview.options = viewerWebviewOptions(ctx.extensionUri);
    webview.html = this.html();
    webview.onDidReceiveMessage(m => this.onMessage(m), this, this._disposables);
    panel.onDidChangeViewState(
      e => {
        // A hidden webview is destroyed; it says 'ready' again when shown.
        if (!e.webviewPanel.visible) this.ready = false;
        if (e.webviewPanel.active) this._onDidFocus.fire();
      },
      this,
      this._disposables,
    );
    panel.onDidDispose(() => this.dispose(), this, this._disposables);
  }

  get runs(): readonly Run[] {
    return this.data.runs;
  }
  get viewerData(): ViewerData {
    return this.data;
  }
  /** The view was closed. */
  get closed(): boolean {
    return this.isDisposed;
  }

  hasSource(source: string): boolean {
    const norm = normalizePath(source);
    return this.data.runs.some(r => normalizePath(r.source) === norm);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const r of this.pngRequests.values()) {
      clearTimeout(r.timer);
      r.reject(new Error(vscode.l10n.t('the view was closed')));
    }
    this.pngRequests.clear();
    this._onDidDispose.fire();
    super.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, ...p)).toString();
    const locale = displayLang();
    return buildViewerHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asUri('dist', 'webview.js'),
      styleUri: asUri('media', 'viewer.css'),
      lang: locale === 'zh-cn' ? 'zh-CN' : 'en',
      title: this.data.title,
    });
  }

  private post(message: ToWebviewMessage): void {
    if (this.isDisposed) return;
    this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.ctx.log(vscode.l10n.t('postMessage failed: {0}', String(e))));
  }

  private onMessage(raw: unknown): void {
    if (!isMessage(raw)) return;
    const m = raw as FromWebviewMessage;
    switch (m.type) {
      case 'ready':
        if (this.loading) {
          this.ready = true;
          if (this.loading.preview) this.post(this.loading.preview);
          this.post(this.loading.progress);
        } else this.sendSnapshot();
        break;
      case 'cancelLoad':
        this.cancelLoad();
        break;
      case 'revealSource':
        this.guard(this.revealSource(m.source, m.line, m.series, m.step));
        break;
      case 'exportData':
        this.guard(this.exportAs(m.format));
        break;
      case 'exportPng': {
        if (m.requestId !== undefined) {
          const req = this.pngRequests.get(m.requestId);
          if (!req) break;
          this.pngRequests.delete(m.requestId);
          clearTimeout(req.timer);
          if (m.dataUrl) req.resolve(decodeDataUrl(m.dataUrl));
          else req.reject(new Error(m.error ?? vscode.l10n.t('no image')));
        } else if (m.dataUrl) {
          const png = decodeDataUrl(m.dataUrl);
          this.guard(this.exportAs('png', async () => png));
        } else {
          void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: could not make a PNG ({0}).', m.error ?? vscode.l10n.t('unknown error')));
        }
        break;
      }
      case 'error':
        this.ctx.log(m.message);
        break;
      default:
        assertNever(m);
    }
  }

  private guard(p: Promise<unknown>): void {
    p.then(undefined, (e: unknown) => {
      const text = e instanceof Error ? e.message : String(e);
      this.ctx.log(text);
      void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: {0}', plainNotice(text)));
    });
  }

  /**
   * The view waits for its logs: it shows the bytes read (`progress`) with a Cancel button,
   * which calls `cancel`. Ends with `replaceData` (the logs were read) or `cancelled`.
   */
  startLoading(title: string, cancel: () => void): void {
    this.loading = {
      cancel,
      progress: { type: 'progress', locale: displayLang(), title, state: 'reading', done: 0, total: 0, file: '' },
    };
    if (this.ready) this.post(this.loading.progress);
  }

  /** Bytes read so far of the logs the view waits for. */
  progress(done: number, total: number, file: string, state: ProgressMessage['state'] = 'reading'): void {
    if (!this.loading || this.loading.progress.state === 'cancelled') return;
    this.loading.progress = { ...this.loading.progress, state, done, total, file: path.basename(file) };
    if (this.ready) this.post(this.loading.progress);
  }

  /**
   * The logs are read and being analysed (or, `partial`, still being read): draw a first
   * picture (long series as overviews, no findings yet). The next `replaceData` brings the
   * findings.
   */
  showPreview(p: Preview): void {
    const l = this.loading;
    if (!l || l.progress.state === 'cancelled') return;
    const m = buildSnapshot({ runs: p.runs, findings: [], problems: [], locale: displayLang(), title: l.progress.title });
    if (p.partial) m.reading = true;
    else m.analysing = true;
    m.runs.forEach((r, i) => {
      const run = p.runs[i];
      let points = 0;
      for (const sp of r.series) {
        const s = run.series.get(sp.name);
        const total = s ? p.totals.get(s) : undefined;
        if (total !== undefined) sp.total = total;
        points += total ?? sp.steps.length;
      }
      const sum = m.summaries[i];
      if (!sum) return;
      sum.points = points;
      if (p.partial) {
        // Of the part read so far: no "best" that the rest of the log may beat.
        delete sum.bestValSeries;
        delete sum.bestValStep;
        delete sum.bestValValue;
      }
    });
    l.preview = m;
    if (this.ready) this.post(m);
  }

  /** True while the view waits for its logs. */
  get isLoading(): boolean {
    return this.loading !== undefined && this.loading.progress.state !== 'cancelled';
  }

  /** Stop the read (the user's Cancel): the view says so and keeps what it showed. */
  cancelLoad(): void {
    const l = this.loading;
    if (!l || l.progress.state === 'cancelled') return;
    l.progress = { ...l.progress, state: 'cancelled' };
    l.cancel();
    if (this.ready) this.post(l.progress);
  }

  /** Send everything (the webview asked, or the data was replaced). */
  sendSnapshot(): void {
    const d = this.data;
    // Long series travel as an overview (min / max per bucket, NaN kept): the first chart comes
    // at once, and no message carries millions of points.
    this.post(
      overviewSnapshot(
        buildSnapshot({
          runs: d.runs,
          findings: d.findings,
          problems: d.problems,
          locale: displayLang(),
          title: d.title,
          live: d.live,
        }),
        d.runs,
      ),
    );
    for (const r of d.runs) this.cursor.markSent(r);
    this.ready = true;
    if (this.pendingReveal) {
      this.post(this.pendingReveal);
      this.pendingReveal = undefined;
    }
    if (this.failure) this.post({ type: 'error', message: this.failure });
  }

  /** Show other data (a log that changed on disk was read again). */
  replaceData(data: ViewerData): void {
    this.data = data;
    this.loading = undefined;
    if (this.ready) this.sendSnapshot();
  }

  /** Push the points live runs gained since the last push (nothing while hidden). */
  flushAppends(doneRun?: Run): void {
    if (doneRun) this.data.live.delete(doneRun);
    if (!this.ready || !this.panel.visible) return;
    this.data.runs.forEach((run, i) => {
      const isDone = run === doneRun;
      if (!this.data.live.has(run) && !isDone) return;
      const m = this.cursor.collect(run, i, isDone);
      if (m) this.post(m);
    });
  }

  /** New findings (a live run was re-analysed). */
  setFindings(findings: Finding[]): void {
    this.data.findings = findings;
    if (!this.ready) return;
    const runs = this.data.runs;
    this.post({
      type: 'findings',
      findings,
      summaries: runs.map((r, i) => buildSummary(r, i, findingsOf(r, findings, runs.length), this.data.live.has(r))),
    });
  }

  /** The run of this view failed: its title says so, and why stands above the charts (a reloaded view too). */
  showFailure(title: string, message: string): void {
    this.data.title = title;
    this.failure = message;
    if (this.ready) this.sendSnapshot();
  }

  /** Zoom the view to a step (delivered once the webview is ready). */
  reveal(source: string | undefined, step: number, series?: string, endStep?: number): void {
    const m: RevealMessage = { type: 'reveal', step };
    if (source !== undefined) m.source = this.data.runs.find(r => normalizePath(r.source) === normalizePath(source))?.source ?? source;
    if (series !== undefined) m.series = series;
    if (endStep !== undefined) m.endStep = endStep;
    this.panel.reveal(undefined, false);
    if (this.ready && this.panel.visible) this.post(m);
    else this.pendingReveal = m;
  }

  /** A PNG of the charts, from the webview. */
  requestPng(timeoutMs = PNG_TIMEOUT_MS): Promise<Uint8Array> {
    if (!this.ready || !this.panel.visible) return Promise.reject(new Error(vscode.l10n.t('the chart is not visible; show it and export again')));
    const requestId = this.nextRequestId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pngRequests.delete(requestId);
        reject(new Error(vscode.l10n.t('the chart did not answer in time')));
      }, timeoutMs);
      this.pngRequests.set(requestId, { resolve, reject, timer });
      this.post({ type: 'requestPng', requestId });
    });
  }

  /** Export in a format, asking where to save. */
  async exportAs(format: ExportFormat, png?: () => Promise<Uint8Array>): Promise<void> {
    await exportViewerData(format, this.data, {
      png: png ?? (() => this.requestPng()),
      locale: displayLang(),
    });
  }

  /** Open the log at the line of a finding (looked up from series + step when not given). */
  async revealSource(source: string, line?: number, series?: string, step?: number): Promise<void> {
    // Only the logs of the runs on display, whatever path the webview names.
    const run = displayedRun(this.data.runs, source, normalizePath);
    if (!run || BINARY_FORMATS.has(run.format)) return;
    if (line !== undefined && !(Number.isInteger(line) && line >= 1)) return;
    if (line === undefined && step !== undefined) line = lineForStep(run, typeof series === 'string' ? series : undefined, Number(step));
    if (line === undefined || line < 1) return;
    const uri = vscode.Uri.file(run.source);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) return;
    } catch {
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const ln = Math.min(line - 1, Math.max(0, doc.lineCount - 1));
    const range = new vscode.Range(ln, 0, ln, doc.lineAt(ln).text.length);
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
      preview: true,
      selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

function decodeDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',');
  const b64 = comma >= 0 ? url.slice(comma + 1) : url;
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function normalizePath(p: string): string {
  const n = path.resolve(p);
  return process.platform === 'win32' ? n.toLowerCase() : n;
}
