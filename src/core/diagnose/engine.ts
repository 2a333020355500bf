/**
 * The diagnostic engine: `diagnose` (batch), `LiveDiagnoser` (incremental) and `summarize`.
 *
 * Both engines build the same streaming RunState (O(1) amortised per point) and then run the
 * same detectors over it; the detectors only read bounded summaries (at most `coarsePoints`
 * coarse points per series, fixed-size rings, capped event lists), so an update costs O(new
 * points) plus bounded work, and a finished run gives exactly the batch findings.
 */
import { fmtNum, fmtStep, t } from '../i18n';
import type { Run } from '../model';
import type { Ctx } from './context';
import { convergenceOf, detectNotConverged, type Convergence } from './convergence';
import { detectDivergence } from './divergence';
import { detectEarlyStop, simulateEarlyStop } from './earlyStop';
import { detectGradients } from './gradient';
import { detectImbalance } from './imbalance';
import { detectLrSuggestion } from './lrSuggestion';
import { detectNoLearning, knownClasses } from './noLearning';
import { detectNonFinite } from './nonFinite';
import { detectOscillation } from './oscillation';
import { accLevel, capacity, detectOverfitting, valTrend, type Capacity } from './overfitting';
import { detectPlateaus, detectValPlateaus } from './plateau';
import { detectRestarts } from './restart';
import { RunState } from './runState';
import { resolveSettings, type DiagnoseSettings } from './settings';
import { detectLossSpikes } from './spike';
import { detectUnderfitting } from './underfitting';
import { FINDING_KINDS, SEVERITY_RANK, type Finding, type Lang, type Severity } from './types';

export type DiagnoseOptions = Partial<DiagnoseSettings> & { lang?: Lang };

/** Run every detector over a fed run state. Bounded work (independent of the run length). */
export function analyze(fed: RunState, st: DiagnoseSettings, lang: Lang): Finding[] {
  // a loss logged as a per-epoch running mean is judged on its epoch ends (runningMean.ts)
  const rs = fed.judging();
  const lr = rs.primaryLr();
  const ctx: Ctx = {
    run: rs.run,
    rs,
    st,
    lang,
    out: [],
    lr,
    rangeTest: lr ? lr.rangeTest() : null,
    numClasses: knownClasses(st, rs.run.meta),
    diverged: new Set(),
    noLearning: new Set(),
    oscillating: new Set(),
    overfit: new Set(),
    notConverged: new Set(),
  };
  detectRestarts(ctx);
  detectNonFinite(ctx);
  detectLrSuggestion(ctx);
  detectDivergence(ctx);
  detectLossSpikes(ctx);
  detectOscillation(ctx);
  detectNoLearning(ctx);
  detectPlateaus(ctx);
  detectOverfitting(ctx);
  detectNotConverged(ctx);
  detectUnderfitting(ctx);
  detectEarlyStop(ctx);
  detectValPlateaus(ctx);
  detectGradients(ctx);
  detectImbalance(ctx);
  return sortFindings(foldTwins(ctx, noteRunningMeans(ctx, foldSpikes(ctx, foldBlowUp(ctx)))));
}

/** A finding on a series judged on its epoch ends says so, with the epochs it measured. */
function noteRunningMeans(ctx: Ctx, out: Finding[]): Finding[] {
  const rms = ctx.rs.runningMeans;
  if (rms.size === 0) return out;
  for (const f of out) {
    const rm = rms.get(f.series);
    if (!rm) continue;
    f.message += ' ' + t(ctx.lang, 'runningMean.note', { series: f.series, n: rm.ends.length });
    f.evidence.runningMeanEpochEnds = rm.ends.length;
    f.evidence.runningMeanDecay = rm.decay;
    f.evidence.runningMeanJump = rm.jump;
  }
  return out;
}

/**
 * One event, one finding: a gradient explosion or a divergence of another loss that follows the
 * training loss going non-finite for good (error; onset at or after its onset) is named in that
 * finding instead of being a finding of its own. One that starts earlier is a cause with its own
 * fixes (clipping) and stays, and so does a finite blow-up's gradient explosion.
 */
