/**
 * Findings of training logs in the editor: squiggles on the line where each finding starts,
 * hovers with the evidence and the fixes, code actions ("Show in Loss Lens", "Copy suggested
 * fix"), and a code lens on the first line summing the run up. Open text logs are analysed from
 * the document text (debounced as they change or grow); binary logs (TensorBoard event files)
 * through `publishForFile`, against line 1 of the file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeRuns } from '../../core/analyze';
import { type Finding, type Lang, SEVERITY_RANK } from '../../core/diagnose/types';
import { createParser } from '../../core/formats';
import { detectFormat, SNIFF_BYTES } from '../../core/formats/detect';
import { loadInBackground } from '../../core/background';
import { hostBackgroundOptions } from '../loadOptions';
import type { Run } from '../../core/model';
import { Disposable } from '../viewer/dispose';
import { Debouncer, DIAGNOSTIC_SOURCE, type LossLensDiagnostics } from './collection';
import { CommandId } from '../commands';
import { isAnalysableScheme, isLogCandidate, isRecognisedLog } from './pure/documents';
import { type PlacedFinding, placeFindings } from './pure/findingLines';
import {
  codeLensTitle,
  copyActionTitle,
  copyFixText,
  diagnosticMessage,
  formatNumber,
  hoverMarkdown,
  showActionTitle,
} from './pure/text';
import { displayLang, engineThresholds } from '../l10n';
import type { DiagnosticsSettings } from '../config';

/** What Loss Lens knows about one analysed log. */
export interface LogState {
  uri: vscode.Uri;
  runs: Run[];
  findings: Finding[];
  /** Findings shown (at or above the minimum severity), with their 1-based lines. */
  placed: PlacedFinding[];
  /** Read from disk as a binary file (findings on line 1) rather than from a text document. */
  binary: boolean;
  /** Document version analysed (text logs). */
  version?: number;
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class LogDiagnostics
  extends Disposable
  implements vscode.HoverProvider, vscode.CodeActionProvider, vscode.CodeLensProvider
{
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  private readonly states = new Map<string, LogState>();
  private readonly debounce = this._register(new Debouncer());
  private readonly lensEmitter = this._register(new vscode.EventEmitter<void>());
  private readonly analysedEmitter = this._register(new vscode.EventEmitter<LogState>());
  private readonly forgottenEmitter = this._register(new vscode.EventEmitter<vscode.Uri>());

  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  /** A log was analysed (new findings). */
  readonly onDidAnalyse = this.analysedEmitter.event;
  /** A log's findings were removed (closed, no longer a log, diagnostics turned off). */
  readonly onDidForget = this.forgottenEmitter.event;

  constructor(
    private readonly diagnostics: LossLensDiagnostics,
    private readonly settings: () => DiagnosticsSettings,
  ) {
    super();
    const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }, { scheme: 'vscode-vfs' }];
    this._register(vscode.languages.registerHoverProvider(selector, this));
    this._register(
      vscode.languages.registerCodeActionsProvider(selector, this, {
        providedCodeActionKinds: LogDiagnostics.providedCodeActionKinds,
      }),
    );
    this._register(vscode.languages.registerCodeLensProvider(selector, this));

