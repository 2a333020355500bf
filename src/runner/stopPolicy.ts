/**
 * When to stop a run: on findings of the chosen kinds (`non-finite` by default; `divergence`,
 * `gradient-explosion`, ... on request), and on `early-stop`, which the runner decides itself
 * with a patience counted in validation evaluations (the engine's own early-stop finding is
 * about a finished run and is only reported). `cannot-beat-best` (off by default) is predictive
 * early stopping: stop when the forecast's 80% interval at the planned end (src/core/forecast)
 * stays above the best value another run reached (`beatBest`), as an `early-stop` finding
 * decided by the forecast.
 */
import type { Finding, FindingKind, Lang } from '../core/diagnose/types';
import { FINDING_KINDS } from '../core/diagnose/types';
import { beatBestVerdict, judgedSeries } from '../core/forecast';
import { fmtNum, fmtStep, t } from '../core/i18n';
import type { Run, Series } from '../core/model';

/** A finding kind, or `cannot-beat-best` (the forecast says the run cannot beat the best run). */
export type StopKind = FindingKind | 'cannot-beat-best';
export const CANNOT_BEAT_BEST = 'cannot-beat-best';

export const DEFAULT_STOP_ON: readonly StopKind[] = ['non-finite'];
export const DEFAULT_PATIENCE = 5;

/** Parse `non-finite,divergence` (also `nan` for non-finite, `none` for nothing). */
export function parseStopKinds(s: string | readonly string[]): { kinds: StopKind[]; unknown: string[] } {
  const words = (typeof s === 'string' ? s.split(/[\s,]+/) : [...s]).map(w => w.trim().toLowerCase()).filter(Boolean);
  const kinds: StopKind[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    if (w === 'none' || w === 'never') continue;
    const k = w === 'nan' || w === 'inf' ? 'non-finite' : w;
    if ((FINDING_KINDS as readonly string[]).includes(k) || k === CANNOT_BEAT_BEST) {
      if (!kinds.includes(k as StopKind)) kinds.push(k as StopKind);
    } else unknown.push(w);
  }
  return { kinds, unknown };
}

export class StopPolicy {
  private readonly kinds: Set<StopKind>;
  private readonly trackers = new Map<Run, PatienceTracker>();
  private readonly beaters = new Map<Run, BeatBestTracker>();

  constructor(
    kinds: readonly StopKind[] = DEFAULT_STOP_ON,
    private readonly patience = DEFAULT_PATIENCE,
    private readonly lang?: Lang,
    /** The best value to beat (the best run's best validation loss), for `cannot-beat-best`. */
    private beatBest?: number,
  ) {
    this.kinds = new Set(kinds);
  }

  /** The best value to beat, when there is one. */
  get best(): number | undefined {
    return this.beatBest;
  }

  /**
   * Set the best value to beat once it is known (the runner looks it up in its sibling run
   * folders after the run started); a best already given is kept.
   */
  setBest(value: number): void {
    if (this.beatBest === undefined && Number.isFinite(value)) this.beatBest = value;
  }

  get stopKinds(): StopKind[] {
    return [...this.kinds];
  }

  /**
   * Should this (current) finding stop the run? Info findings never do (an overflow skip, a
   * range test), except the runner's own early-stop. A non-finite gradient norm only stops
   * once it persists for two points in a row: mixed-precision training skips isolated
   * overflowing steps on purpose.
   */
  shouldStop(f: Finding, run?: Run): boolean {
    if (f.kind === 'early-stop' && f.evidence.decidedBy === 'forecast') return this.kinds.has(CANNOT_BEAT_BEST);
    if (f.kind === 'early-stop') return this.kinds.has('early-stop') && f.evidence.decidedBy === 'runner';
    if (!this.kinds.has(f.kind) || f.severity === 'info') return false;
    if (f.kind === 'non-finite' && run) {
      const s = run.series.get(f.series);
      if (s && s.role === 'grad_norm') {
        const n = s.length;
        return n >= 2 && !Number.isFinite(s.values.get(n - 1)) && !Number.isFinite(s.values.get(n - 2));
      }
    }
    return true;
  }

  /**
   * The runner's own early-stop checks on a run that grew: patience, then (with
   * `cannot-beat-best` and a best value) the forecast; a finding when one of them says stop.
   */
  checkPatience(run: Run): Finding | undefined {
    if (this.kinds.has(CANNOT_BEAT_BEST) && this.beatBest !== undefined && Number.isFinite(this.beatBest)) {
      let b = this.beaters.get(run);
      if (!b) {
        b = new BeatBestTracker(this.beatBest, this.lang ?? 'en');
        this.beaters.set(run, b);
      }
      const f = b.update(run);
      if (f) return f;
    }
    if (!this.kinds.has('early-stop')) return undefined;
    let t = this.trackers.get(run);
    if (!t) {
      t = new PatienceTracker(this.patience, this.lang);
      this.trackers.set(run, t);
    }
    return t.update(run);
  }
}

