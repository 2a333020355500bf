/**
 * Diagnostics on Python training scripts: the static checks on open scripts that look like
 * training code (`lossLens.diagnostics.pythonChecks`), and the hyperparameter suggestions a linked
 * log's findings imply (`lossLens.diagnostics.linkScripts`), each with its quick fix.
 */
import * as vscode from 'vscode';
import type { FindingKind } from '../../core/diagnose/types';
import {
  checkPythonScript,
  hyperparameterEdits,
  looksLikeTrainingScript,
  SCRIPT_ISSUE_CODES,
  type ScriptIssue,
} from '../../core/pyscript';
import { Disposable } from '../viewer/dispose';
import { Debouncer, DIAGNOSTIC_SOURCE, type LossLensDiagnostics } from './collection';
import { isAnalysableScheme } from './pure/documents';
import type { LogDiagnostics, LogState } from './logDiagnostics';
import type { ScriptLinks } from './scriptLinks';
import { displayLang } from '../l10n';
import type { DiagnosticsSettings } from '../config';

const SEVERITY: Record<ScriptIssue['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

const CODES: ReadonlySet<string> = new Set(SCRIPT_ISSUE_CODES);

interface Published {
  /** Version of the open document the issues were computed on (undefined: read from disk). */
  version?: number;
  issues: ScriptIssue[];
}

export class ScriptDiagnostics extends Disposable implements vscode.CodeActionProvider {
  private readonly published = new Map<string, Published>();
  /** Log uri -> the script uri it was resolved to. */
  private readonly scriptOfLog = new Map<string, string>();
  private readonly debounce = this._register(new Debouncer());

  constructor(
    private readonly diagnostics: LossLensDiagnostics,
    private readonly logs: LogDiagnostics,
    private readonly links: ScriptLinks,
    private readonly settings: () => DiagnosticsSettings,
  ) {
    super();
    this._register(
      vscode.languages.registerCodeActionsProvider({ language: 'python' }, this, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
    );
    vscode.workspace.onDidOpenTextDocument(d => this.scheduleDoc(d, 0), this, this._disposables);
    vscode.workspace.onDidChangeTextDocument(e => this.scheduleDoc(e.document), this, this._disposables);
    vscode.workspace.onDidCloseTextDocument(d => this.scheduleDoc(d, 0), this, this._disposables);
    logs.onDidAnalyse(s => void this.logAnalysed(s), this, this._disposables);
    logs.onDidForget(uri => this.logForgotten(uri), this, this._disposables);
    links.onDidChange(
      log => {
        const state = this.logs.allStates.find(s => s.uri.toString() === log);
        const before = this.scriptOfLog.get(log);
        this.scriptOfLog.delete(log);
        if (before) this.schedule(vscode.Uri.parse(before), 0);
        if (state) void this.logAnalysed(state);
      },
      this,
      this._disposables,
    );
    for (const d of vscode.workspace.textDocuments) this.scheduleDoc(d, 0);
  }

  /** Check every open script again (settings or language changed). */
  refreshAll(): void {
    const keys = new Set<string>([...this.published.keys(), ...this.scriptOfLog.values()]);
    for (const d of vscode.workspace.textDocuments) if (d.languageId === 'python') keys.add(d.uri.toString());
    for (const k of keys) this.schedule(vscode.Uri.parse(k), 0);
  }

  private scheduleDoc(doc: vscode.TextDocument, delay?: number): void {
    const key = doc.uri.toString();
    if (!isAnalysableScheme(doc.uri.scheme)) return;
    if (doc.languageId !== 'python' && !this.published.has(key)) return;
    this.schedule(doc.uri, delay);
  }

  private schedule(uri: vscode.Uri, delay = this.settings().debounceMs): void {
    this.debounce.run(uri.toString(), delay, () => void this.refresh(uri));
  }

  private async logAnalysed(state: LogState): Promise<void> {
    const script = await this.links.scriptFor(state.uri);
    const log = state.uri.toString();
    if (!script) return;
    this.scriptOfLog.set(log, script.uri.toString());
    this.schedule(script.uri, 0);
  }

  private logForgotten(uri: vscode.Uri): void {
    const script = this.scriptOfLog.get(uri.toString());
    if (script) this.schedule(vscode.Uri.parse(script), 0);
  }

  /** The analysed logs linked to a script. */
  private logsOf(script: string): LogState[] {
    const out: LogState[] = [];
    for (const [log, s] of this.scriptOfLog) {
      if (s !== script) continue;
      const state = this.logs.allStates.find(x => x.uri.toString() === log);
      if (state) out.push(state);
    }
    return out;
  }

  private async refresh(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const settings = this.settings();
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === key && !d.isClosed);
    const logs = settings.linkScripts ? this.logsOf(key) : [];
    const staticChecks = !!doc && doc.languageId === 'python' && settings.pythonChecks;
    if (!staticChecks && logs.length === 0) {
      this.clear(uri);
      return;
    }
    let text: string;
    try {
      text = doc ? doc.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.clear(uri);
      return;
    }
    const lang = displayLang();
    const issues: ScriptIssue[] = [];
    const related = new Map<ScriptIssue, vscode.DiagnosticRelatedInformation[]>();
    if (staticChecks && looksLikeTrainingScript(text)) {
      issues.push(...checkPythonScript(text, { lang, checklist: settings.checklistHints }));
    }
    // The logs of runs given the same arguments together: a run's `--lr 0.5` decides what the
    // advice on the script's argparse default says.
    const groups = new Map<string, { args?: string[]; logs: LogState[] }>();
    for (const log of logs) {
      const args = await this.links.runArgs(log.uri);
      const k = JSON.stringify(args ?? null);
      const g = groups.get(k) ?? { args, logs: [] };
      g.logs.push(log);
      groups.set(k, g);
    }
    const placed = new Set<string>();
    for (const g of groups.values()) {
      const findings = g.logs.flatMap(x => x.findings);
      if (findings.length === 0) continue;
      for (const issue of hyperparameterEdits(findings, text, { lang, runArgs: g.args })) {
        const at = `${issue.code}:${issue.line}:${issue.column}`;
        if (placed.has(at)) continue;
        placed.add(at);
        issues.push(issue);
        related.set(issue, relatedLogLines(g.logs, issue.findingKinds ?? []));
      }
    }
    const diags = issues.map(issue => {
      const range = new vscode.Range(issue.line - 1, issue.column, issue.endLine - 1, issue.endColumn);
      const d = new vscode.Diagnostic(range, `${issue.message}\n${issue.explanation}`, SEVERITY[issue.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = issue.code;
      const rel = related.get(issue);
      if (rel && rel.length > 0) d.relatedInformation = rel;
      return d;
    });
    this.diagnostics.set(uri, diags);
    if (issues.length > 0) this.published.set(key, { version: doc?.version, issues });
    else this.published.delete(key);
  }

  private clear(uri: vscode.Uri): void {
    this.published.delete(uri.toString());
    this.diagnostics.delete(uri);
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const entry = this.published.get(doc.uri.toString());
    // Issues computed on another version would edit the wrong places: wait for the refresh.
    if (!entry || (entry.version !== undefined && entry.version !== doc.version)) return [];
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      if (d.source !== DIAGNOSTIC_SOURCE || !CODES.has(code)) continue;
      const issue = entry.issues.find(
        i =>
          i.code === code &&
          i.line - 1 === d.range.start.line &&
          i.column === d.range.start.character &&
          i.endLine - 1 === d.range.end.line &&
          i.endColumn === d.range.end.character,
      );
      if (!issue?.fix) continue;
      const action = new vscode.CodeAction(issue.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = issue.severity !== 'info';
      const edit = new vscode.WorkspaceEdit();
      for (const e of issue.fix.edits) {
        edit.replace(doc.uri, new vscode.Range(e.line - 1, e.column, e.endLine - 1, e.endColumn), e.newText);
      }
      action.edit = edit;
      out.push(action);
    }
    return out;
  }
}

/** Where in the linked logs the findings that motivated a script issue are. */
function relatedLogLines(logs: LogState[], kinds: FindingKind[]): vscode.DiagnosticRelatedInformation[] {
  const out: vscode.DiagnosticRelatedInformation[] = [];
  for (const s of logs) {
    for (const kind of kinds) {
      const p = s.placed.find(x => x.finding.kind === kind);
      if (!p) continue;
      out.push(
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(s.uri, new vscode.Position(p.line - 1, 0)),
          vscode.l10n.t('{0} (step {1})', p.finding.title, p.finding.step),
        ),
      );
    }
  }
  return out.slice(0, 8);
}
