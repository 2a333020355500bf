/**
 * The panel manager: every open curve view (custom editors and panels), opening views for
 * files, run directories and in-memory live runs, revealing a step, exporting.
 *
 * For other features:
 *   viewers.open([uri, ...])                  curves of files / run directories (several overlay)
 *   viewers.openLive(run) -> LiveView         a view of a Run that keeps growing;
 *       live.append()                         push the points added since the last call
 *       live.setFindings(findings)            new findings for the run
 *       live.finish()                         the run ended
 *   viewers.reveal(source, step)              zoom a view of `source` to a step (opens one)
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../../core/diagnose/types';
import { type BackgroundLoad, loadInBackground, type Preview } from '../../core/background';
import { LoadCancelled } from '../../core/load';
import { hostBackgroundOptions } from '../loadOptions';
import type { Run } from '../../core/model';
import type { ExportFormat } from '../../shared/protocol';
import { plainNotice } from '../diagnostics/pure/text';
import { displayLang, engineThresholds } from '../l10n';
import { Disposable } from './dispose';
import { exportChoices, exportViewerData } from './exportFlow';
import { applyRunLabels } from './labels';
import { viewerTitle } from './payload';
import { type ViewerData, ViewerSession, viewerWebviewOptions } from './session';

export interface OpenOptions {
  title?: string;
  viewColumn?: vscode.ViewColumn;
  /** Keep focus where it is. */
  preserveFocus?: boolean;
}

export interface LiveOptions extends OpenOptions {
  findings?: Finding[];
}

/** Read paths and analyse them, for a view. */
export async function loadViewerData(paths: string[], title?: string): Promise<ViewerData> {
  return startViewerLoad(paths, title).data;
}

/** A view's logs being read and analysed on a worker thread; `cancel` stops the thread. */
export interface ViewerLoad {
  /** Rejects with LoadCancelled after `cancel()`. */
  data: Promise<ViewerData>;
  cancel(): void;
}

/**
 * Read paths and analyse them off the extension host's thread (core/background.ts), telling
 * `onProgress` the bytes read; the viewer's log gets the time each phase took.
 */
export function startViewerLoad(
  paths: string[],
  title?: string,
  onProgress?: (done: number, total: number, file: string) => void,
  log?: (message: string) => void,
  onPreview?: (p: Preview) => void,
): ViewerLoad {
  const t0 = Date.now();
  const load: BackgroundLoad = loadInBackground(paths, {
    ...hostBackgroundOptions(),
    analyze: { ...engineThresholds(), lang: displayLang() },
    onProgress,
    onPreview,
  });
  const data = load.result.then(r => {
    const names = paths.map(p => path.basename(p)).join(', ');
    const t = r.timings;
    log?.(
      t
        ? vscode.l10n.t('Read and analysed {0} in {1} ms on a worker thread (reading {2} ms, analysis {3} ms, overview {4} ms).', names, Date.now() - t0, t.readMs, t.analyzeMs, t.overviewMs)
        : vscode.l10n.t('Read and analysed {0} in {1} ms.', names, Date.now() - t0),
    );
    return viewerDataOf(paths, r.runs, r.findings, r.problems, r.analyzeError, title);
  });
  return { data, cancel: () => load.cancel() };
}

function viewerDataOf(
  paths: string[],
  runs: Run[],
  findings: Finding[],
  problems: ViewerData['problems'],
  analyzeError: string | undefined,
  title: string | undefined,
): ViewerData {
  applyRunLabels(runs);
  const result = { runs, problems: [...problems] };
  if (analyzeError !== undefined) {
    result.problems.push({ source: paths.join(', '), message: vscode.l10n.t('analysis failed: {0}', analyzeError) });
  }
  return {
    runs: result.runs,
    findings,
    problems: result.problems,
    title:
      title ??
      (result.runs.length
        ? viewerTitle(result.runs, n => vscode.l10n.t('{0} runs', n))
        : paths.map(p => path.basename(p)).join(', ')),
    live: new Set(),
  };
}

