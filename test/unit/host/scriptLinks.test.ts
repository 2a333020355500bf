// Which training script a log's findings go to (src/host/diagnostics/scriptLinks.ts), against a
// small fake of the `vscode` API whose file system is the real one: the runner's link, the
// user's link, the run folder's run.json, and never a train*.py merely beside the log
// (issue #13, 5).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => {
  const np = await vi.importActual<typeof import('node:path')>('node:path');
  const nfs = await vi.importActual<typeof import('node:fs')>('node:fs');
  class Uri {
    readonly scheme = 'file';
    readonly path: string;
    constructor(p: string) {
      this.path = p;
    }
    get fsPath() {
      return this.path;
    }
    toString() {
      return `file://${this.path}`;
    }
    with(c: { path: string }) {
      return new Uri(c.path);
    }
    static file(p: string) {
      return new Uri(p);
    }
    static parse(s: string) {
      return new Uri(s.replace(/^file:\/\//, ''));
    }
    static joinPath(base: Uri, ...parts: string[]) {
      return new Uri(np.join(base.path, ...parts));
    }
  }
  class EventEmitter {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  }
  return {
    Uri,
    EventEmitter,
    workspace: { fs: { readFile: async (u: Uri) => new Uint8Array(nfs.readFileSync(u.path)) } },
  };
});

import * as vscode from 'vscode';
import { ScriptLinks } from '../../../src/host/diagnostics/scriptLinks';

function memento(): vscode.Memento {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v) } as unknown as vscode.Memento;
}

const tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'll-links-'));

describe('ScriptLinks', () => {
  it('does not link a log to a train*.py that merely sits beside it', async () => {
    const dir = fs.mkdtempSync(nodePath.join(tmp, 'beside-'));
    fs.writeFileSync(nodePath.join(dir, 'train.py'), 'print(1)\n');
    fs.writeFileSync(nodePath.join(dir, 'run.log'), 'step 1: loss 0.5\n');
    const links = new ScriptLinks(memento());
    expect(await links.scriptFor(vscode.Uri.file(nodePath.join(dir, 'run.log')))).toBeUndefined();
    expect(await links.runArgs(vscode.Uri.file(nodePath.join(dir, 'run.log')))).toBeUndefined();
  });

  it('links a run folder\'s output.log to the script its run.json names, with the run\'s arguments', async () => {
    const ws = fs.mkdtempSync(nodePath.join(tmp, 'ws-'));
    const run = nodePath.join(ws, '.loss-lens/runs/20261207-120000-train_example-lr0.5');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(nodePath.join(run, 'output.log'), 'step 1: loss 0.5\n');
    const args = ['train_example.py', '--lr', '0.5'];
    fs.writeFileSync(nodePath.join(run, 'run.json'), JSON.stringify({ version: 1, name: 'train_example', command: '/usr/bin/python3', args, cwd: ws, logs: ['output.log'] }));
    const links = new ScriptLinks(memento());
    const log = vscode.Uri.file(nodePath.join(run, 'output.log'));
    const s = await links.scriptFor(log);
    expect(s?.origin).toBe('run-folder');
    expect(s?.uri.fsPath).toBe(nodePath.join(ws, 'train_example.py'));
    expect(await links.runArgs(log)).toEqual(args);
    // A log the run.json does not list is not the run's.
    fs.writeFileSync(nodePath.join(run, 'notes.log'), 'step 1: loss 0.5\n');
    expect(await links.scriptFor(vscode.Uri.file(nodePath.join(run, 'notes.log')))).toBeUndefined();
  });

  it('prefers the runner\'s and the user\'s links', async () => {
    const dir = fs.mkdtempSync(nodePath.join(tmp, 'linked-'));
    const links = new ScriptLinks(memento());
    const log = vscode.Uri.file(nodePath.join(dir, 'a.log'));
    await links.link(log, vscode.Uri.file('/x/mine.py'), 'user');
    expect(await links.scriptFor(log)).toMatchObject({ origin: 'user' });
    await links.link(log, vscode.Uri.file('/x/ran.py'), 'runner');
    expect((await links.scriptFor(log))?.uri.fsPath).toBe('/x/ran.py');
  });
});
