// The walkthrough's commands (src/host/walkthrough.ts) against a small fake of the `vscode` API
// whose file system is the real one: what is copied where, what is opened, which command runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  const state = {
    trusted: true,
    folders: [] as string[],
    commands: new Map<string, (...a: unknown[]) => unknown>(),
    executed: [] as Array<{ id: string; args: unknown[] }>,
    opened: [] as string[],
    untitled: [] as Array<{ content: string; language?: string }>,
    openOnInstall: undefined as boolean | undefined,
    startupEditor: 'welcomePage',
    errors: [] as string[],
    globalState: new Map<string, unknown>(),
  };
  return { state };
});

vi.mock('vscode', () => {
  const s = h.state;
  class Uri {
    readonly scheme = 'file';
    constructor(readonly fsPath: string) {}
    get path() {
      return this.fsPath;
    }
    toString() {
      return `file://${this.fsPath}`;
    }
    static file(p: string) {
      return new Uri(p);
    }
    static joinPath(base: Uri, ...parts: string[]) {
      return new Uri(path.join(base.fsPath, ...parts));
    }
  }
  const FileType = { File: 1, Directory: 2 };
  return {
    Uri,
    FileType,
    ViewColumn: { One: 1, Beside: -2 },
    Disposable: { from: (...d: Array<{ dispose(): unknown }>) => ({ dispose: () => d.forEach(x => x.dispose()) }) },
    l10n: { t: (m: string, ...a: unknown[]) => m.replace(/\{(\d+)\}/g, (_x, i: string) => String(a[Number(i)])) },
    env: { language: 'en' },
    commands: {
      registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
        s.commands.set(id, fn);
        return { dispose: () => s.commands.delete(id) };
      },
      executeCommand: (id: string, ...args: unknown[]) => {
        s.executed.push({ id, args });
        return Promise.resolve();
      },
    },
    window: {
      showTextDocument: (doc: { uri: Uri }) => {
        s.opened.push(doc.uri.fsPath);
        return Promise.resolve({});
      },
      showErrorMessage: (m: string) => {
        s.errors.push(m);
        return Promise.resolve(undefined);
      },
    },
    workspace: {
      get isTrusted() {
        return s.trusted;
      },
      get workspaceFolders() {
        return s.folders.length ? s.folders.map((f, index) => ({ uri: Uri.file(f), name: path.basename(f), index })) : undefined;
      },
      openTextDocument: (what: Uri | { content: string; language?: string }) => {
        if (!(what instanceof Uri)) {
          s.untitled.push(what);
          return Promise.resolve({ uri: new Uri(`Untitled-${s.untitled.length}`) });
        }
        if (!fs.existsSync(what.fsPath)) return Promise.reject(new Error(`no such file ${what.fsPath}`));
        return Promise.resolve({ uri: what });
      },
      getConfiguration: (section: string) => ({
        get: (k: string) =>
          section !== 'workbench' ? undefined : k === 'welcomePage.walkthroughs.openOnInstall' ? s.openOnInstall : k === 'startupEditor' ? s.startupEditor : undefined,
      }),
      fs: {
        stat: async (uri: Uri) => {
          const st = fs.statSync(uri.fsPath);
          return { type: st.isDirectory() ? FileType.Directory : FileType.File };
        },
        createDirectory: async (uri: Uri) => void fs.mkdirSync(uri.fsPath, { recursive: true }),
        readDirectory: async (uri: Uri) =>
          fs.readdirSync(uri.fsPath, { withFileTypes: true }).map(e => [e.name, e.isDirectory() ? FileType.Directory : FileType.File]),
        readFile: async (uri: Uri) => new Uint8Array(fs.readFileSync(uri.fsPath)),
        copy: async (from: Uri, to: Uri, opts?: { overwrite?: boolean }) => {
          if (!opts?.overwrite && fs.existsSync(to.fsPath)) throw new Error('exists');
          fs.copyFileSync(from.fsPath, to.fsPath);
        },
      },
    },
  };
});

import * as vscode from 'vscode';
import { CommandId } from '../../src/host/commands';
import { Walkthrough } from '../../src/host/walkthrough';

const REPO = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-walkthrough-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function context(version = '0.1.0'): vscode.ExtensionContext {
  return {
    extensionUri: vscode.Uri.file(REPO),
    globalStorageUri: vscode.Uri.file(path.join(tmp, 'global')),
    extension: { id: 'loss-lens.loss-lens', packageJSON: { version } },
    globalState: {
      get: (k: string) => h.state.globalState.get(k),
      update: (k: string, v: unknown) => Promise.resolve(void h.state.globalState.set(k, v)),
    },
  } as unknown as vscode.ExtensionContext;
}

let registration: { dispose(): unknown } | undefined;
function run(id: string, ctx = context()): Promise<unknown> {
  registration?.dispose();
  registration = Walkthrough.register(ctx);
  return Promise.resolve(h.state.commands.get(id)!());
}