    vscode.workspace.onDidOpenTextDocument(d => this.schedule(d, 0), this, this._disposables);
    vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document), this, this._disposables);
    vscode.workspace.onDidCloseTextDocument(d => this.forget(d.uri), this, this._disposables);
    vscode.window.onDidChangeActiveTextEditor(
      e => {
        if (e && this.states.get(e.document.uri.toString())?.version !== e.document.version) this.schedule(e.document, 0);
      },
      this,
      this._disposables,
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The analysed state of a log, if it is one. */
  stateOf(uri: vscode.Uri): LogState | undefined {
    return this.states.get(uri.toString());
  }

  get allStates(): LogState[] {
    return [...this.states.values()];
  }

  /** Analyse every open document again (settings or language changed). */
  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    for (const s of this.allStates) if (s.binary) void this.publishForFile(s.uri);
    this.lensEmitter.fire();
  }

  private schedule(doc: vscode.TextDocument, delay = this.settings().debounceMs): void {
    if (!isAnalysableScheme(doc.uri.scheme) || !isLogCandidate(doc.fileName, doc.languageId, doc.isUntitled)) return;
    const key = doc.uri.toString();
    this.debounce.run(key, delay, () => {
      if (doc.isClosed) return;
      try {
        this.analyseDocument(doc);
      } catch {
        this.forget(doc.uri);
      }
    });
  }

  /** Parse and analyse an open text document now. */
  analyseDocument(doc: vscode.TextDocument): LogState | undefined {
    if (!this.settings().enabled) {
      this.forget(doc.uri);
      return undefined;
    }
    const bytes = new TextEncoder().encode(doc.getText());
    const name = path.basename(doc.fileName);
    const det = detectFormat(bytes.subarray(0, SNIFF_BYTES), name);
    if (!det.ok || det.format === 'tfevents' || det.format === 'wandb') {
      this.forget(doc.uri);
      return undefined;
    }
    const source = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
    const parser = createParser(det.format, { source, name });
    parser.push(bytes);
    parser.end();
    const runs = parser.runs.filter(r => r.series.size > 0);
    if (!isRecognisedLog(runs)) {
      this.forget(doc.uri);
      return undefined;
    }
    const findings = this.analyse(runs);
    return this.publish(doc.uri, runs, findings, { doc });
  }

  /**
   * Read a log from disk (TensorBoard event files and other logs not open as text), analyse it
   * and put its findings in the Problems panel against the file, on its first line.
   */
  async publishForFile(uri: vscode.Uri): Promise<Finding[]> {
    if (!this.settings().enabled) return [];
    // Read and analysed on a worker thread: a big file never holds up the other logs' findings.
    const result = await loadInBackground([uri.fsPath], {
      ...hostBackgroundOptions(),
      analyze: { ...engineThresholds(), lang: displayLang() },
    }).result;
    const runs = result.runs;
    if (runs.length === 0) {
      this.forget(uri);
      return [];
    }
    const findings = result.analyzeError === undefined ? result.findings : [];
    this.publish(uri, runs, findings, { binary: true });
    return findings;
  }

  /**
   * Publish findings already computed for runs read elsewhere (a live run followed by the
   * runner): each finding goes on its line of `uri` when the runs have line numbers.
   */
  publishRun(uri: vscode.Uri, runs: Run[], findings: Finding[]): void {
    if (!this.settings().enabled) return;
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString() && !d.isClosed);
    this.publish(uri, runs, findings, { doc });
  }

  private analyse(runs: Run[]): Finding[] {
    try {
      return analyzeRuns(runs, { ...engineThresholds(), lang: displayLang() });
    } catch {
      return [];
    }
  }

  private publish(
    uri: vscode.Uri,
    runs: Run[],
    findings: Finding[],
    where: { doc?: vscode.TextDocument; binary?: boolean },
  ): LogState {
    const min = SEVERITY_RANK[this.settings().minimumSeverity];
    const shown = findings.filter(f => SEVERITY_RANK[f.severity] >= min);
    const binary = where.binary === true;
    const placed = binary
      ? shown.map(f => ({ finding: f, line: 1, how: 'fallback' as const }))
      : placeFindings(shown, runs, 1);
    const doc = where.doc;
    const diags = placed.map(p => {
      const range = doc ? lineRange(doc, p.line) : new vscode.Range(p.line - 1, 0, p.line - 1, 0);
      const stepNote = binary ? `${vscode.l10n.t('[step {0}]', formatNumber(p.finding.step))} ` : '';
      const d = new vscode.Diagnostic(range, stepNote + diagnosticMessage(p.finding), SEVERITY[p.finding.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = p.finding.kind;
      return d;
    });
    this.diagnostics.set(uri, diags);
    const state: LogState = { uri, runs, findings, placed, binary, version: doc?.version };
    this.states.set(uri.toString(), state);
    this.lensEmitter.fire();
    this.analysedEmitter.fire(state);
    return state;
  }

  /** Remove a log's diagnostics and state. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.debounce.cancel(key);
    const had = this.states.delete(key);
    this.diagnostics.delete(uri);
    if (had) {
      this.lensEmitter.fire();
      this.forgottenEmitter.fire(uri);
    }
  }

  private findingsAt(uri: vscode.Uri, line0: number): PlacedFinding[] {
    const s = this.states.get(uri.toString());
    return s ? s.placed.filter(p => p.line - 1 === line0) : [];
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = this.findingsAt(doc.uri, pos.line);
    if (here.length === 0) return undefined;
    const lang: Lang = displayLang();
    const md = new vscode.MarkdownString(
      hoverMarkdown(
        here.map(p => p.finding),
        { lang, revealUri: doc.uri.toString(), revealCommand: CommandId.revealStep },
      ),
    );
    md.isTrusted = { enabledCommands: [CommandId.revealStep] };
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const lang = displayLang();
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const kind = typeof d.code === 'object' ? d.code.value : d.code;
      const p = this.findingsAt(doc.uri, d.range.start.line).find(
        x => x.finding.kind === kind && d.message.endsWith(diagnosticMessage(x.finding)),
      );
      if (!p) continue;
      const f = p.finding;
      const show = new vscode.CodeAction(showActionTitle(lang), vscode.CodeActionKind.QuickFix);
      show.diagnostics = [d];
      show.command = {
        title: show.title,
        command: CommandId.revealStep,
        arguments: [doc.uri.toString(), f.step, f.series],
      };
      out.push(show);
      const text = copyFixText(f);
      if (text) {
        const copy = new vscode.CodeAction(`${copyActionTitle(lang)}: ${f.fixes[0].title}`, vscode.CodeActionKind.QuickFix);
        copy.diagnostics = [d];
        copy.command = { title: copy.title, command: CommandId.copySuggestedFix, arguments: [text] };
        out.push(copy);
      }
    }
    return out;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.settings().codeLens) return [];
    const s = this.states.get(doc.uri.toString());
    if (!s) return [];
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: codeLensTitle(
          s.placed.map(p => p.finding),
          displayLang(),
        ),
        command: CommandId.openCurves,
        arguments: [doc.uri],
      }),
    ];
  }
}

/** The range of a 1-based line from its first non-blank character (clamped to the document). */
function lineRange(doc: vscode.TextDocument, line1: number): vscode.Range {
  const l = Math.max(0, Math.min(doc.lineCount - 1, line1 - 1));
  const text = doc.lineAt(l);
  return new vscode.Range(l, text.firstNonWhitespaceCharacterIndex, l, text.range.end.character);
}
