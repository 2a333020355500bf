/**
 * The training runner: launch a command, watch it live, stop it when it goes bad; and follow
 * logs written elsewhere. Node-only, free of `vscode` (the CLI, the tests and the extension
 * host share it).
 */
export { TrainingRun, defaultRunName, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_RUNS_FOLDER } from './trainingRun';
export type { RunResult, TrainingRunOptions } from './trainingRun';
export { LogWatcher } from './tail';
export type { RunReason, WatchEvent } from './tail';
export { LiveDiagnosis } from './liveDiagnosis';
export { LiveLineParser } from './liveParser';
export { StopPolicy, parseStopKinds, CANNOT_BEAT_BEST, DEFAULT_STOP_ON, DEFAULT_PATIENCE } from './stopPolicy';
export { siblingBest, type SiblingBest } from './siblingBest';
export type { StopKind } from './stopPolicy';
export { BoundedOutputLog } from './outputLog';
export { ThrottledLineSink } from './throttledSink';
export { createRunFolder, listRuns, pseudoFileSystem, writeRunRecord, redactEnv } from './runFolder';
export type { PastRun, RunRecord, StopRecord } from './runFolder';
export { groupMembers, isAlive, stopProcessTree } from './processGroup';
export { splitCommandLine, formatCommandLine, expandVariables, resolveProgram } from './commandLine';
export { formatFinding, formatFixes, fmtStep, msg } from './messages';
export { argPairs, argText, argValue, isRunRecord, lastLines, recordScript, runFolderName, runLabel, runLabels, runOutcome, runRecordOf, scriptArgs, stopSentence, stopWhat } from './runLabels';
export type { ArgPair, LabelInput } from './runLabels';
