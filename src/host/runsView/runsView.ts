/**
 * The "Loss Lens Runs" tree view (Explorer section): every run of the workspace folders with a
 * status icon, its worst finding, best loss and step, last step and the parameters that tell the
 * runs apart; the sweep insights at the top. Sort by best loss, status or recency; filter by
 * status; select several to compare them in the viewer, or two to explain what differs; the
 * sweep table webview. The index (core/runs) stays in memory, and a change of any file in the
 * workspace re-lists the runs, re-reading only those whose files changed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lang } from '../../core/diagnose/types';
import { fmtNum, fmtStep, t } from '../../core/i18n';
import {
  explainTwo,
  type Insight,
  keyParams,
  RunIndex,
  runLabels,
  type RunRow,
  type RunSort,
  type RunStatus,
  sortRows,
  sweepInsights,
  valueText,
} from '../../core/runs';
import { CommandId } from '../commands';
import { displayLang, engineThresholds } from '../l10n';
import { Disposable } from '../viewer/dispose';
import type { LossLensViewers } from '../viewer/viewers';
import { RunsTablePanel } from './table';

type Node = { type: 'insight'; insight: Insight } | { type: 'run'; row: RunRow; label: string; keys: string[] } | { type: 'message'; text: string };

/** Quiet time after the last file change before the runs are listed again. */
const REFRESH_DEBOUNCE_MS = 1000;

export class RunsView extends Disposable implements vscode.TreeDataProvider<Node> {
  static readonly viewId = 'lossLens.runs';

  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private lang: Lang = displayLang();
  private index = new RunIndex({ lang: this.lang, settings: engineThresholds() });
  private rows: RunRow[] = [];
  private insights: Insight[] = [];
  private sort: RunSort = 'best';
  private shown = new Set<RunStatus>(['error', 'warning', 'ok']);
  private listing: Promise<void> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly tree: vscode.TreeView<Node>;
  private table: RunsTablePanel | undefined;

