/**
 * The status bar item of the training run: current step, last loss and the worst finding
 * while it runs, how it ended afterwards. Clicking it shows the live curves.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../core/diagnose/types';
import { SEVERITY_RANK } from '../../core/diagnose/types';
import type { Run, Series } from '../../core/model';
import { fmtStep, type RunResult } from '../../runner';
import { escapeMarkdown } from '../diagnostics/pure/text';
import { CommandId } from '../commands';

const SEVERITY_ICON = { error: '$(error)', warning: '$(warning)', info: '$(info)' } as const;

export class RunStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private name = '';

  constructor() {
    this.item = vscode.window.createStatusBarItem('lossLens.training', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Loss Lens Training');
    this.item.command = CommandId.showLiveRun;
  }

  starting(name: string, commandLine: string): void {
    this.name = name;
    this.item.text = `$(sync~spin) ${vscode.l10n.t('{0}: starting…', name)}`;
    this.item.tooltip = commandLine;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  update(run: Run | undefined, findings: readonly Finding[], stopping = false): void {
    const parts = [`${stopping ? '$(debug-stop)' : '$(sync~spin)'} ${this.name}`];
    const loss = run ? mainLoss(run) : undefined;
    if (loss && loss.length) {
      parts.push(vscode.l10n.t('step {0}', fmtStep(loss.lastStep())));
      parts.push(`${loss.name} ${fmtValue(loss.values.last())}`);
    }
    const worst = worstFinding(findings);
    if (worst) parts.push(`${SEVERITY_ICON[worst.severity]} ${worst.kind}`);
    this.item.text = parts.join(' · ');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Loss Lens** — ${stopping ? vscode.l10n.t('{0} (stopping)', escapeMarkdown(this.name)) : escapeMarkdown(this.name)}\n\n`);
    for (const f of [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]).slice(0, 5)) {
      md.appendMarkdown(`${SEVERITY_ICON[f.severity]} \`${f.kind}\` ${escapeMarkdown(f.title)}\n\n`);
    }
    md.appendMarkdown(vscode.l10n.t('Click to show the live curves.'));
    this.item.tooltip = md;
    this.item.backgroundColor =
      worst?.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  ended(r: RunResult): void {
    const icon = r.status === 'failed' ? '$(error)' : r.status === 'stopped' ? '$(debug-stop)' : r.exitCode === 0 ? '$(check)' : '$(error)';
    const how =
      r.status === 'failed'
        ? vscode.l10n.t('could not start')
        : r.stoppedBy?.by === 'finding'
          ? vscode.l10n.t('stopped ({0})', String(r.stoppedBy.kind))
          : r.stoppedBy
            ? vscode.l10n.t('stopped')
            : r.signal
              ? vscode.l10n.t('ended by {0}', r.signal)
              : vscode.l10n.t('exit {0}', String(r.exitCode));
    this.item.text = `${icon} ${this.name}: ${how}`;
    this.item.backgroundColor =
      r.status === 'failed' || r.stoppedBy?.by === 'finding' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** The training loss to show: the train_loss series with the most points. */
function mainLoss(run: Run): Series | undefined {
  let best: Series | undefined;
  for (const s of run.series.values()) {
    if (s.role !== 'train_loss') continue;
    if (!best || s.length > best.length) best = s;
  }
  return best;
}

function worstFinding(findings: readonly Finding[]): Finding | undefined {
  let w: Finding | undefined;
  for (const f of findings) if (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity]) w = f;
  return w;
}

function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

