// The VS Code adapter of the runner against a small fake of the `vscode` API: workspace trust,
// the confirmation of commands from workspace settings, and a real run stopped on NaN.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  const state = {
    trusted: true,
    language: 'en',
    settings: {} as Record<string, unknown>,
    workspaceSettings: new Set<string>(),
    folder: '',
    commands: new Map<string, (...a: unknown[]) => unknown>(),
    messages: [] as Array<{ level: string; text: string; opts?: unknown; items: string[] }>,
    answer: undefined as string | undefined,
    channel: [] as string[],
    status: { text: '' },
    workspaceState: new Map<string, unknown>(),
    context: new Map<string, unknown>(),
  };
  return { state };
});

vi.mock('vscode', () => {
  const s = h.state;
  const message = (level: string) => (text: string, ...rest: unknown[]) => {
    const opts = rest[0] && typeof rest[0] === 'object' ? rest.shift() : undefined;
    s.messages.push({ level, text, opts, items: rest as string[] });
    return Promise.resolve(level === 'warning' && opts ? s.answer : undefined);
  };
  const api = {
    window: {
      createOutputChannel: () => ({ appendLine: (l: string) => s.channel.push(l), append: () => {}, show: () => {}, dispose: () => {} }),
      createStatusBarItem: () => {
        const item = { name: '', command: '', tooltip: '', backgroundColor: undefined, show: () => {}, dispose: () => {} };
        Object.defineProperty(item, 'text', { get: () => s.status.text, set: (v: string) => (s.status.text = v) });
        return item;
      },
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      showOpenDialog: () => Promise.resolve(undefined),
      activeTextEditor: undefined,
    },
    workspace: {
      get isTrusted() {
        return s.trusted;
      },
      get workspaceFolders() {
        return [{ uri: { fsPath: s.folder, scheme: 'file', toString: () => 'file://' + s.folder }, name: 'w', index: 0 }];
      },
      textDocuments: [],
      getWorkspaceFolder: () => undefined,
      getConfiguration: (section: string) => ({
        get: (k: string) => s.settings[`${section}.${k}`],
        inspect: (k: string) =>
          s.workspaceSettings.has(`${section}.${k}`) ? { key: k, workspaceValue: s.settings[`${section}.${k}`] } : { key: k },
      }),
    },
    commands: {
      registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
        s.commands.set(id, fn);
        return { dispose: () => s.commands.delete(id) };
      },
      executeCommand: (id: string, ...a: unknown[]) => {
        if (id === 'setContext') s.context.set(String(a[0]), a[1]);
        return Promise.resolve();
      },
    },
    extensions: { getExtension: () => undefined },
    env: {
      get language() {
        return s.language;
      },
      clipboard: { writeText: () => Promise.resolve() },
    },
    Uri: {
      file: (p: string) => ({ fsPath: p, scheme: 'file', toString: () => 'file://' + p }),
      joinPath: () => ({}),
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    MarkdownString: class {
      value = '';
      appendMarkdown(t: string) {
        this.value += t;
        return this;
      }
    },
    ViewColumn: { Active: -1, Beside: -2 },
    // English, as VS Code does without a bundle for the display language: {n} filled in.
    l10n: {
      t: (message: string, ...args: unknown[]) =>
        message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)),
    },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  };
  // Whatever else other modules touch at load time (CodeActionKind.QuickFix, ...): a harmless stub.
  const stub: unknown = new Proxy(function () {}, {
    get: (_t, k) => (k === 'then' || typeof k === 'symbol' ? undefined : stub),
    apply: () => stub,
    construct: () => stub as object,
  });
  const withStubs = (o: Record<string, unknown>) =>
    new Proxy(o, { get: (t, k) => (typeof k === 'symbol' || k === 'then' ? undefined : k in t ? t[k as string] : stub), has: () => true });
  return withStubs({ ...api, default: withStubs(api) });
});

import { TrainingController } from '../../src/host/runner/controller';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-host-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function context() {
  const s = h.state;
  return {
    subscriptions: [] as Array<{ dispose(): unknown }>,
    workspaceState: {
      get: <T>(k: string, d?: T) => (s.workspaceState.has(k) ? (s.workspaceState.get(k) as T) : d),
      update: (k: string, v: unknown) => {
        s.workspaceState.set(k, v);
        return Promise.resolve();
      },
    },
  } as unknown as import('vscode').ExtensionContext;
}

