/**
 * Every command id of the extension, in one place (STYLE 18): the user-facing ones are exactly
 * package.json's `contributes.commands` (test/unit/host/commands.test.ts checks it, with the
 * menus, the walkthrough and the command links of the manifest's strings); the internal ones
 * are registered but never contributed.
 *
 * An `as const` object rather than a `const enum`: the test must enumerate the ids, and a
 * const enum cannot be used as a value. `CommandId` is also the type of one id.
 */
export const CommandId = {
  // User facing (contributed in package.json).
  /** Palette, editor title: the active log, else a picked file or run directory ({@link ./viewer/commands.ts ViewerCommands}). Args: (uri?). */
  openCurves: 'lossLens.openCurves',
  /** Palette: several logs or run directories overlaid ({@link ./viewer/commands.ts ViewerCommands}). */
  compareRuns: 'lossLens.compareRuns',
  /** Palette, editor title of a view: PNG / CSV / JSON / HTML ({@link ./viewer/commands.ts ViewerCommands}). */
  export: 'lossLens.export',
  /** Explorer context menu, files and folders; several selected = compare ({@link ./viewer/commands.ts ViewerCommands}). */
  openWith: 'lossLens.openWithLossLens',
  /** Link a training log to the Python script that produced it ({@link ./diagnostics/index.ts EditorDiagnostics}). Args: (logUri?, scriptUri?). */
  linkTrainingScript: 'lossLens.linkTrainingScript',
  /** {@link ./runner/controller.ts TrainingController.runTraining}. Args: (scriptUri?). */
  runTraining: 'lossLens.runTraining',
  /** {@link ./runner/controller.ts TrainingController.stopTraining} (enabled by {@link ContextKey.trainingRunning}). */
  stopTraining: 'lossLens.stopTraining',
  /** {@link ./runner/controller.ts TrainingController.watchLog}. Args: (uri?). */
  watchLog: 'lossLens.watchLog',
  /** Walkthrough: open a writable copy of examples/diverging_run.log as text and as curves ({@link ./walkthrough.ts Walkthrough}). */
  openExample: 'lossLens.openExample',
  /** Walkthrough: copy examples/train_example.py where it can run and run it ({@link ./walkthrough.ts Walkthrough}). */
  runExampleTraining: 'lossLens.runExampleTraining',
  /** Runs view title: list the runs again ({@link ./runsView/runsView.ts RunsView}). */
  runsRefresh: 'lossLens.runs.refresh',
  /** Runs view title: sort by best loss, status or recency ({@link ./runsView/runsView.ts RunsView}). */
  runsSort: 'lossLens.runs.sort',
  /** Runs view title: show only some statuses ({@link ./runsView/runsView.ts RunsView}). */
  runsFilter: 'lossLens.runs.filter',
  /** Runs view title: the sweep table webview ({@link ./runsView/table.ts RunsTablePanel}). */
  runsTable: 'lossLens.runs.showTable',
  /** Runs view, several runs selected: overlay them in the viewer ({@link ./runsView/runsView.ts RunsView}). Args: (node?, nodes?). */
  runsCompare: 'lossLens.runs.compare',
  /** Runs view, two runs selected: what differs in their curves and configuration ({@link ./runsView/runsView.ts RunsView}). Args: (node?, nodes?). */
  runsExplain: 'lossLens.runs.explain',

  // Internal (registered, not contributed).
  /** Hover links, quick fix "Show in Loss Lens": open a log zoomed to a step ({@link ./viewer/commands.ts ViewerCommands}). Args: (uriString, step, series?). */
  revealStep: 'lossLens.revealStep',
  /** Copy a finding's suggested fix to the clipboard ({@link ./diagnostics/index.ts EditorDiagnostics}). Args: (text). */
  copySuggestedFix: 'lossLens.diagnostics.copySuggestedFix',
  /** The training status bar item ({@link ./runner/controller.ts TrainingController.showLiveRun}). */
  showLiveRun: 'lossLens.showLiveRun',
  /** A run of the runs view clicked: its curves ({@link ./runsView/runsView.ts RunsView}). Args: (path). */
  runsOpen: 'lossLens.runs.open',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/** The ids registered but not contributed in package.json. */
export const INTERNAL_COMMAND_IDS: readonly CommandId[] = [CommandId.revealStep, CommandId.copySuggestedFix, CommandId.showLiveRun, CommandId.runsOpen];

/** Context keys the extension sets (`setContext`) for `when` / `enablement` clauses. */
export const ContextKey = {
  /** A training run is going (enables "Stop Training"). */
  trainingRunning: 'lossLens.trainingRunning',
} as const;

/** Commands of other extensions the host runs (the Python extension's interpreter picker). */
export const ExternalCommand = {
  pythonSetInterpreter: 'python.setInterpreter',
} as const;
