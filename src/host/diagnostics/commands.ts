/**
 * Command ids used by the editor diagnostics (STYLE 18). The handlers: `linkTrainingScript` and
 * `copySuggestedFix` in {@link ./index.ts EditorDiagnostics}; `revealStep` and `openCurves` are
 * registered by the viewer (src/host/viewer) and only executed from here.
 */
export const DiagnosticsCommandId = {
  // User facing (contributed in package.json).
  /** Link a training log to the Python script that produced it. Args: (logUri?, scriptUri?). */
  linkTrainingScript: 'lossLens.linkTrainingScript',

  // Internal (not in the palette).
  /** Copy a finding's suggested fix to the clipboard. Args: (text). */
  copySuggestedFix: 'lossLens.diagnostics.copySuggestedFix',

  // Registered elsewhere (the viewer).
  /** Args: (uriString, step, seriesName). */
  revealStep: 'lossLens.revealStep',
  /** Args: (uri). */
  openCurves: 'lossLens.openCurves',
} as const;
