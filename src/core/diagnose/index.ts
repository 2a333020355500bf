/** Public API of the diagnostic engine. */
export { diagnose, LiveDiagnoser, summarize, summarizeState, sortFindings, analyze } from './engine';
export type { DiagnoseOptions, LiveUpdate, RunSummary } from './engine';
export { DEFAULT_SETTINGS, resolveSettings } from './settings';
export type { DiagnoseSettings } from './settings';
export { convergenceStatus } from './convergence';
export type { ConvergenceStatus } from './convergence';
export { capacity as modelCapacity } from './overfitting';
export type { Capacity } from './overfitting';
export { inferClasses } from './noLearning';
export { FIXES_BY_KIND, FIX_CODE, fixesFor } from './fixes';
export type { FixId } from './fixes';
export * from './types';