/** Validation loss: how many evaluations since its best. */
class PatienceTracker {
  private seen = 0;
  private best = Infinity;
  private bestStep = NaN;
  private bestLine: number | undefined;
  private since = 0;
  private fired = false;
  private series: Series | undefined;

  constructor(
    private readonly patience: number,
    private readonly lang?: Lang,
  ) {}

  update(run: Run): Finding | undefined {
    if (this.fired) return undefined;
    if (!this.series) {
      for (const s of run.series.values()) {
        if (s.role === 'val_loss') {
          this.series = s;
          break;
        }
      }
      if (!this.series) return undefined;
    }
    const s = this.series;
    let i = this.seen;
    while (i < s.length && this.since < this.patience) {
      const v = s.values.get(i);
      const better = !Number.isFinite(this.best) || v < this.best - Math.max(1e-12, Math.abs(this.best) * 1e-4);
      if (Number.isFinite(v) && better) {
        this.best = v;
        this.bestStep = s.steps.get(i);
        this.bestLine = s.lines?.get(i) || undefined;
        this.since = 0;
      } else if (Number.isFinite(this.best)) {
        this.since++;
      }
      i++;
    }
    this.seen = i;
    if (this.since < this.patience || !Number.isFinite(this.best)) return undefined;
    this.fired = true;
    // The step at which patience ran out (lines may arrive in batches).
    const now = s.steps.get(this.seen - 1);
    const zh = this.lang === 'zh-cn';
    return {
      kind: 'early-stop',
      severity: 'info',
      series: s.name,
      step: this.bestStep,
      endStep: now,
      line: this.bestLine,
      title: zh
        ? `${s.name} 已连续 ${this.since} 次评估没有改善`
        : `${s.name} has not improved for ${this.since} evaluations`,
      message: zh
        ? `最好的 ${s.name} 是 ${this.best.toPrecision(4)}（第 ${this.bestStep} 步）；之后 ${this.since} 次评估（到第 ${now} 步）都没有更好。`
        : `The best ${s.name} was ${this.best.toPrecision(4)} at step ${this.bestStep}; the ${this.since} evaluations since (up to step ${now}) were no better.`,
      evidence: { decidedBy: 'runner', patience: this.patience, bestStep: this.bestStep, best: this.best, evaluationsSinceBest: this.since },
      fixes: [
        {
          title: zh ? `使用第 ${this.bestStep} 步的检查点` : `Keep the checkpoint from step ${this.bestStep}`,
          detail: zh ? '之后的训练没有让验证损失变好。' : 'Training after it did not improve the validation loss.',
        },
        {
          title: zh ? '加入正则化' : 'Add regularisation',
          detail: zh ? 'weight decay、dropout 或数据增强，让验证损失降得更久。' : 'Weight decay, dropout or data augmentation keep validation improving for longer.',
        },
      ],
      confidence: 0.9,
      source: run.source,
    };
  }
}

/**
 * `cannot-beat-best`: the validation loss (else the training loss) forecast at the run's planned
 * end (else twice its current step); fires once the low end of the 80% interval has stayed above
 * the best value for BEAT_CHECKS forecasts in a row, each on more points than the one before.
 */
class BeatBestTracker {
  private seen = 0;
  private above = 0;
  private fired = false;

  constructor(
    private readonly best: number,
    private readonly lang: Lang,
  ) {}

  update(run: Run): Finding | undefined {
    if (this.fired) return undefined;
    const s = judgedSeries(run);
    if (!s || s.length <= this.seen) return undefined;
    this.seen = s.length;
    const v = beatBestVerdict(run, this.best);
    if (!v || !v.cannotBeat) {
      this.above = 0;
      return undefined;
    }
    const f = v.forecast;
    if (++this.above < BEAT_CHECKS) return undefined;
    this.fired = true;
    const lang = this.lang;
    const p = {
      series: s.name,
      to: fmtStep(f.toStep),
      median: fmtNum(f.median),
      low: fmtNum(f.low),
      high: fmtNum(f.high),
      best: fmtNum(this.best),
      step: fmtStep(f.fromStep),
    };
    return {
      kind: 'early-stop',
      severity: 'info',
      series: s.name,
      step: f.fromStep,
      endStep: f.toStep,
      title: t(lang, 'forecast.cannotBeatBest.title', p),
      message: t(lang, 'forecast.cannotBeatBest.message', p),
      evidence: {
        decidedBy: 'forecast',
        best: this.best,
        fromStep: f.fromStep,
        toStep: f.toStep,
        median: f.median,
        low: f.low,
        high: f.high,
        checks: BEAT_CHECKS,
      },
      fixes: [
        { title: t(lang, 'forecast.cannotBeatBest.fix'), detail: t(lang, 'forecast.cannotBeatBest.fixDetail', p) },
      ],
      confidence: 0.8,
      source: run.source,
    };
  }
}

/** Forecasts in a row (each on new points) whose interval stays above the best before stopping. */
const BEAT_CHECKS = 3;