export class LossLensViewers extends Disposable {
  static readonly panelViewType = 'lossLens.panel';

  private readonly sessions = new Set<ViewerSession>();
  private lastActive: ViewerSession | undefined;
  private output: vscode.OutputChannel | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
  }

  /** Every open view. */
  get all(): readonly ViewerSession[] {
    return [...this.sessions];
  }

  /** The view the user focused last (still open). */
  get active(): ViewerSession | undefined {
    const focused = [...this.sessions].find(s => s.panel.active);
    return focused ?? this.lastActive;
  }

  log(message: string): void {
    if (!this.output) this.output = this._register(vscode.window.createOutputChannel(vscode.l10n.t('Loss Lens Viewer')));
    this.output.appendLine(`[${new Date().toISOString()}] ${message}`);
  }

  /** Show data in a webview panel (one VS Code made for the custom editor, or ours). */
  attach(panel: vscode.WebviewPanel, data: ViewerData): ViewerSession {
    const session = new ViewerSession(panel, data, {
      extensionUri: this.context.extensionUri,
      log: m => this.log(m),
    });
    this.sessions.add(session);
    this.lastActive = session;
    session.onDidFocus(() => (this.lastActive = session));
    session.onDidDispose(() => {
      this.sessions.delete(session);
      if (this.lastActive === session) this.lastActive = undefined;
    });
    return session;
  }

  private createPanel(title: string, opts: OpenOptions): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      LossLensViewers.panelViewType,
      title,
      { viewColumn: opts.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: opts.preserveFocus ?? false },
      // No retainContextWhenHidden: the webview re-hydrates from its state and a new snapshot.
      viewerWebviewOptions(this.context.extensionUri),
    );
  }

  /** Open the curves of files or run directories in a new panel; several runs are overlaid. */
  async open(uris: vscode.Uri[], opts: OpenOptions = {}): Promise<ViewerSession | undefined> {
    const paths = uris.map(u => u.fsPath);
    if (!paths.length) return undefined;
    // The view opens at once and shows the bytes read, with Cancel; the read runs on a worker.
    const title = opts.title ?? paths.map(p => path.basename(p)).join(', ');
    const panel = this.createPanel(title, opts);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'viewer-icon.svg');
    const session = this.attach(panel, { runs: [], findings: [], problems: [], title, live: new Set() });
    const data = await this.loadInto(session, paths, opts.title);
    if (!data) return undefined;
    if (!data.runs.length) {
      panel.dispose();
      const why = plainNotice(data.problems.map(p => `${path.basename(p.source)}: ${p.message}`).join('; '));
      void vscode.window.showErrorMessage(
        why ? vscode.l10n.t('Loss Lens: no training metrics found ({0}).', why) : vscode.l10n.t('Loss Lens: no training metrics found.'),
      );
      return undefined;
    }
    panel.title = data.title;
    return session;
  }

  /**
   * Read logs into a view that shows the progress (bytes, %) and a Cancel button; undefined
   * when the user cancelled or closed the view. The view shows the data once it is read.
   */
  async loadInto(session: ViewerSession, paths: string[], title?: string): Promise<ViewerData | undefined> {
    const load = startViewerLoad(
      paths,
      title,
      (done, total, file) => session.progress(done, total, file),
      m => this.log(m),
      p => session.showPreview(p),
    );
    session.startLoading(title ?? paths.map(p => path.basename(p)).join(', '), () => load.cancel());
    const closed = session.onDidDispose(() => load.cancel());
    try {
      const data = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loss Lens: reading logs') },
        () => load.data,
      );
      if (session.closed) return undefined;
      if (data.runs.length) session.replaceData(data);
      return data;
    } catch (e) {
      if (e instanceof LoadCancelled) {
        this.log(vscode.l10n.t('Reading {0} was cancelled.', paths.map(p => path.basename(p)).join(', ')));
        return undefined;
      }
      // The read failed: no view waits for ever; the command says why.
      session.panel.dispose();
      throw e;
    } finally {
      closed.dispose();
    }
  }

  /** A view of an in-memory run that keeps growing (the runner's). */
  openLive(run: Run, opts: LiveOptions = {}): LiveView {
    const data: ViewerData = {
      runs: [run],
      findings: opts.findings ?? [],
      problems: [],
      title: opts.title ?? vscode.l10n.t('{0} (live)', run.name),
      live: new Set([run]),
    };
    const panel = this.createPanel(data.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, ...opts });
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'viewer-icon.svg');
    return new LiveView(this.attach(panel, data), run);
  }

  /** Zoom a view showing `source` to a step; opens a view of the source when none shows it. */
  async reveal(source: string, step: number, opts: { series?: string; endStep?: number } = {}): Promise<void> {
    let session = [...this.sessions].find(s => s.hasSource(source));
    if (!session) session = await this.open([vscode.Uri.file(source)], { viewColumn: vscode.ViewColumn.Beside });
    session?.reveal(source, step, opts.series, opts.endStep);
  }

  /** "Export…": from the active view, or pick logs and export their data. */
  async exportActive(format?: ExportFormat): Promise<void> {
    const session = this.active;
    const all = exportChoices();
    const choices = session ? all : all.filter(c => c.format !== 'png');
    let fmt = format;
    if (!fmt) {
      const pick = await vscode.window.showQuickPick(
        choices.map(c => ({ label: c.label, detail: c.detail, format: c.format })),
        {
          title: vscode.l10n.t('Loss Lens: export'),
          placeHolder: session ? vscode.l10n.t('Export {0}', session.panel.title) : vscode.l10n.t('Export the data of a log'),
        },
      );
      if (!pick) return;
      fmt = pick.format;
    }
    if (session) {
      await session.exportAs(fmt);
      return;
    }
    const uris = await vscode.window.showOpenDialog({
      canSelectMany: true,
      canSelectFiles: true,
      canSelectFolders: false,
      openLabel: vscode.l10n.t('Export'),
      title: vscode.l10n.t('Loss Lens: logs to export'),
    });
    if (!uris?.length) return;
    const data = await loadViewerData(uris.map(u => u.fsPath));
    if (!data.runs.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: no training metrics found.'));
      return;
    }
    await exportViewerData(fmt, data, { locale: displayLang() });
  }

  override dispose(): void {
    for (const s of this.sessions) s.dispose();
    this.sessions.clear();
    super.dispose();
  }
}

