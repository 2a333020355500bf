/**
 * Scores detectors against the labelled scenarios, kind by kind.
 *
 * Per scenario, a detector's alarms are reduced to the kinds it raised (each at its earliest
 * step). Then:
 * - recall, per expected item (counted under the item's kind): found when the detector raised the
 *   kind or one of its `alternatives`; otherwise a miss (FN). The onset error of a found item with
 *   a labelled onset is |step - onset|, in the log's steps and as a % of the run's length;
 * - precision, per raised kind: correct when it is expected (or an alternative) in that scenario;
 *   a false positive (FP) when it is forbidden there (problem kinds: `forbidden`, or any problem
 *   kind on a hard negative; info kinds: `forbiddenInfo`); otherwise neither (an allowed secondary
 *   reading, per the labels' notes);
 * - false alarms on the healthy runs (the hard negatives, where every problem kind is forbidden)
 *   are also counted on their own.
 *
 * Pure TypeScript (no Node, no vscode).
 */
import { FINDING_KINDS, type FindingKind } from '../core/diagnose/types';
import type { Run } from '../core/model';
import { runSpan } from './runView';
import { acceptedKinds, isHardNegative, isProblemKind, type ScenarioLabel } from './scenarios';
import type { Detection, Detector } from './types';

export interface EvalScenario {
  name: string;
  label: ScenarioLabel;
  run: Run;
}

export interface KindScore {
  /** Expected items of this kind that were found / missed. */
  found: number;
  missed: number;
  /** Raised alarms of this kind that were expected / forbidden. */
  correct: number;
  falsePositives: number;
  /** |onset error| of each found item with a labelled onset: steps and % of the run length. */
  onsetErrors: number[];
  onsetErrorsPct: number[];
}

export interface ScenarioOutcome {
  /** Raised kinds with their earliest step. */
  raised: Map<FindingKind, number>;
  /** Expected items' kinds found (with the kind that matched) and missed. */
  found: Array<{ expected: FindingKind; matched: FindingKind; onsetError?: number }>;
  missed: FindingKind[];
  correct: FindingKind[];
  falsePositives: FindingKind[];
  /** Raised, neither expected nor forbidden. */
  allowed: FindingKind[];
}

export interface DetectorScore {
  detector: Detector;
  perKind: Map<FindingKind, KindScore>;
  perScenario: Map<string, ScenarioOutcome>;
  /** Healthy runs (hard negatives) with at least one false alarm, and the false alarms on them. */
  healthyRunsAlarmed: string[];
  healthyFalseAlarms: number;
}

export interface Evaluation {
  scenarios: EvalScenario[];
  healthy: string[];
  scores: DetectorScore[];
}

function emptyScore(): KindScore {
  return { found: 0, missed: 0, correct: 0, falsePositives: 0, onsetErrors: [], onsetErrorsPct: [] };
}

/** The earliest step of each raised kind. */
export function raisedKinds(dets: Detection[]): Map<FindingKind, number> {
  const m = new Map<FindingKind, number>();
  for (const d of dets) {
    const prev = m.get(d.kind);
    if (prev === undefined || (Number.isFinite(d.step) && !(d.step >= prev))) m.set(d.kind, d.step);
  }
  return m;
}

/** Whether raising `kind` is a false positive on this scenario. */
export function isForbidden(label: ScenarioLabel, kind: FindingKind): boolean {
  if (isProblemKind(kind)) return label.forbidden.includes(kind) || isHardNegative(label);
  return label.forbiddenInfo?.includes(kind) ?? false;
}