const NAN_SCRIPT = `let i=0;const t=setInterval(()=>{i++;console.log('step '+i+': loss '+(i<6?(1/i).toFixed(3):'nan'));},20);`;

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('TrainingController (VS Code adapter)', () => {
  let controller: { dispose(): void } | undefined;
  beforeEach(() => {
    controller?.dispose();
    const s = h.state;
    s.trusted = true;
    s.messages = [];
    s.channel = [];
    s.answer = undefined;
    s.folder = fs.mkdtempSync(path.join(tmp, 'ws-'));
    s.settings = {
      'lossLens.runner.command': process.execPath,
      'lossLens.runner.args': ['-e', NAN_SCRIPT],
      'lossLens.runner.stopOn': ['non-finite'],
    };
    s.workspaceSettings = new Set();
    controller = TrainingController.register(context());
  });

  it('refuses to run anything in an untrusted workspace', async () => {
    h.state.trusted = false;
    await h.state.commands.get('lossLens.runTraining')!();
    expect(h.state.messages[0]).toMatchObject({ level: 'error' });
    expect(h.state.messages[0].text).toMatch(/only in trusted workspaces/);
    expect(fs.existsSync(path.join(h.state.folder, '.loss-lens'))).toBe(false);
  });

  it('without a command and without a Python file open, says what to do', async () => {
    h.state.settings = {};
    await h.state.commands.get('lossLens.runTraining')!();
    expect(h.state.messages[0].text).toMatch(/Open a Python training script/);
  });

  it('shows a command from workspace settings before its first run, and remembers the answer', async () => {
    const s = h.state;
    s.workspaceSettings = new Set(['lossLens.runner.command', 'lossLens.runner.args']);
    s.answer = undefined; // dismissed
    await s.commands.get('lossLens.runTraining')!();
    expect(s.messages[0].opts).toMatchObject({ modal: true });
    expect(String((s.messages[0].opts as { detail: string }).detail)).toContain(process.execPath);
    expect(fs.existsSync(path.join(s.folder, '.loss-lens'))).toBe(false);

    s.answer = 'Run';
    s.messages = [];
    await s.commands.get('lossLens.runTraining')!();
    expect(s.messages.filter(m => (m.opts as { modal?: boolean })?.modal)).toHaveLength(1);
    // The run goes NaN and is stopped: a notification with the reason and the fixes.
    await until(() => s.messages.some(m => /Stopped at step/.test(m.text)));
    const note = s.messages.find(m => /Stopped at step/.test(m.text))!;
    // A sentence, not "non-finite: NaN in loss (in loss at step 6 (line 6))" (issue #13, 5).
    expect(note.text).toMatch(/^Stopped at step \d+: the loss became NaN\. Try: lower the learning rate; /);
    await until(() => /stopped \(non-finite\)/.test(s.status.text));
    expect(s.channel.some(l => /^▶ /.test(l))).toBe(true);
    expect(s.channel.some(l => /step 6: loss nan/.test(l))).toBe(true);
    expect(fs.readdirSync(path.join(s.folder, '.loss-lens/runs')).length).toBe(1);

    // Second run of the same command: no dialog.
    await until(() => s.channel.some(l => /^■ /.test(l)));
    s.messages = [];
    s.channel = [];
    await s.commands.get('lossLens.runTraining')!();
    expect(s.messages.filter(m => (m.opts as { modal?: boolean })?.modal)).toHaveLength(0);
    await until(() => s.messages.some(m => /Stopped at step/.test(m.text)));
    await until(() => s.channel.some(l => /^■ /.test(l)));
  });

  it('Stop Training stops the run; the status bar says so', async () => {
    const s = h.state;
    s.settings['lossLens.runner.args'] = ['-e', 'setInterval(()=>console.log("step 1: loss 0.5"),50)'];
    await s.commands.get('lossLens.runTraining')!();
    await until(() => s.channel.some(l => /^ {2}pid \d+/.test(l)));
    expect(s.context.get('lossLens.trainingRunning')).toBe(true);
    s.commands.get('lossLens.stopTraining')!();
    await until(() => s.context.get('lossLens.trainingRunning') === false);
    await until(() => /: stopped$/.test(s.status.text));
    expect(s.channel.some(l => /^■ stopped/.test(l))).toBe(true);
  });

  it('cannot-beat-best: lossLens.runner.best is the best to beat; unset, the runner looks in the runs folder', async () => {
    const s = h.state;
    s.settings['lossLens.runner.stopOn'] = ['cannot-beat-best'];
    s.settings['lossLens.runner.args'] = ['-e', 'for (let i = 1; i <= 3; i++) console.log(`Epoch ${i}: Train Loss = 0.5, Val Loss = 0.6`)'];
    // Unset: the earlier runs of the runs folder (none here), said in the output channel.
    await s.commands.get('lossLens.runTraining')!();
    await until(() => s.channel.some(l => /^■ /.test(l)));
    expect(s.channel.some(l => l.includes('cannot-beat-best: no earlier run with a validation loss in'))).toBe(true);
    expect(s.channel.some(l => /stops on: cannot-beat-best/.test(l))).toBe(true);
    // Set: no look-up.
    s.channel = [];
    s.settings['lossLens.runner.best'] = 0.3;
    await s.commands.get('lossLens.runTraining')!();
    await until(() => s.channel.some(l => /^■ /.test(l)));
    expect(s.channel.some(l => l.includes('cannot-beat-best:'))).toBe(false);
  });
});
