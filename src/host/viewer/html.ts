/**
 * The viewer's HTML, with a strict Content-Security-Policy and a fresh nonce for every render.
 * Pure (no `vscode`): the caller passes `webview.cspSource` and the asWebviewUri'd assets.
 */
import { randomBytes } from 'node:crypto';

export interface ViewerHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** From makeNonce(), new for each render. */
  nonce: string;
  /** URI of dist/webview.js (asWebviewUri). */
  scriptUri: string;
  /** URI of media/viewer.css (asWebviewUri). */
  styleUri: string;
  /** BCP-47 language of the page. */
  lang?: string;
  title?: string;
}

/** 128 random bits, base64 (a valid CSP nonce). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The policy: nothing by default; styles, images and fonts from the extension; our script only. */
export function viewerCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function buildViewerHtml(o: ViewerHtmlOptions): string {
  const a = escapeAttr;
  return `<!DOCTYPE html>
<html lang="${a(o.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(viewerCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${a(o.styleUri)}">
<title>${escapeText(o.title ?? 'Loss Lens')}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, c => `&#${c.charCodeAt(0)};`);
}