  static register(context: vscode.ExtensionContext, viewers: LossLensViewers): vscode.Disposable {
    return new RunsView(context, viewers);
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly viewers: LossLensViewers,
  ) {
    super();
    this.tree = this._register(vscode.window.createTreeView(RunsView.viewId, { treeDataProvider: this, canSelectMany: true, showCollapseAll: false }));
    this._register(vscode.commands.registerCommand(CommandId.runsRefresh, () => this.refresh()));
    this._register(vscode.commands.registerCommand(CommandId.runsSort, () => this.pickSort()));
    this._register(vscode.commands.registerCommand(CommandId.runsFilter, () => this.pickFilter()));
    this._register(vscode.commands.registerCommand(CommandId.runsTable, () => this.showTable()));
    this._register(vscode.commands.registerCommand(CommandId.runsCompare, (n?: Node, ns?: Node[]) => this.compare(n, ns)));
    this._register(vscode.commands.registerCommand(CommandId.runsExplain, (n?: Node, ns?: Node[]) => this.explain(n, ns)));
    this._register(vscode.commands.registerCommand(CommandId.runsOpen, (p: unknown) => this.openRun(p)));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*'));
    const onChange = (u: vscode.Uri) => {
      if (!/[\\/](node_modules|\.git)[\\/]/.test(u.fsPath)) this.scheduleRefresh();
    };
    this._register(watcher.onDidChange(onChange));
    this._register(watcher.onDidCreate(onChange));
    this._register(watcher.onDidDelete(onChange));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRefresh()));
    this._register(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('lossLens.thresholds')) {
          this.index = new RunIndex({ lang: this.lang, settings: engineThresholds() });
          this.scheduleRefresh();
        }
      }),
    );
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
    // List when the view is first shown (it starts collapsed), never during activation.
    if (this.tree.visible) this.timer = setTimeout(() => void this.refresh(), 0);
    this._register(
      this.tree.onDidChangeVisibility(e => {
        if (e.visible && !this.listing && !this.rows.length) void this.refresh();
      }),
    );
  }

  private scheduleRefresh(): void {
    if (!this.tree.visible && !this.table) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_DEBOUNCE_MS);
  }

  /** List the runs again (only changed ones are read); one listing at a time. */
  refresh(): Promise<void> {
    if (this.listing) {
      this.again = true;
      return this.listing;
    }
    this.listing = (async () => {
      do {
        this.again = false;
        const folders = (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file').map(f => f.uri.fsPath);
        const listed = folders.length ? await this.index.list(folders) : { rows: [] };
        this.rows = listed.rows;
        this.insights = sweepInsights(this.rows, this.lang);
        this.changed.fire(undefined);
        this.updateDescription();
        this.table?.update(this.tableSnapshot());
      } while (this.again);
    })().finally(() => {
      this.listing = undefined;
    });
    return this.listing;
  }

  private updateDescription(): void {
    const n = (s: RunStatus) => this.rows.filter(r => r.status === s).length;
    this.tree.description = t(this.lang, 'runs.cli.header', { count: String(this.rows.length), errors: String(n('error')), warnings: String(n('warning')), ok: String(n('ok')) });
    this.tree.message = this.rows.length ? undefined : vscode.l10n.t('No training runs found in this workspace.');
  }

  private visibleRows(): RunRow[] {
    return sortRows(
      this.rows.filter(r => this.shown.has(r.status)),
      this.sort,
    );
  }

  getChildren(node?: Node): Node[] {
    if (node) return [];
    const rows = this.visibleRows();
    const labels = runLabels(rows);
    const keys = keyParams(this.rows, 4);
    return [...this.insights.map(insight => ({ type: 'insight' as const, insight })), ...rows.map((row, i) => ({ type: 'run' as const, row, label: labels[i], keys }))];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.type === 'message') return new vscode.TreeItem(node.text);
    if (node.type === 'insight') {
      const item = new vscode.TreeItem(node.insight.message);
      item.iconPath = new vscode.ThemeIcon('lightbulb', new vscode.ThemeColor('charts.yellow'));
      item.tooltip = node.insight.message;
      item.contextValue = 'lossLens.insight';
      return item;
    }
    const r = node.row;
    const item = new vscode.TreeItem(node.label);
    item.id = r.path;
    item.iconPath = statusIcon(r.status);
    const bits: string[] = [];
    if (r.worst) bits.push(r.worst);
    if (r.best) bits.push(`${r.best.series} ${fmtNum(r.best.value)} @ ${fmtStep(r.best.step)}`);
    if (r.lastStep !== null) bits.push(vscode.l10n.t('last {0}', fmtStep(r.lastStep)));
    const ps = node.keys.filter(k => r.params[k] !== undefined).map(k => `${k}=${valueText(r.params[k])}`);
    if (ps.length) bits.push(ps.join(' '));
    item.description = bits.join(' · ');
    const md = new vscode.MarkdownString();
    md.appendText(`${r.path}\n\n`);
    md.appendText(`${t(this.lang, `runs.status.${r.status}`)}${r.findings.length ? ': ' + r.findings.slice(0, 3).map(f => f.title).join('; ') : ''}\n\n`);
    if (r.best) md.appendText(`${r.best.series}: ${fmtNum(r.best.value)} (${fmtStep(r.best.step)})\n\n`);
    const all = Object.entries(r.params).slice(0, 20);
    if (all.length) md.appendText(all.map(([k, v]) => `${k}=${valueText(v)}`).join(', '));
    item.tooltip = md;
    item.contextValue = 'lossLens.run';
    item.resourceUri = vscode.Uri.file(r.path);
    item.command = { command: CommandId.runsOpen, title: vscode.l10n.t('Open Loss Curves'), arguments: [r.path] };
    return item;
  }

  private async openRun(p: unknown): Promise<void> {
    // Only a run the view lists (the argument may come from the table's webview).
    if (typeof p !== 'string' || !this.rows.some(r => r.path === p)) return;
    await this.viewers.open([vscode.Uri.file(p)], { title: path.basename(p) });
  }

  private selectedRuns(n?: Node, ns?: Node[]): RunRow[] {
    const picked = ns?.length ? ns : n ? [n] : [...this.tree.selection];
    return picked.filter((x): x is Extract<Node, { type: 'run' }> => x.type === 'run').map(x => x.row);
  }

  private async compare(n?: Node, ns?: Node[]): Promise<void> {
    let rows = this.selectedRuns(n, ns);
    if (rows.length < 2) rows = (await this.pickRuns(vscode.l10n.t('Pick the runs to compare'))) ?? [];
    if (rows.length < 2) {
      if (rows.length) void vscode.window.showInformationMessage(vscode.l10n.t('Select two or more runs in the Loss Lens Runs view to compare them.'));
      return;
    }
    // The viewer's comparison, titled with the runs' names (their logs are often all metrics.csv).
    await this.viewers.open(
      rows.map(r => vscode.Uri.file(r.path)),
      { title: runLabels(rows).join(' · ') },
    );
  }

  private async explain(n?: Node, ns?: Node[]): Promise<string | undefined> {
    let rows = this.selectedRuns(n, ns);
    if (rows.length !== 2) rows = (await this.pickRuns(vscode.l10n.t('Pick two runs to explain what differs'))) ?? [];
    if (rows.length !== 2) {
      if (rows.length) void vscode.window.showInformationMessage(vscode.l10n.t('Select exactly two runs in the Loss Lens Runs view to explain what differs.'));
      return undefined;
    }
    const labels = runLabels(rows) as [string, string];
    const text = explainTwo(rows[0], rows[1], labels, this.lang);
    void vscode.window.showInformationMessage(text);
    return text;
  }

  /** Several runs picked from a list (when the view's selection does not say which). */
  private async pickRuns(placeHolder: string): Promise<RunRow[] | undefined> {
    if (!this.rows.length) await this.refresh();
    const rows = this.visibleRows();
    const labels = runLabels(rows);
    const items = rows.map((row, i) => ({ label: labels[i], description: [t(this.lang, `runs.status.${row.status}`), row.worst ?? ''].filter(Boolean).join(' · '), row }));
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder });
    return picked?.map(p => p.row);
  }

  private async pickSort(): Promise<void> {
    const items: Array<vscode.QuickPickItem & { sort: RunSort }> = [
      { label: vscode.l10n.t('Best loss'), sort: 'best' },
      { label: vscode.l10n.t('Status (errors first)'), sort: 'status' },
      { label: vscode.l10n.t('Most recent first'), sort: 'recency' },
    ];
    for (const i of items) if (i.sort === this.sort) i.description = '✓';
    const p = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Sort runs by') });
    if (!p) return;
    this.sort = p.sort;
    this.changed.fire(undefined);
  }

  private async pickFilter(): Promise<void> {
    const items: Array<vscode.QuickPickItem & { status: RunStatus }> = (['error', 'warning', 'ok'] as const).map(s => ({
      label: t(this.lang, `runs.status.${s}`),
      status: s,
      picked: this.shown.has(s),
    }));
    const p = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Show runs with status') });
    if (!p) return;
    this.shown = new Set(p.map(i => i.status));
    this.changed.fire(undefined);
  }

  private async showTable(): Promise<void> {
    if (!this.rows.length) await this.refresh();
    if (this.table) {
      this.table.reveal();
      this.table.update(this.tableSnapshot());
      return;
    }
    this.table = new RunsTablePanel(this.context.extensionUri, this.displayLangTag(), () => this.tableSnapshot(), p => this.openRun(p));
    this.table.onDidDispose(() => (this.table = undefined));
  }

  private displayLangTag(): string {
    return this.lang === 'zh-cn' ? 'zh-CN' : 'en';
  }

  private tableSnapshot(): Parameters<RunsTablePanel['update']>[0] {
    const rows = this.visibleRows();
    const labels = runLabels(rows);
    const L = this.lang;
    return {
      type: 'runs/snapshot',
      rows: rows.map((r, i) => ({
        label: labels[i],
        path: r.path,
        status: r.status,
        statusText: t(L, `runs.status.${r.status}`),
        worst: r.worst,
        best: r.best ? { series: r.best.series, value: r.best.value, step: r.best.step } : null,
        lastStep: r.lastStep,
        mtimeMs: r.mtimeMs,
        params: r.params,
        spark: r.spark ? { steps: r.spark.steps, values: r.spark.values } : null,
      })),
      params: keyParams(this.rows),
      insights: this.insights.map(i => i.message),
      strings: {
        status: t(L, 'runs.col.status'),
        run: t(L, 'runs.col.run'),
        worst: t(L, 'runs.col.worst'),
        best: t(L, 'runs.col.best'),
        lastStep: t(L, 'runs.col.lastStep'),
        curve: vscode.l10n.t('Loss'),
        insights: t(L, 'runs.cli.insights'),
        noInsights: t(L, 'runs.cli.noInsights'),
        empty: vscode.l10n.t('No training runs found in this workspace.'),
      },
    };
  }
}

function statusIcon(s: RunStatus): vscode.ThemeIcon {
  if (s === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (s === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
}
