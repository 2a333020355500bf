import type * as vscode from 'vscode';
import { EditorDiagnostics } from './host/diagnostics';
import { setLoadLog } from './host/loadOptions';
import { TrainingController } from './host/runner/controller';
import { RunsView } from './host/runsView/runsView';
import { ViewerCommands } from './host/viewer/commands';
import { LossCurvesEditorProvider } from './host/viewer/curvesEditor';
import { LossLensViewers } from './host/viewer/viewers';
import { Walkthrough } from './host/walkthrough';

export function activate(context: vscode.ExtensionContext): void {
  // Curve viewer: `viewers` opens views (files, live runs) and reveals steps for other features.
  const viewers = new LossLensViewers(context);
  context.subscriptions.push(viewers);
  // How large logs were read (two threads or one) goes to the viewer's output channel.
  setLoadLog(m => viewers.log(m));
  context.subscriptions.push({ dispose: () => setLoadLog(undefined) });
  context.subscriptions.push(LossCurvesEditorProvider.register(context, viewers));
  context.subscriptions.push(ViewerCommands.register(context, viewers));
  // Inline diagnostics: findings on logs, checks and hyperparameter fixes on training scripts.
  context.subscriptions.push(EditorDiagnostics.register(context));
  // Training runner: Run Training / Stop Training / Watch Log…, live curves in the viewer.
  context.subscriptions.push(TrainingController.register(context, viewers));
  // Walkthrough "Get started with Loss Lens": open the example log, run the example training.
  context.subscriptions.push(Walkthrough.register(context));
  // The runs view: every run of the workspace, ranked, with the sweep insights.
  context.subscriptions.push(RunsView.register(context, viewers));
}

export function deactivate(): void {}