function foldBlowUp(ctx: Ctx): Finding[] {
  const out = ctx.out;
  const main = ctx.rs.primary('train_loss');
  if (!main) return out;
  const primary = out
    .filter(f => f.severity === 'error' && f.series === main.name && f.kind === 'non-finite')
    .sort((a, b) => a.step - b.step)[0];
  if (!primary) return out;
  const folded = out.filter(
    f =>
      f !== primary &&
      f.severity !== 'info' &&
      f.step >= primary.step &&
      (f.kind === 'gradient-explosion' || (f.kind === 'divergence' && f.series !== main.name)),
  );
  if (folded.length === 0) return out;
  const items = folded.map(f => t(ctx.lang, 'blowUp.alsoItem', { kind: f.kind, series: f.series, step: fmtStep(f.step) }));
  primary.message += ' ' + t(ctx.lang, 'blowUp.also', { others: items.join(ctx.lang === 'zh-cn' ? '；' : '; ') });
  primary.evidence.alsoBlewUp = folded.map(f => `${f.kind}:${f.series}@${f.step}`).join(', ');
  return out.filter(f => !folded.includes(f));
}

/**
 * One event, one finding: a loss-spike of a loss term (role loss_part) whose span overlaps a
 * loss-spike of the training loss is the same jump seen in a part; it is named in the training
 * loss's finding (with its peak) instead of being a finding of its own.
 */
function foldSpikes(ctx: Ctx, out: Finding[]): Finding[] {
  const main = ctx.rs.primary('train_loss');
  if (!main) return out;
  const primaries = out.filter(f => f.kind === 'loss-spike' && f.series === main.name);
  if (primaries.length === 0) return out;
  const parts = new Set(ctx.rs.byRole('loss_part').map(p => p.name));
  const folded = new Set<Finding>();
  for (const p of primaries) {
    const end = p.endStep ?? p.step;
    const same = out.filter(f => f.kind === 'loss-spike' && parts.has(f.series) && !folded.has(f) && f.step <= end && (f.endStep ?? f.step) >= p.step);
    if (same.length === 0) continue;
    for (const f of same) folded.add(f);
    const items = same.map(f => t(ctx.lang, 'spike.alsoItem', { series: f.series, peak: fmtNum(f.evidence.peak as number), step: fmtStep(f.evidence.peakStep as number) }));
    p.message += ' ' + t(ctx.lang, 'spike.also', { others: items.join(ctx.lang === 'zh-cn' ? '；' : '; ') });
    p.evidence.alsoSpiked = same.map(f => `${f.series}@${f.evidence.peakStep as number}`).join(', ');
    // the part's severity when it is higher
    if (same.some(f => f.severity === 'warning') && p.severity === 'info') p.severity = 'warning';
  }
  return folded.size === 0 ? out : out.filter(f => !folded.has(f));
}

/**
 * One event, one finding: a quantity logged twice under two names (`Test set loss` and
 * `Test loss` on neighbouring lines, every value equal) gets one finding per event. Two series
 * are twins when they have the same role, the same number of valid points between the same
 * steps and the same coarse points (block medians: bounded work). A finding of a twin of the
 * same kind, severity and step as one already kept is named in it instead.
 */
function foldTwins(ctx: Ctx, out: Finding[]): Finding[] {
  const states = [...ctx.rs.states.values()];
  const twin = (a: string, b: string): boolean => {
    const x = states.find(s => s.name === a);
    const y = states.find(s => s.name === b);
    if (!x || !y || x === y || x.role !== y.role || x.valid !== y.valid || x.valid < 2) return false;
    if (x.firstStep !== y.firstStep || x.lastStep !== y.lastStep || x.blocks.n !== y.blocks.n) return false;
    for (let j = 0; j < x.blocks.n; j++) if (!Object.is(x.blocks.med[j], y.blocks.med[j])) return false;
    return true;
  };
  const folded = new Set<Finding>();
  for (const f of out) {
    if (folded.has(f)) continue;
    const same = out.filter(
      g => g !== f && !folded.has(g) && g.kind === f.kind && g.severity === f.severity && g.step === f.step && g.series !== f.series && twin(f.series, g.series),
    );
    if (same.length === 0) continue;
    for (const g of same) folded.add(g);
    const zh = ctx.lang === 'zh-cn';
    const others = same.map(g => (zh ? `“${g.series}”` : `"${g.series}"`)).join(zh ? '、' : ', ');
    f.message += ' ' + t(ctx.lang, 'twin.also', { others });
    f.evidence.sameSeries = same.map(g => g.series).join(', ');
  }
  return folded.size === 0 ? out : out.filter(f => !folded.has(f));
}