/** Live appends go out at most this often (the webview redraws at the same pace). */
const LIVE_INTERVAL_MS = 100;

/** A view of a run that is still being written. */
export class LiveView {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  private closed = false;

  constructor(
    readonly session: ViewerSession,
    readonly run: Run,
  ) {
    session.onDidDispose(() => {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    });
  }

  get onDidDispose(): vscode.Event<void> {
    return this.session.onDidDispose;
  }

  /** The user closed the view. */
  get isDisposed(): boolean {
    return this.closed;
  }

  /** Push the points the run gained since the last call (coalesced to ten pushes a second). */
  append(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.last + LIVE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.last = Date.now();
      this.session.flushAppends();
    }, wait);
  }

  setFindings(findings: Finding[]): void {
    this.session.setFindings(findings);
  }

  /** The run ended: send what is left and mark it finished. */
  finish(findings?: Finding[]): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.session.flushAppends(this.run);
    if (findings) this.session.setFindings(findings);
  }

  /** The run ended in error before it logged anything: the view says so, not "No problems found". */
  fail(message: string): void {
    this.finish();
    const title = vscode.l10n.t('{0} (failed)', this.run.name);
    this.session.panel.title = title;
    this.session.showFailure(title, message);
  }

  reveal(step: number, series?: string): void {
    this.session.reveal(this.run.source, step, series);
  }

  dispose(): void {
    this.session.panel.dispose();
  }
}