describe('walkthrough commands', () => {
  beforeEach(() => {
    const s = h.state;
    s.trusted = true;
    s.folders = [];
    s.executed = [];
    s.opened = [];
    s.errors = [];
    s.untitled = [];
    s.openOnInstall = undefined;
    s.startupEditor = 'welcomePage';
    fs.rmSync(path.join(tmp, 'global'), { recursive: true, force: true });
    s.globalState.clear();
    // Past the first start (tested on its own below).
    s.globalState.set('lossLens.walkthrough.shown', true);
  });

  it('opens the walkthrough on the first start only, unless openOnInstall is off or VS Code starts without an editor (issue #13, 6)', async () => {
    h.state.globalState.clear();
    await run(CommandId.openExample);
    await new Promise(r => setTimeout(r, 0));
    const opens = () => h.state.executed.filter(e => e.id === 'workbench.action.openWalkthrough');
    expect(opens()).toEqual([{ id: 'workbench.action.openWalkthrough', args: ['loss-lens.loss-lens#lossLens.gettingStarted', false] }]);
    await run(CommandId.openExample);
    await new Promise(r => setTimeout(r, 0));
    expect(opens()).toHaveLength(1);
    h.state.globalState.clear();
    h.state.openOnInstall = false;
    await run(CommandId.openExample);
    await new Promise(r => setTimeout(r, 0));
    expect(opens()).toHaveLength(1);
    h.state.globalState.clear();
    h.state.openOnInstall = undefined;
    h.state.startupEditor = 'none';
    await run(CommandId.openExample);
    await new Promise(r => setTimeout(r, 0));
    expect(opens()).toHaveLength(1);
  });

  it('Open Example copies the log into the workspace folder (once) and opens it as text and as curves (issue #13, 6)', async () => {
    const ws = fs.mkdtempSync(path.join(tmp, 'ws-'));
    h.state.folders = [ws];
    await run(CommandId.openExample);
    const log = path.join(ws, 'loss-lens-example', 'diverging_run.log');
    expect(fs.readFileSync(log, 'utf8')).toBe(fs.readFileSync(path.join(REPO, 'examples/diverging_run.log'), 'utf8'));
    expect(h.state.opened).toEqual([log]);
    expect(h.state.executed.map(e => e.id)).toEqual(['lossLens.openCurves']);
    expect((h.state.executed[0].args[0] as vscode.Uri).fsPath).toBe(log);
    expect(h.state.errors).toEqual([]);
    // Nothing in the extension's storage folder.
    expect(fs.existsSync(path.join(tmp, 'global'))).toBe(false);
    fs.writeFileSync(log, 'edited');
    await run(CommandId.openExample);
    expect(fs.readFileSync(log, 'utf8')).toBe('edited');
  });

  it('without a workspace folder, Open Example opens an untitled copy of the log', async () => {
    await run(CommandId.openExample);
    expect(h.state.untitled).toEqual([{ content: fs.readFileSync(path.join(REPO, 'examples/diverging_run.log'), 'utf8'), language: 'log' }]);
    expect(h.state.opened).toEqual(['Untitled-1']);
    expect(fs.existsSync(path.join(tmp, 'global'))).toBe(false);
  });

  it('refreshes the storage copies of the script when the extension version changes', async () => {
    await run(CommandId.runExampleTraining);
    const script = path.join(tmp, 'global', 'examples', 'train_example.py');
    fs.writeFileSync(script, 'edited');
    await run(CommandId.runExampleTraining);
    expect(fs.readFileSync(script, 'utf8')).toBe('edited');
    await run(CommandId.runExampleTraining, context('0.2.0'));
    expect(fs.readFileSync(script, 'utf8')).toBe(fs.readFileSync(path.join(REPO, 'examples/train_example.py'), 'utf8'));
  });

  it('Run Example Training copies the script into the workspace folder (once) and runs it with Run Training', async () => {
    const ws = fs.mkdtempSync(path.join(tmp, 'ws-'));
    h.state.folders = [ws];
    await run(CommandId.runExampleTraining);
    const script = path.join(ws, 'loss-lens-example', 'train_example.py');
    expect(fs.readFileSync(script, 'utf8')).toBe(fs.readFileSync(path.join(REPO, 'examples/train_example.py'), 'utf8'));
    expect(h.state.opened).toEqual([script]);
    expect(h.state.executed.map(e => e.id)).toEqual(['lossLens.runTraining']);
    expect((h.state.executed[0].args[0] as vscode.Uri).fsPath).toBe(script);

    fs.writeFileSync(script, '# my edits\n');
    await run(CommandId.runExampleTraining);
    expect(fs.readFileSync(script, 'utf8')).toBe('# my edits\n');
  });

  it('without a workspace folder the script runs from global storage', async () => {
    await run(CommandId.runExampleTraining);
    const script = path.join(tmp, 'global', 'examples', 'train_example.py');
    expect(fs.existsSync(script)).toBe(true);
    expect((h.state.executed[0].args[0] as vscode.Uri).fsPath).toBe(script);
  });

  it('writes nothing into an untrusted workspace: Run Training says why it does not run', async () => {
    const ws = fs.mkdtempSync(path.join(tmp, 'ws-'));
    h.state.folders = [ws];
    h.state.trusted = false;
    await run(CommandId.runExampleTraining);
    expect(fs.readdirSync(ws)).toEqual([]);
    expect(h.state.executed).toEqual([{ id: 'lossLens.runTraining', args: [] }]);
  });

  it('a failure is reported, not thrown', async () => {
    await run(CommandId.openExample, {
      ...context(),
      extensionUri: vscode.Uri.file(path.join(tmp, 'no-such-extension')),
    } as unknown as vscode.ExtensionContext);
    expect(h.state.errors).toHaveLength(1);
    expect(h.state.errors[0]).toMatch(/^Loss Lens: could not set up the example \(/);
  });
});
