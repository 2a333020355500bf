/**
 * The commands behind the "Get started with Loss Lens" walkthrough (package.json
 * `contributes.walkthroughs`): open a bundled example log, and run the bundled example training
 * script with the training runner.
 *
 * The extension ships examples/ in the .vsix, but the installed extension folder may be
 * read-only, so the examples are copied into the extension's global storage first (again when
 * the extension was updated). The example script goes into the open workspace folder instead,
 * when there is one, so that its runs land in the workspace's `.loss-lens/runs` like any other.
 */
import * as vscode from 'vscode';
import { CommandId } from './commands';

const EXAMPLES = 'examples';
const EXAMPLE_LOG = 'diverging_run.log';
const EXAMPLE_SCRIPT = 'train_example.py';
/** Folder of the example script inside a workspace folder. */
const WORKSPACE_EXAMPLE_FOLDER = 'loss-lens-example';
/** globalState: the extension version whose examples were copied last. */
const COPIED_VERSION_KEY = 'lossLens.walkthrough.examplesVersion';

export class Walkthrough {
  static register(context: vscode.ExtensionContext): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.commands.registerCommand(CommandId.openExample, () => guard(openExample(context))),
      vscode.commands.registerCommand(CommandId.runExampleTraining, () => guard(runExampleTraining(context))),
    );
  }
}

async function guard(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: could not set up the example ({0}).', text));
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function extensionVersion(context: vscode.ExtensionContext): string {
  const v = (context.extension?.packageJSON as { version?: unknown } | undefined)?.version;
  return typeof v === 'string' ? v : '';
}

/**
 * Copy the bundled examples into global storage (files missing there, or all of them when the
 * extension changed version) and return that folder.
 */
async function copyExamples(context: vscode.ExtensionContext): Promise<vscode.Uri> {
  const from = vscode.Uri.joinPath(context.extensionUri, EXAMPLES);
  const to = vscode.Uri.joinPath(context.globalStorageUri, EXAMPLES);
  const version = extensionVersion(context);
  const refresh = context.globalState.get<string>(COPIED_VERSION_KEY) !== version;
  await vscode.workspace.fs.createDirectory(to);
  for (const [name, type] of await vscode.workspace.fs.readDirectory(from)) {
    if (type !== vscode.FileType.File) continue;
    const target = vscode.Uri.joinPath(to, name);
    if (refresh || !(await exists(target))) {
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(from, name), target, { overwrite: true });
    }
  }
  if (refresh) await context.globalState.update(COPIED_VERSION_KEY, version);
  return to;
}

/** The example log as text (findings in the editor and the Problems panel) and as curves beside it. */
async function openExample(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.Uri.joinPath(await copyExamples(context), EXAMPLE_LOG);
  const doc = await vscode.workspace.openTextDocument(log);
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
  await vscode.commands.executeCommand(CommandId.openCurves, log);
}

/**
 * The example script, where "Run Training" can run it: in the first workspace folder when one
 * is open on disk (kept when it is there already: it may have been edited), else in global
 * storage. Then it is shown and run like the active Python file.
 */
async function runExampleTraining(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    // Write nothing into an untrusted workspace: "Run Training" says why it will not run.
    await vscode.commands.executeCommand(CommandId.runTraining);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
  let script: vscode.Uri;
  if (folder) {
    const dir = vscode.Uri.joinPath(folder.uri, WORKSPACE_EXAMPLE_FOLDER);
    script = vscode.Uri.joinPath(dir, EXAMPLE_SCRIPT);
    if (!(await exists(script))) {
      await vscode.workspace.fs.createDirectory(dir);
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(context.extensionUri, EXAMPLES, EXAMPLE_SCRIPT), script);
    }
  } else {
    script = vscode.Uri.joinPath(await copyExamples(context), EXAMPLE_SCRIPT);
  }
  const doc = await vscode.workspace.openTextDocument(script);
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand(CommandId.runTraining, script);
}
