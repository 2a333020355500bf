/**
 * "Export…": PNG of the charts (from the webview), CSV / JSON of the full-resolution series
 * and the CLI's HTML report (both from the host's Run objects), saved where the user says.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { renderReport } from '../../core/report';
import type { ExportFormat, ViewerLocale } from '../../shared/protocol';
import { csvChunks, toJson } from './exportData';
import type { ViewerData } from './session';

// Functions, not constants: the texts are looked up in the display language when used.
function fileFilters(format: ExportFormat): Record<string, string[]> {
  switch (format) {
    case 'png':
      return { [vscode.l10n.t('PNG image')]: ['png'] };
    case 'csv':
      return { CSV: ['csv'] };
    case 'json':
      return { JSON: ['json'] };
    case 'html':
      return { [vscode.l10n.t('HTML report')]: ['html'] };
  }
}

/** The formats "Export…" offers, with what each holds. */
export function exportChoices(): Array<{ format: ExportFormat; label: string; detail: string }> {
  return [
    { format: 'png', label: vscode.l10n.t('PNG image'), detail: vscode.l10n.t('The charts as shown') },
    { format: 'csv', label: 'CSV', detail: vscode.l10n.t('Every point of every series: run,series,step,value,wall_time') },
    { format: 'json', label: 'JSON', detail: vscode.l10n.t('Every point of every series, with run events and findings') },
    { format: 'html', label: vscode.l10n.t('HTML report'), detail: vscode.l10n.t('The self-contained report of `loss-lens report`') },
  ];
}

/** A file name for the export, next to the (first) source. */
function defaultExportUri(data: ViewerData, format: ExportFormat): vscode.Uri | undefined {
  const first = data.runs[0];
  if (!first) return undefined;
  const base = data.runs.length === 1 ? first.name.replace(/\.[a-z0-9]+$/i, '') : 'runs';
  const safe = base.replace(/[^\w.-]+/g, '_') || 'loss-lens';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(first.source));
  return vscode.Uri.joinPath(folder, `${safe}.loss-lens.${format}`);
}

export async function exportViewerData(
  format: ExportFormat,
  data: ViewerData,
  opts: { png?: () => Promise<Uint8Array>; locale: ViewerLocale },
): Promise<vscode.Uri | undefined> {
  // The image first, while the chart is still the visible view.
  let png: Uint8Array | undefined;
  if (format === 'png') {
    if (!opts.png) throw new Error(vscode.l10n.t('a PNG needs an open chart'));
    png = await opts.png();
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: defaultExportUri(data, format),
    filters: fileFilters(format),
    saveLabel: vscode.l10n.t('Export'),
    title: vscode.l10n.t('Loss Lens: export {0}', format.toUpperCase()),
  });
  if (!target) return undefined;
  let bytes: Uint8Array;
  const enc = new TextEncoder();
  switch (format) {
    case 'png':
      bytes = png!;
      break;
    case 'csv':
      bytes = concat([...csvChunks(data.runs)].map(c => enc.encode(c)));
      break;
    case 'json':
      bytes = enc.encode(toJson(data.runs, data.findings));
      break;
    case 'html':
      bytes = enc.encode(renderReport(data.runs, data.findings, data.problems, { lang: opts.locale, title: data.title }));
      break;
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  const open = vscode.l10n.t('Open');
  void vscode.window.showInformationMessage(vscode.l10n.t('Loss Lens: exported {0}.', path.basename(target.fsPath)), open).then(choice => {
    if (choice === open) void vscode.commands.executeCommand('vscode.open', target);
  });
  return target;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
