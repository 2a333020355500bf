/** Command ids of the training runner (user facing, then internal). */
export const RunnerCommandId = {
  /** {@link TrainingController.runTraining} */
  runTraining: 'lossLens.runTraining',
  /** {@link TrainingController.stopTraining} */
  stopTraining: 'lossLens.stopTraining',
  /** {@link TrainingController.watchLog} */
  watchLog: 'lossLens.watchLog',
  /** {@link TrainingController.showLiveRun} (the status bar item) */
  showLiveRun: 'lossLens.showLiveRun',
} as const;

/** Context key: a training run is going (enables "Stop Training"). */
export const RUNNING_CONTEXT = 'lossLens.trainingRunning';