const KIND_ORDER = new Map(FINDING_KINDS.map((k, i) => [k, i]));

/** Most severe first, then by step, kind and series (a stable, deterministic order). */
export function sortFindings(fs: Finding[]): Finding[] {
  return fs.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmpNum(a.step, b.step) ||
      (KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)!) ||
      (a.series < b.series ? -1 : a.series > b.series ? 1 : 0) ||
      ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0),
  );
}

function cmpNum(a: number, b: number): number {
  const x = Number.isFinite(a) ? a : Infinity;
  const y = Number.isFinite(b) ? b : Infinity;
  return x - y;
}

/** Diagnose finished runs. */
export function diagnose(runs: Run[], opts: DiagnoseOptions = {}): Finding[] {
  const st = resolveSettings(opts);
  const lang = opts.lang ?? 'en';
  const out: Finding[] = [];
  for (const run of runs) {
    const rs = new RunState(run, st);
    rs.feed();
    out.push(...analyze(rs, st, lang));
  }
  return out;
}

export interface LiveUpdate {
  /** Findings that appeared with this update. */
  added: Finding[];
  /** Findings already known whose content changed (same id). */
  updated: Finding[];
  /** Findings that no longer hold (e.g. a divergence that recovered). */
  removed: Finding[];
  /** Every current finding of every run this diagnoser follows. */
  all: Finding[];
}

interface LiveRun {
  rs: RunState;
  findings: Finding[];
  byId: Map<string, { f: Finding; json: string }>;
}

/**
 * Incremental diagnosis of growing runs: call `update(run)` whenever points were appended. Each
 * call consumes only the new points (O(k) amortised for k new points) plus bounded work, and on a
 * finished run returns the same findings as `diagnose([run])`.
 */
export class LiveDiagnoser {
  private readonly st: DiagnoseSettings;
  private readonly lang: Lang;
  private readonly runs = new Map<Run, LiveRun>();

  constructor(opts: DiagnoseOptions = {}) {
    this.st = resolveSettings(opts);
    this.lang = opts.lang ?? 'en';
  }

  update(run: Run): LiveUpdate {
    let lr = this.runs.get(run);
    if (!lr) {
      lr = { rs: new RunState(run, this.st), findings: [], byId: new Map() };
      this.runs.set(run, lr);
    }
    lr.rs.feed();
    const now = analyze(lr.rs, this.st, this.lang);
    const added: Finding[] = [];
    const updated: Finding[] = [];
    const next = new Map<string, { f: Finding; json: string }>();
    for (const f of now) {
      const id = f.id ?? `${f.kind}:${f.series}:${f.step}`;
      const json = JSON.stringify(f);
      const prev = lr.byId.get(id);
      if (!prev) added.push(f);
      else if (prev.json !== json) updated.push(f);
      next.set(id, { f, json });
    }
    const removed: Finding[] = [];
    for (const [id, v] of lr.byId) if (!next.has(id)) removed.push(v.f);
    lr.byId = next;
    lr.findings = now;
    return { added, updated, removed, all: this.findings() };
  }

  /** Current findings of every followed run, in run order. */
  findings(): Finding[] {
    const out: Finding[] = [];
    for (const r of this.runs.values()) out.push(...r.findings);
    return out;
  }

  /** The run summary from the live state (bounded work). */
  summary(run: Run): RunSummary {
    const lr = this.runs.get(run);
    if (!lr) return summarize(run, [], { ...this.st, lang: this.lang });
    return summarizeState(lr.rs, lr.findings, this.lang);
  }

  /** Stop following a run. */
  forget(run: Run): void {
    this.runs.delete(run);
  }
}

// ---------------------------------------------------------------------------------------------
// Run summary (CLI header, viewer)

