/**
 * Entry of the webview bundle (dist/webview.js): wires the VS Code API and the host's messages
 * to the App, then says 'ready' so the host sends its snapshot.
 */
import { PROTOCOL_VERSION } from '../src/shared/protocol';
import { App } from './app';
import type { VsCodeApi } from './state';

declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const api = acquireVsCodeApi();
  const root = document.getElementById('app') ?? document.body;
  const app = new App(root, api);
  window.addEventListener('message', (e: MessageEvent) => app.handle(e.data));
  window.addEventListener('error', e => {
    api.postMessage({ type: 'error', message: `webview: ${e.message} (${e.filename}:${e.lineno})` });
  });
  // Test harnesses (never VS Code) may ask for a handle on the app.
  const g = globalThis as { __LOSS_LENS_TEST__?: boolean; __lossLens?: App };
  if (g.__LOSS_LENS_TEST__) g.__lossLens = app;
  api.postMessage({ type: 'ready', protocol: PROTOCOL_VERSION });
}

start();
