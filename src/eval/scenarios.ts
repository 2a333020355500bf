/**
 * The labelled PyTorch fault scenarios of test/scenarios (see its README.md for the schema):
 * label types, the kind lists, and a loader that reads every committed log.
 *
 * Node-only (node:fs) but free of `vscode`: the evaluator and the scenario tests share it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FindingKind } from '../core/diagnose/types';
import { loadPaths } from '../core/load';
import type { Run } from '../core/model';

/** Kinds that are problems: raised at warning or error severity when they hold. */
export const PROBLEM_KINDS: readonly FindingKind[] = [
  'divergence',
  'loss-spike',
  'oscillation',
  'plateau',
  'no-learning',
  'overfitting',
  'underfitting',
  'gradient-explosion',
  'vanishing-gradient',
  'non-finite',
  'loss-imbalance',
];

/** Kinds that are information only. */
export const INFO_KINDS: readonly FindingKind[] = ['not-converged', 'early-stop', 'restart', 'lr-suggestion'];

export function isProblemKind(kind: FindingKind): boolean {
  return PROBLEM_KINDS.includes(kind);
}

export interface ExpectedFinding {
  kind: FindingKind;
  /** Name of the series as written in the log. */
  series?: string;
  /** Role the series should get. A finding matches on either `series` or `role`. */
  role?: string;
  alternatives?: FindingKind[];
  onset?: number;
  onsetTolerance?: number;
  onsetUnit?: string;
  onsetLine?: number;
  /** loss-spike: number of spikes and their steps. */
  count?: number;
  steps?: number[];
  /** lr-suggestion: reference LR and the range of acceptable suggestions. */
  lr?: number;
  lrRange?: [number, number];
  /** restart: the step before the jump. */
  previousStep?: number;
  [extra: string]: unknown;
}

export interface ScenarioLabel {
  script: string;
  log: string;
  format: string;
  expected: ExpectedFinding[];
  forbidden: FindingKind[];
  forbiddenInfo?: FindingKind[];
  notes?: string;
  facts?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  label: ScenarioLabel;
  /** Absolute path of the committed log. */
  logPath: string;
}

export interface LoadedScenario extends Scenario {
  run: Run;
}

/** test/scenarios, from the repository root. */
export function scenariosDir(repoRoot: string): string {
  return path.join(repoRoot, 'test', 'scenarios');
}

export function readLabels(dir: string): Scenario[] {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8')) as Record<string, ScenarioLabel>;
  return Object.keys(raw)
    .sort()
    .map(name => ({ name, label: raw[name], logPath: path.join(dir, raw[name].log) }));
}

/** Read one scenario's committed log: exactly one run, no load problems. */
export async function loadScenarioRun(s: Scenario): Promise<Run> {
  const { runs, problems } = await loadPaths([s.logPath]);
  if (problems.length) throw new Error(`${s.name}: ${problems.map(p => p.message).join('; ')}`);
  if (runs.length !== 1) throw new Error(`${s.name}: expected one run, got ${runs.length}`);
  return runs[0];
}

export async function loadScenarios(dir: string): Promise<LoadedScenario[]> {
  const out: LoadedScenario[] = [];
  for (const s of readLabels(dir)) out.push({ ...s, run: await loadScenarioRun(s) });
  return out;
}

/**
 * A hard negative: every problem kind is forbidden (nothing is wrong with the run; info findings
 * such as `restart` or `not-converged` may still be expected or allowed).
 */
export function isHardNegative(label: ScenarioLabel): boolean {
  return PROBLEM_KINDS.every(k => label.forbidden.includes(k));
}

/** The kinds that satisfy an expected item: its kind and its alternatives. */
export function acceptedKinds(e: ExpectedFinding): FindingKind[] {
  return [e.kind, ...(e.alternatives ?? [])];
}