export interface RunSummary {
  source: string;
  name: string;
  points: number;
  /** The training loss the summary is about (most points). */
  trainSeries: string | null;
  /** The seed's convergence analysis of that training loss. */
  convergence: (Convergence & { label: string }) | null;
  /** Best validation loss (lowest value) of the main validation series. */
  bestVal: { series: string; step: number; value: number } | null;
  /** The seed's early-stopping simulation on that validation loss. */
  earlyStop: {
    series: string;
    stopStep: number;
    bestStep: number;
    patience: number;
    minDelta: number;
    /** Share of training after the stop step. */
    saving: number;
    /** Share of training after the best step. */
    afterBest: number;
    /** No later evaluation beat the best: stopping would have lost nothing. */
    safe: boolean;
  } | null;
  /** The seed's model_capacity_analysis from the final accuracies. */
  capacity: { status: Capacity; label: string; trainAcc: number; valAcc: number } | null;
  /** The seed's overfitting trend: slope of the last 10 validation points. */
  valTrend: { series: string; slope: number; rising: boolean; points: number } | null;
  /** Suggested LR when the run is an LR range test. */
  lrSuggestion: number | null;
  counts: Record<Severity, number>;
  worst: Severity | null;
}

/** Summary of a run (reads the run once: O(points)). */
export function summarize(run: Run, findings: Finding[], opts: DiagnoseOptions = {}): RunSummary {
  const st = resolveSettings(opts);
  const rs = new RunState(run, st);
  rs.feed();
  return summarizeState(rs, findings, opts.lang ?? 'en');
}

export function summarizeState(fed: RunState, findings: Finding[], lang: Lang): RunSummary {
  const rs = fed.judging();
  const st = rs.st;
  const run = rs.run;
  let points = 0;
  for (const s of run.series.values()) points += s.length;
  const tr = rs.primary('train_loss');
  const va = rs.primary('val_loss');
  let convergence: RunSummary['convergence'] = null;
  if (tr) {
    const c = convergenceOf(tr, st);
    convergence = { ...c, label: t(lang, `status.${c.status}`) };
  }
  let bestVal: RunSummary['bestVal'] = null;
  let earlyStop: RunSummary['earlyStop'] = null;
  let trend: RunSummary['valTrend'] = null;
  if (va && va.minIdx >= 0) {
    // the logged value (not exp(log(x)), which can differ in the last digit)
    bestVal = { series: va.name, step: va.stepAt(va.minIdx), value: va.series.values.get(va.minIdx) };
    const sim = simulateEarlyStop(va);
    if (sim) {
      earlyStop = {
        series: va.name,
        stopStep: sim.stopStep,
        bestStep: sim.bestStep,
        patience: st.earlyStopPatience,
        minDelta: st.earlyStopMinDelta,
        saving: sim.saving,
        afterBest: sim.afterBest,
        safe: sim.safe,
      };
    }
    const slope = valTrend(va, st.overfitTrendPoints);
    if (Number.isFinite(slope)) trend = { series: va.name, slope, rising: slope > 0, points: st.overfitTrendPoints };
  }
  let cap: RunSummary['capacity'] = null;
  const ta = accLevel(rs.primary('train_acc'));
  const vacc = accLevel(rs.primary('val_acc'));
  if (Number.isFinite(ta) && Number.isFinite(vacc)) {
    const c = capacity(ta, vacc, st.capacityHighAcc, st.capacityLowAcc, st.capacityGap);
    cap = { status: c, label: t(lang, `capacity.${c}`), trainAcc: ta, valAcc: vacc };
  }
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let worst: Severity | null = null;
  let lrSuggestion: number | null = null;
  for (const f of findings) {
    if (f.source !== undefined && f.source !== run.source) continue;
    counts[f.severity]++;
    if (!worst || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
    if (f.kind === 'lr-suggestion' && typeof f.evidence.lr === 'number') lrSuggestion = f.evidence.lr;
  }
  return {
    source: run.source,
    name: run.name,
    points,
    trainSeries: tr ? tr.name : null,
    convergence,
    bestVal,
    earlyStop,
    capacity: cap,
    valTrend: trend,
    lrSuggestion,
    counts,
    worst,
  };
}
