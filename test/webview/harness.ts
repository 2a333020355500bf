/**
 * A stand-in for VS Code's webview host, for tests in real Chromium: a local HTTP server that
 * serves the production HTML (buildViewerHtml, with its CSP and nonce) plus a stub
 * acquireVsCodeApi that records posted messages and state, and helpers to deliver host
 * messages (typed arrays survive the trip as base64).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { buildViewerHtml, makeNonce } from '../../src/host/viewer/html';

export const REPO = path.resolve(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** VS Code's Dark Modern / Light Modern values of the variables the viewer reads. */
export const THEMES = {
  light: {
    cls: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-font-family': 'system-ui, -apple-system, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': 'monospace',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-errorForeground': '#f85149',
    },
  },
  dark: {
    cls: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-font-family': 'system-ui, -apple-system, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': 'monospace',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-errorForeground': '#f85149',
    },
  },
  'high-contrast': {
    cls: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
      '--vscode-charts-red': '#f48771',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
} as const;

export type ThemeName = keyof typeof THEMES;

/** The stub VS Code API and helpers, run before the bundle (same nonce). */
function stubScript(initialState: unknown): string {
  return `
window.__LOSS_LENS_TEST__ = true;
window.__posted = [];
window.__state = ${JSON.stringify(initialState ?? null)} || undefined;
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
window.acquireVsCodeApi = function () {
  return {
    postMessage: function (m) { window.__posted.push(m); },
    getState: function () { return window.__state; },
    setState: function (s) { window.__state = s; },
  };
};
window.__decode = function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    if (v.__typed) {
      var bin = atob(v.b64);
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return v.__typed === 'f64' ? new Float64Array(bytes.buffer) : new Uint32Array(bytes.buffer);
    }
    if (v.__num) return Number(v.__num);
    var out = {};
    for (var k in v) out[k] = decode(v[k]);
    return out;
  }
  return v;
};
window.__deliver = function (m) {
  window.dispatchEvent(new MessageEvent('message', { data: window.__decode(m) }));
};
window.__themes = ${JSON.stringify(THEMES)};
window.__setTheme = function (name) {
  var t = window.__themes[name];
  var b = document.body;
  b.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
  for (var k in t.vars) b.style.setProperty(k, t.vars[k]);
  b.classList.add(t.cls);
};
`;
}

/** Typed arrays -> base64 records, non-finite numbers -> strings, for page.evaluate. */
export function encodeForPage(v: unknown): unknown {
  if (v instanceof Float64Array || v instanceof Uint32Array) {
    return {
      __typed: v instanceof Float64Array ? 'f64' : 'u32',
      b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
    };
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return { __num: String(v) };
  if (Array.isArray(v)) return v.map(encodeForPage);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeForPage(x);
    return out;
  }
  return v;
}

export interface Harness {
  url: string;
  origin: string;
  close(): Promise<void>;
}

/** Serve the production page (with the stub injected before the bundle) and the assets. */
export async function startHarness(opts: { theme?: ThemeName; initialState?: unknown } = {}): Promise<Harness> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const nonce = makeNonce();
      let html = buildViewerHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/media/viewer.css`,
        title: 'Loss Lens harness',
      });
      const theme = THEMES[opts.theme ?? 'light'];
      html = html.replace('<body>', `<body class="${theme.cls}">`);
      html = html.replace(
        `<script nonce="${nonce}" src=`,
        `<script nonce="${nonce}">${stubScript(opts.initialState)}
window.__setTheme(${JSON.stringify(opts.theme ?? 'light')});</script>\n<script nonce="${nonce}" src=`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const rel = url.pathname.replace(/^\/+/, '');
    if (!/^(dist|media)\/[\w.-]+$/.test(rel)) {
      res.writeHead(404);
      res.end();
      return;
    }
    const file = path.join(REPO, rel);
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404);
        res.end();
        return;
      }
      const type = rel.endsWith('.js') ? 'text/javascript' : rel.endsWith('.css') ? 'text/css' : rel.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type });
      res.end(data);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
