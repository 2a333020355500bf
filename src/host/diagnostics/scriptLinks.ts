/**
 * Which training script produced a log: the one the runner ran (`linkScript` from the runner),
 * else the one the user linked (command "Link Training Script…", remembered in workspaceState),
 * else the one named in the run.json of the log's run folder (a run the runner or the CLI
 * started earlier). Never a script merely because it sits beside the log (issue #13, 5).
 * The run folder also tells the arguments the run was given (`--lr 0.5`), which the script's
 * hyperparameter advice must take into account.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isRunRecord, recordScript } from '../../runner';

const STATE_KEY = 'lossLens.diagnostics.scriptLinks';

export type LinkOrigin = 'runner' | 'user' | 'run-folder';

interface FolderLink {
  script?: string;
  args: string[];
}

export class ScriptLinks {
  /** Log uri -> script uri, from the runner (this session). */
  private readonly runner = new Map<string, string>();
  /** Log uri -> what its run folder's run.json says (cached). */
  private readonly folder = new Map<string, FolderLink | null>();
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
    if (origin === 'runner') {
      this.runner.set(key, script.toString());
      this.folder.delete(key); // its run.json is being written: read it again
    } else await this.memento.update(STATE_KEY, { ...this.userLinks(), [key]: script.toString() });
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

  /** The script linked to a log without looking at the file system (runner, then user, then a run folder read before). */
  linkedScript(log: vscode.Uri): { uri: vscode.Uri; origin: LinkOrigin } | undefined {
    const key = log.toString();
    const r = this.runner.get(key) ?? this.userLinks()[key];
    if (r) return { uri: vscode.Uri.parse(r), origin: this.runner.has(key) ? 'runner' : 'user' };
    const f = this.folder.get(key);
    return f?.script ? { uri: vscode.Uri.parse(f.script), origin: 'run-folder' } : undefined;
  }

  /** The script of a log: linked, else the one its run folder's run.json names. */
  async scriptFor(log: vscode.Uri): Promise<{ uri: vscode.Uri; origin: LinkOrigin } | undefined> {
    const linked = this.linkedScript(log);
    if (linked) return linked;
    const f = await this.runFolder(log);
    return f?.script ? { uri: vscode.Uri.parse(f.script), origin: 'run-folder' } : undefined;
  }

  /** The arguments the run that wrote this log was given, as its run.json records them. */
  async runArgs(log: vscode.Uri): Promise<string[] | undefined> {
    return (await this.runFolder(log))?.args;
  }

  /** What the run.json beside a log says, when it lists that log. */
  private async runFolder(log: vscode.Uri): Promise<FolderLink | undefined> {
    const key = log.toString();
    const cached = this.folder.get(key);
    if (cached !== undefined) return cached ?? undefined;
    if (log.scheme === 'untitled') return undefined;
    let found: FolderLink | null = null;
    try {
      const dir = vscode.Uri.joinPath(log, '..');
      const rec: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, 'run.json'))));
      const logs = isRunRecord(rec) ? (rec.logs ?? []).map(l => path.posix.basename(l.replace(/\\/g, '/'))) : [];
      if (isRunRecord(rec) && logs.includes(path.posix.basename(log.path))) {
        const script = recordScript(rec);
        found = { args: rec.args, script: script ? log.with({ path: vscode.Uri.file(script).path }).toString() : undefined };
      }
    } catch {
      // No run folder (or not readable): no link.
    }
    this.folder.set(key, found);
    return found ?? undefined;
  }
}
