/**
 * What every detector gets: the run state, settings, language, the schedule, shared flags, and a
 * helper that turns a detector's result into a localised Finding.
 */
import { t, type MessageKey, type Params } from '../i18n';
import type { Run } from '../model';
import { fixesFor, FIXES_BY_KIND, type FixId } from './fixes';
import type { LrState, RangeTest } from './lrState';
import type { RunState } from './runState';
import type { SeriesState } from './seriesState';
import type { DiagnoseSettings } from './settings';
import { clamp01, round } from './stats';
import type { Evidence, Finding, FindingKind, Lang, Severity } from './types';

export interface Ctx {
  run: Run;
  rs: RunState;
  st: DiagnoseSettings;
  lang: Lang;
  out: Finding[];
  /** The LR schedule (the LR series with the most points), if logged. */
  lr: LrState | undefined;
  rangeTest: RangeTest | null;
  /** Number of classes (given or from run.meta); undefined when unknown. */
  numClasses: number | undefined;
  /** Series names flagged by earlier detectors (used to avoid contradictory findings). */
  diverged: Set<string>;
  noLearning: Set<string>;
  oscillating: Set<string>;
  overfit: Set<string>;
  notConverged: Set<string>;
}

export interface FindingSpec {
  kind: FindingKind;
  severity: Severity;
  state: SeriesState | { name: string };
  /** Point index of the onset (gives step and line), or an explicit step. */
  idx?: number;
  step?: number;
  endStep?: number;
  line?: number;
  title: [MessageKey, Params?];
  /** Sentences of the message, in order. */
  message: [MessageKey, Params?][];
  evidence: Evidence;
  fixes?: readonly FixId[];
  fixParams?: Params;
  confidence: number;
  /** Distinguishes several findings of the same kind on the same series. */
  idSuffix?: string;
}

/** "Training loss "loss"" in the context's language. */
export function subject(ctx: Ctx, s: SeriesState): string {
  return t(ctx.lang, 'subject', { role: t(ctx.lang, `role.${s.role}` as MessageKey), series: s.name });
}

export function emit(ctx: Ctx, spec: FindingSpec): Finding {
  const s = spec.state as SeriesState;
  const isState = typeof (s as Partial<SeriesState>).stepAt === 'function';
  const base: Params = { series: spec.state.name };
  if (isState) base.subject = subject(ctx, s);
  let step = spec.step ?? NaN;
  let line = spec.line;
  if (isState && spec.idx !== undefined && spec.idx >= 0) {
    if (spec.step === undefined) step = s.stepAt(spec.idx);
    if (line === undefined) line = s.lineAt(spec.idx);
  }
  const [tk, tp] = spec.title;
  const unit = inUnit(ctx);
  const title = unit(t(ctx.lang, tk, { ...base, ...tp }));
  const message = unit(spec.message.map(([k, p]) => t(ctx.lang, k, { ...base, ...p })).join(ctx.lang === 'zh-cn' ? '' : ' '));
  const f: Finding = {
    kind: spec.kind,
    severity: spec.severity,
    series: spec.state.name,
    step,
    title,
    message,
    evidence: cleanEvidence(spec.evidence),
    fixes: fixesFor(spec.fixes ?? FIXES_BY_KIND[spec.kind], ctx.lang, spec.fixParams),
    confidence: round(clamp01(spec.confidence), 3),
    source: ctx.run.source,
    id: `${spec.kind}:${spec.state.name}${spec.idSuffix ? ':' + spec.idSuffix : ''}`,
  };
  if (spec.endStep !== undefined && Number.isFinite(spec.endStep)) f.endStep = spec.endStep;
  if (line !== undefined) f.line = line;
  ctx.out.push(f);
  return f;
}

/**
 * Findings speak in the unit of the run's x axis: where the steps are epochs (run.meta.stepUnit,
 * set by the reader: a Keras CSVLogger's `epoch` column, a text log with only epoch counters),
 * "step 22" reads "epoch 22" (第 22 轮).
 */
function inUnit(ctx: Ctx): (text: string) => string {
  if (ctx.run.meta.stepUnit !== 'epoch') return text => text;
  if (ctx.lang === 'zh-cn') return text => text.replace(/第 (-?[\d.e+]+(?:–-?[\d.e+]+)?) 步/g, '第 $1 轮');
  return text => text.replace(/\bstep (?=-?\d)/g, 'epoch ').replace(/\bsteps (?=-?\d)/g, 'epochs ');
}

function cleanEvidence(e: Evidence): Evidence {
  const out: Evidence = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined) continue;
    if (typeof v === 'number') out[k] = Number.isFinite(v) ? round(v, 6) : null;
    else if (Array.isArray(v)) out[k] = v.map(x => (Number.isFinite(x) ? round(x, 8) : x));
    else out[k] = v;
  }
  return out;
}

/** Typical step distance between consecutive points of a series (for guards given in points). */
export function stepSpacing(s: SeriesState): number {
  const n = s.points;
  if (n < 2 || !Number.isFinite(s.firstStep) || !Number.isFinite(s.lastStep)) return 1;
  const d = (s.lastStep - s.firstStep) / (n - 1);
  return d > 0 ? d : 1;
}

/** The schedule explains an event at `step`: inside the warmup or just after an LR jump up. */
export function scheduleExplains(ctx: Ctx, s: SeriesState, step: number): boolean {
  const lr = ctx.lr;
  if (!lr) return false;
  const wu = lr.warmupEnd();
  if (Number.isFinite(wu) && step <= wu) return true;
  const guard = ctx.st.scheduleGuardPoints * stepSpacing(s);
  return lr.jumpUpIn(step - guard, step);
}
