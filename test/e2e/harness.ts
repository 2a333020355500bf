/**
 * Starts a real VS Code (code-server 4.100.3, installed by scripts/setup-code-server.sh) with
 * the packaged extension installed, and drives it with Debian's Chromium through playwright-core.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '../..');
export const CODE_SERVER = path.join(REPO, '.cache/code-server/node_modules/code-server/out/node/entry.js');
export const VSIX = path.join(REPO, 'loss-lens.vsix');
export const SHOTS = path.join(REPO, 'docs/screenshots');
export const CHROMIUM = '/usr/bin/chromium';

export interface Session {
  page: Page;
  browser: Browser;
  server: ChildProcess;
  port: number;
  workspace: string;
  userData: string;
  close(): Promise<void>;
}

export function ensurePrerequisites(): void {
  const missing: string[] = [];
  if (!fs.existsSync(CODE_SERVER)) missing.push('code-server (run scripts/setup-code-server.sh)');
  if (!fs.existsSync(CHROMIUM)) missing.push('Debian chromium');
  if (!fs.existsSync(VSIX)) missing.push('loss-lens.vsix (run npm run package)');
  if (missing.length) throw new Error(`e2e prerequisites missing: ${missing.join(', ')}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const extensionsDir = path.join(os.tmpdir(), 'loss-lens-e2e-extensions');
let installed = false;

/**
 * Install the e2e fixture language pack (test/e2e/zh-pack): without a zh-cn pack VS Code falls
 * back to English whatever --locale says, and the real pack cannot be downloaded here.
 */
function installZhPack(userData: string): void {
  const dir = path.join(REPO, 'test/e2e/zh-pack');
  const vsix = path.join(os.tmpdir(), 'loss-lens-e2e-zh-pack.vsix');
  execFileSync(
    process.execPath,
    [path.join(REPO, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  const out = execFileSync(
    process.execPath,
    // The session's own user data dir: VS Code records language packs there (languagepacks.json).
    [CODE_SERVER, '--extensions-dir', extensionsDir, '--user-data-dir', userData, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (!/successfully installed|already installed/i.test(out)) throw new Error(`language pack install failed: ${out}`);
  // The server reads the installed packs from languagepacks.json in the user data dir, which only
  // a running server writes: write it as it would.
  const packDir = fs.readdirSync(extensionsDir).find(d => d.startsWith('loss-lens-e2e.loss-lens-e2e-zh-cn-pack-'));
  if (!packDir) throw new Error('language pack folder not found');
  const packs = {
    'zh-cn': {
      hash: `loss-lens-e2e-${Date.now()}`,
      extensions: [{ extensionIdentifier: { id: 'loss-lens-e2e.loss-lens-e2e-zh-cn-pack' }, version: '1.0.0' }],
      translations: { vscode: path.join(extensionsDir, packDir, 'translations/main.i18n.json') },
      label: '中文(简体)',
    },
  };
  fs.writeFileSync(path.join(userData, 'languagepacks.json'), JSON.stringify(packs));
}

/** Install the .vsix once per test process into a shared extensions dir. */
export function installExtension(): void {
  if (installed) return;
  fs.rmSync(extensionsDir, { recursive: true, force: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const out = execFileSync(
    process.execPath,
    [CODE_SERVER, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(os.tmpdir(), 'loss-lens-e2e-install'), '--install-extension', VSIX],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (!/successfully installed/i.test(out)) throw new Error(`install failed: ${out}`);
  installed = true;
}

export async function startSession(opts: {
  workspace: string;
  locale?: string;
  trusted?: boolean;
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}): Promise<Session> {
  installExtension();
  const port = await freePort();
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-e2e-user-'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': opts.trusted === false,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    'telemetry.telemetryLevel': 'off',
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'update.mode': 'none',
    'window.commandCenter': false,
    ...opts.settings,
  };
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
  if (opts.locale) {
    fs.writeFileSync(path.join(userData, 'User/argv.json'), JSON.stringify({ locale: opts.locale }));
  }
  if (opts.locale === 'zh-cn') installZhPack(userData);
  const args = [
    CODE_SERVER,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    ...(opts.locale ? ['--locale', opts.locale] : []),
    ...(opts.trusted === false ? [] : ['--disable-workspace-trust']),
    opts.workspace,
  ];
  const server = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  let log = '';
  server.stdout?.on('data', d => (log += String(d)));
  server.stderr?.on('data', d => (log += String(d)));
  const deadline = Date.now() + 60_000;
  while (!/HTTP server listening/i.test(log)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`code-server did not start:\n${log}`);
    await new Promise(r => setTimeout(r, 200));
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.statusbar', { timeout: 60_000 });
  return {
    page,
    browser,
    server,
    port,
    workspace: opts.workspace,
    userData,
    async close() {
      await browser.close().catch(() => {});
      server.kill('SIGTERM');
      await new Promise(r => setTimeout(r, 300));
      if (server.exitCode === null) server.kill('SIGKILL');
      fs.rmSync(userData, { recursive: true, force: true });
    },
  };
}

/** Run a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** Open a workspace file with Quick Open. */
export async function openFile(page: Page, relPath: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(relPath);
  const name = path.basename(relPath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The frame of a Loss Lens webview that shows `selector`: VS Code nests it in two iframes. */
export async function webviewFrame(page: Page, selector = '.chart-box.main canvas', timeout = 60_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      const n = await f.locator(selector).count().catch(() => 0);
      if (n > 0) return f;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`no webview frame shows ${selector}`);
}

/** Text of the notification toasts now visible. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
}

/** Copy fixtures into a fresh workspace folder. */
export function makeWorkspace(files: Record<string, string>): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-ws-'));
  for (const [rel, src] of Object.entries(files)) {
    const dst = path.join(ws, rel);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
  }
  return ws;
}
