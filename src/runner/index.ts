/**
 * The training runner: launch a command, watch it live, stop it when it goes bad; and follow
 * logs written elsewhere. Node-only, free of `vscode` (the CLI, the tests and the extension
 * host share it).
 */
export { TrainingRun, defaultRunName, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_RUNS_FOLDER } from './trainingRun';
export type { FindingEvent, LineEvent, OutputSummary, RunEventInfo, RunResult, RunStatus, TrainingRunOptions } from './trainingRun';
export { LogWatcher, FileTailer, isLogFileName } from './tail';
export type { RunReason, TailOptions, WatchEvent, WatcherOptions } from './tail';
export { LiveDiagnosis } from './liveDiagnosis';
export type { LiveDiagnosisOptions } from './liveDiagnosis';
export { LiveLineParser } from './liveParser';
export { createLiveDiagnoser, DIAGNOSER_IMPLEMENTATION } from './diagnoser';
export type { DiagnoserFactory, LiveDiagnoserLike, LiveDiagnoserOptions } from './diagnoser';
export { StopPolicy, PatienceTracker, parseStopKinds, DEFAULT_STOP_ON, DEFAULT_PATIENCE } from './stopPolicy';
export type { StopKind } from './stopPolicy';
export { BoundedOutputLog, fmtBytes } from './outputLog';
export type { OutputStats } from './outputLog';
export { ThrottledLineSink } from './throttledSink';
export { createRunFolder, listRuns, pseudoFileSystem, readRunRecord, writeRunRecord, redactEnv } from './runFolder';
export type { PastRun, RunRecord, StopRecord } from './runFolder';
export { groupMembers, descendants, isAlive, signalGroup, stopProcessTree } from './processGroup';
export { splitCommandLine, formatCommandLine, quoteArg, expandVariables, resolveProgram } from './commandLine';
export { formatFinding, formatFixes, fmtStep, msg } from './messages';
export { Emitter } from './emitter';
export type { Disposable, Event } from './emitter';
