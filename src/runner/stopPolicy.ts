/**
 * When to stop a run: on findings of the chosen kinds (`non-finite` by default; `divergence`,
 * `gradient-explosion`, ... on request), and on `early-stop`, which the runner decides itself
 * with a patience counted in validation evaluations (the engine's own early-stop finding is
 * about a finished run and is only reported).
 */
import type { Finding, FindingKind, Lang } from '../core/diagnose/types';
import { FINDING_KINDS } from '../core/diagnose/types';
import type { Run, Series } from '../core/model';

export type StopKind = FindingKind;

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
    if ((FINDING_KINDS as readonly string[]).includes(k)) {
      if (!kinds.includes(k as StopKind)) kinds.push(k as StopKind);
    } else unknown.push(w);
  }
  return { kinds, unknown };
}

export class StopPolicy {
  private readonly kinds: Set<StopKind>;
  private readonly trackers = new Map<Run, PatienceTracker>();

  constructor(
    kinds: readonly StopKind[] = DEFAULT_STOP_ON,
    private readonly patience = DEFAULT_PATIENCE,
    private readonly lang?: Lang,
  ) {
    this.kinds = new Set(kinds);
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

  /** The runner's own early-stop check on a run that grew; a finding when patience ran out. */
  checkPatience(run: Run): Finding | undefined {
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
