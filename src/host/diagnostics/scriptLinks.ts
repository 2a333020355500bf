/**
 * Which training script produced a log: the one the runner ran (`linkScript` from the runner),
 * else the one the user linked (command "Link Training Script…", remembered in workspaceState),
 * else a `train*.py` beside the log (or in its parent folder).
 */
import * as vscode from 'vscode';
import { scriptsBeside } from './pure/documents';

const STATE_KEY = 'lossLens.diagnostics.scriptLinks';

export type LinkOrigin = 'runner' | 'user' | 'beside';

export class ScriptLinks {
  /** Log uri -> script uri, from the runner (this session). */
  private readonly runner = new Map<string, string>();
  /** Log uri -> script uri found beside the log (cached). */
  private readonly beside = new Map<string, string | null>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the log uri whose script changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  dispose(): void {
    this.changed.dispose();
  }

  private userLinks(): Record<string, string> {
    return this.memento.get<Record<string, string>>(STATE_KEY, {});
  }

  async link(log: vscode.Uri, script: vscode.Uri, origin: 'runner' | 'user'): Promise<void> {
    const key = log.toString();
    if (origin === 'runner') this.runner.set(key, script.toString());
    else await this.memento.update(STATE_KEY, { ...this.userLinks(), [key]: script.toString() });
    this.changed.fire(key);
  }

  async unlink(log: vscode.Uri): Promise<void> {
    const key = log.toString();
    this.runner.delete(key);
    const links = { ...this.userLinks() };
    delete links[key];
    await this.memento.update(STATE_KEY, links);
    this.changed.fire(key);
  }

  /** The script linked to a log without looking at the file system (runner, then user). */
  linkedScript(log: vscode.Uri): { uri: vscode.Uri; origin: LinkOrigin } | undefined {
    const key = log.toString();
    const r = this.runner.get(key) ?? this.userLinks()[key];
    if (r) return { uri: vscode.Uri.parse(r), origin: this.runner.has(key) ? 'runner' : 'user' };
    const b = this.beside.get(key);
    return b ? { uri: vscode.Uri.parse(b), origin: 'beside' } : undefined;
  }

  /** The script of a log: linked, else a `train*.py` in its folder or the parent folder. */
  async scriptFor(log: vscode.Uri): Promise<{ uri: vscode.Uri; origin: LinkOrigin } | undefined> {
    const linked = this.linkedScript(log);
    if (linked) return linked;
    const key = log.toString();
    if (this.beside.has(key) || log.scheme === 'untitled') return undefined;
    let found: string | null = null;
    const dir = vscode.Uri.joinPath(log, '..');
    for (const folder of [dir, vscode.Uri.joinPath(dir, '..')]) {
      try {
        const entries = await vscode.workspace.fs.readDirectory(folder);
        const names = entries.filter(([, t]) => t === vscode.FileType.File).map(([n]) => n);
        const best = scriptsBeside(names)[0];
        if (best) {
          found = vscode.Uri.joinPath(folder, best).toString();
          break;
        }
      } catch {
        // Not readable: try the next folder.
      }
    }
    this.beside.set(key, found);
    return found ? { uri: vscode.Uri.parse(found), origin: 'beside' } : undefined;
  }
}