export function scoreScenario(label: ScenarioLabel, dets: Detection[]): ScenarioOutcome {
  const raised = raisedKinds(dets);
  const out: ScenarioOutcome = { raised, found: [], missed: [], correct: [], falsePositives: [], allowed: [] };
  const expectedKinds = new Set<FindingKind>();
  for (const e of label.expected) {
    const kinds = acceptedKinds(e);
    kinds.forEach(k => expectedKinds.add(k));
    const matched = kinds.find(k => raised.has(k));
    if (!matched) {
      out.missed.push(e.kind);
      continue;
    }
    const step = raised.get(matched)!;
    const item: ScenarioOutcome['found'][number] = { expected: e.kind, matched };
    if (e.onset !== undefined && Number.isFinite(step)) item.onsetError = Math.abs(step - e.onset);
    out.found.push(item);
  }
  for (const k of raised.keys()) {
    if (expectedKinds.has(k)) out.correct.push(k);
    else if (isForbidden(label, k)) out.falsePositives.push(k);
    else out.allowed.push(k);
  }
  return out;
}

export function evaluate(scenarios: EvalScenario[], detectors: readonly Detector[]): Evaluation {
  const healthy = scenarios.filter(s => isHardNegative(s.label)).map(s => s.name);
  const scores = detectors.map(detector => {
    const perKind = new Map<FindingKind, KindScore>(FINDING_KINDS.map(k => [k, emptyScore()]));
    const perScenario = new Map<string, ScenarioOutcome>();
    const healthyRunsAlarmed: string[] = [];
    let healthyFalseAlarms = 0;
    for (const s of scenarios) {
      const o = scoreScenario(s.label, detector.detect(s.run));
      perScenario.set(s.name, o);
      const span = runSpan(s.run).length;
      for (const f of o.found) {
        const ks = perKind.get(f.expected)!;
        ks.found++;
        if (f.onsetError !== undefined) {
          ks.onsetErrors.push(f.onsetError);
          ks.onsetErrorsPct.push(span > 0 ? (100 * f.onsetError) / span : 0);
        }
      }
      for (const k of o.missed) perKind.get(k)!.missed++;
      for (const k of o.correct) perKind.get(k)!.correct++;
      for (const k of o.falsePositives) perKind.get(k)!.falsePositives++;
      if (isHardNegative(s.label) && o.falsePositives.length) {
        healthyRunsAlarmed.push(s.name);
        healthyFalseAlarms += o.falsePositives.length;
      }
    }
    return { detector, perKind, perScenario, healthyRunsAlarmed, healthyFalseAlarms };
  });
  return { scenarios, healthy, scores };
}

// ---------------------------------------------------------------------------------------------
// Aggregates

export interface Totals {
  found: number;
  missed: number;
  correct: number;
  falsePositives: number;
  onsetErrors: number[];
  onsetErrorsPct: number[];
}

export function totals(score: DetectorScore, kinds: readonly FindingKind[] = FINDING_KINDS): Totals {
  const t: Totals = { found: 0, missed: 0, correct: 0, falsePositives: 0, onsetErrors: [], onsetErrorsPct: [] };
  for (const k of kinds) {
    const s = score.perKind.get(k)!;
    t.found += s.found;
    t.missed += s.missed;
    t.correct += s.correct;
    t.falsePositives += s.falsePositives;
    t.onsetErrors.push(...s.onsetErrors);
    t.onsetErrorsPct.push(...s.onsetErrorsPct);
  }
  return t;
}

/** undefined when nothing was raised / expected. */
export function precision(s: { correct: number; falsePositives: number }): number | undefined {
  const n = s.correct + s.falsePositives;
  return n ? s.correct / n : undefined;
}

export function recall(s: { found: number; missed: number }): number | undefined {
  const n = s.found + s.missed;
  return n ? s.found / n : undefined;
}

export function meanOf(xs: number[]): number | undefined {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
}

/**
 * Recall over the expected items a detector could find at all: those whose kind (or an
 * alternative) is among the kinds it can raise.
 */
export function coveredRecall(score: DetectorScore, scenarios: EvalScenario[]): { found: number; total: number } {
  let found = 0;
  let total = 0;
  for (const s of scenarios) {
    const o = score.perScenario.get(s.name)!;
    for (const e of s.label.expected) {
      if (!acceptedKinds(e).some(k => score.detector.kinds.includes(k))) continue;
      total++;
      if (acceptedKinds(e).some(k => o.raised.has(k))) found++;
    }
  }
  return { found, total };
}
