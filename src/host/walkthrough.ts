/**
 * The commands behind the "Get started with Loss Lens" walkthrough (package.json
 * `contributes.walkthroughs`): open a bundled example log, and run the bundled example training
 * script with the training runner.
 *
 * The extension ships examples/ in the .vsix, but the installed extension folder may be
 * read-only, so the examples are copied out first. The example log and script go into the open
 * workspace folder (`loss-lens-example/`), where the user sees them and the script's runs land
 * in the workspace's `.loss-lens/runs` like any other. Without a trusted workspace folder the
 * log opens as an untitled copy and the script runs from the extension's global storage; the
 * user never lands on a file inside that hidden storage folder by opening the example log.
 *
 * The walkthrough itself opens once, on the first start after install (unless VS Code's
 * `workbench.welcomePage.walkthroughs.openOnInstall` is off or `workbench.startupEditor` is
 * `none`: the user asked to start without an editor).
 */
import * as vscode from 'vscode';
import { CommandId } from './commands';
import { readWorkbenchSetting } from './config';

const EXAMPLES = 'examples';
const EXAMPLE_LOG = 'diverging_run.log';
const EXAMPLE_SCRIPT = 'train_example.py';
/** Folder of the example script inside a workspace folder. */
const WORKSPACE_EXAMPLE_FOLDER = 'loss-lens-example';
/** globalState: the extension version whose examples were copied last. */
const COPIED_VERSION_KEY = 'lossLens.walkthrough.examplesVersion';
/** globalState: the walkthrough was opened on a first start. */
const SHOWN_KEY = 'lossLens.walkthrough.shown';
/** `<publisher>.<name>#<walkthrough id>` of package.json. */
const WALKTHROUGH_ID = 'lossLens.gettingStarted';

export class Walkthrough {
  static register(context: vscode.ExtensionContext): vscode.Disposable {
    void openOnFirstStart(context);
    return vscode.Disposable.from(
      vscode.commands.registerCommand(CommandId.openExample, () => guard(openExample(context))),
      vscode.commands.registerCommand(CommandId.runExampleTraining, () => guard(runExampleTraining(context))),
    );
  }
}

/** Open the walkthrough on the first start after install, once (VS Code's own settings can turn it off). */
async function openOnFirstStart(context: vscode.ExtensionContext): Promise<void> {
  if (context.globalState.get<boolean>(SHOWN_KEY)) return;
  await context.globalState.update(SHOWN_KEY, true);
  // VS Code's own choices: no walkthroughs on install, or start without any editor.
  if (readWorkbenchSetting<boolean>('welcomePage.walkthroughs.openOnInstall') === false || readWorkbenchSetting<string>('startupEditor') === 'none') return;
  const id = context.extension?.id ?? 'loss-lens.loss-lens';
  try {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${id}#${WALKTHROUGH_ID}`, false);
  } catch {
    // An editor without walkthroughs: nothing to open.
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

/** The workspace folder the examples go into: the first one on disk, when the workspace is trusted. */
function exampleFolder(): vscode.Uri | undefined {
  if (!vscode.workspace.isTrusted) return undefined;
  const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
  return folder ? vscode.Uri.joinPath(folder.uri, WORKSPACE_EXAMPLE_FOLDER) : undefined;
}

/** Copy a bundled example into the workspace's example folder, unless it is there (it may have been edited). */
async function copyToWorkspace(context: vscode.ExtensionContext, dir: vscode.Uri, name: string): Promise<vscode.Uri> {
  const target = vscode.Uri.joinPath(dir, name);
  if (!(await exists(target))) {
    await vscode.workspace.fs.createDirectory(dir);
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(context.extensionUri, EXAMPLES, name), target);
  }
  return target;
}

/**
 * The example log as text (findings in the editor and the Problems panel) and as curves beside
 * it: a copy in the workspace folder; without one, an untitled copy (text and findings).
 */
async function openExample(context: vscode.ExtensionContext): Promise<void> {
  const dir = exampleFolder();
  if (!dir) {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, EXAMPLES, EXAMPLE_LOG));
    const doc = await vscode.workspace.openTextDocument({ content: new TextDecoder().decode(bytes), language: 'log' });
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    return;
  }
  const log = await copyToWorkspace(context, dir, EXAMPLE_LOG);
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
  const dir = exampleFolder();
  const script = dir
    ? await copyToWorkspace(context, dir, EXAMPLE_SCRIPT)
    : vscode.Uri.joinPath(await copyExamples(context), EXAMPLE_SCRIPT);
  const doc = await vscode.workspace.openTextDocument(script);
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand(CommandId.runTraining, script);
}
