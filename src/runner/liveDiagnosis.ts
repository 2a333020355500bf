/**
 * Feeds growing runs to live diagnosers, throttled: at most one pass every `throttleMs`
 * (stretched when a pass is slow, so diagnosis takes at most about a fifth of the time),
 * except that a new NaN/Inf is diagnosed at once: stopping a run that went non-finite must not
 * wait for a timer.
 *
 * Announcing: findings about events (NaN/Inf, divergence, spikes, gradient explosions,
 * restarts) are announced as soon as they appear. Findings about the run's trend (not
 * learning, plateau, overfitting, ...) come and go while a run is young, so they are announced
 * when the run ends (if they still hold). Each finding is announced once (per run key and
 * finding id). After each pass the run's current findings are handed on (a live view shows
 * those) with the *settled* subset, which the stop policy acts on: event findings, and trend
 * findings still there after the run has grown to twice the points it had when they first
 * appeared (and by at least 20 points).
 */
import type { DiagnoseOptions } from '../core/diagnose';
import type { Finding, Lang } from '../core/diagnose/types';
import { pointCount, type Run } from '../core/model';
import { createLiveDiagnoser, type DiagnoserFactory, type LiveDiagnoserLike } from './diagnoser';

export interface LiveDiagnosisOptions {
  factory?: DiagnoserFactory;
  lang?: Lang;
  settings?: Omit<DiagnoseOptions, 'lang'>;
  throttleMs?: number;
  /** New findings of one run (never called with an empty list). */
  onFindings: (added: Finding[], run: Run, key: string) => void;
  /** After each pass over a run that grew: all its current findings, and the settled ones. */
  onPass?: (run: Run, key: string, current: readonly Finding[], settled: readonly Finding[]) => void;
}

/** Kinds about an event: announced (and acted on) as soon as they appear. */
const EVENT_KINDS: ReadonlySet<string> = new Set(['non-finite', 'divergence', 'loss-spike', 'gradient-explosion', 'restart']);

interface Entry {
  run: Run;
  key: string;
  diagnoser: LiveDiagnoserLike;
  points: number;
  nonFinite: number;
  dirty: boolean;
  current: Finding[];
  extra: Finding[];
  /** Points of the run when each current finding (by id) first appeared. */
  since: Map<string, number>;
  /** Findings (id@step) about content that was there before watching began. */
  absorbed: Set<string>;
}

function findingId(f: Finding): string {
  return f.id ?? `${f.kind}:${f.series}:${f.step}`;
}

export class LiveDiagnosis {
  private readonly entries = new Map<Run, Entry>();
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private lastCost = 0;
  private disposed = false;
  /** Every finding reported so far, in the order it appeared. */
  readonly reported: Finding[] = [];

  constructor(private readonly opts: LiveDiagnosisOptions) {}

  /** Start diagnosing a run. `key` names the source for deduplication (stable across re-reads). */
  track(run: Run, key: string): void {
    if (this.entries.has(run)) return;
    const factory = this.opts.factory ?? createLiveDiagnoser;
    const diagnoser = factory({ lang: this.opts.lang, settings: this.opts.settings });
    this.entries.set(run, { run, key, diagnoser, points: 0, nonFinite: 0, dirty: true, current: [], extra: [], since: new Map(), absorbed: new Set() });
  }

  untrack(run: Run): void {
    this.entries.delete(run);
  }

  get runs(): Run[] {
    return [...this.entries.keys()];
  }

  /** The current findings of every run (what a live view shows; run.json keeps these). */
  current(run?: Run): Finding[] {
    const out: Finding[] = [];
    for (const e of this.entries.values()) if (!run || e.run === run) out.push(...e.current, ...e.extra);
    return out;
  }

  /** The run may have grown: diagnose now if due (or at once on a new NaN/Inf), else soon. */
  notify(run: Run): void {
    const e = this.entries.get(run);
    if (!e || this.disposed) return;
    if (pointCount(run) !== e.points) e.dirty = true;
    if (!e.dirty) return;
    let nonFinite = 0;
    for (const s of run.series.values()) nonFinite += s.nonFinite;
    const now = Date.now();
    if (nonFinite !== e.nonFinite || now - this.last >= this.interval()) {
      this.pass();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pass();
      }, Math.max(1, this.last + this.interval() - now));
      this.timer.unref?.();
    }
  }

  private interval(): number {
    return Math.max(this.opts.throttleMs ?? 100, this.lastCost * 4);
  }

  /**
   * Diagnose every run that changed, now. `final`: the runs are complete: diagnose all of them
   * and announce every current finding not announced yet.
   */
  pass(final = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    const t0 = Date.now();
    for (const e of this.entries.values()) if (e.dirty || final) this.run(e, false, final);
    this.last = Date.now();
    this.lastCost = this.last - t0;
  }

  /**
   * Diagnose a run and treat whatever it finds now as history (the old content of a log that
   * is appended to): never announced, never acted on, unless it changes step.
   */
  absorb(run: Run): void {
    const e = this.entries.get(run);
    if (e) this.run(e, true);
  }

  private run(e: Entry, absorb: boolean, final = false): void {
    e.dirty = false;
    e.points = pointCount(e.run);
    e.nonFinite = 0;
    for (const s of e.run.series.values()) e.nonFinite += s.nonFinite;
    let res: ReturnType<LiveDiagnoserLike['update']>;
    try {
      res = e.diagnoser.update(e.run);
    } catch (err) {
      console.error('loss-lens: live diagnosis failed:', err);
      return;
    }
    const src = (f: Finding) => (f.source ? f : { ...f, source: e.run.source });
    if (res.all) {
      e.current = res.all.map(src);
    } else {
      const byId = new Map(e.current.map(f => [findingId(f), f]));
      for (const f of [...res.added, ...(res.updated ?? [])]) byId.set(findingId(f), src(f));
      for (const f of res.removed ?? []) byId.delete(findingId(f));
      e.current = [...byId.values()];
    }
    const since = new Map<string, number>();
    const settled: Finding[] = [];
    const fresh: Finding[] = [];
    for (const f of e.current) {
      const id = findingId(f);
      if (absorb) e.absorbed.add(`${id}@${f.step}`);
      if (e.absorbed.has(`${id}@${f.step}`)) continue;
      const first = e.since.get(id) ?? e.points;
      since.set(id, first);
      const event = EVENT_KINDS.has(f.kind);
      if (final || event || e.points >= Math.max(2 * first, first + 20)) settled.push(f);
      if (!final && !event) continue;
      const k = `${e.key}|${id}`;
      if (this.known.has(k)) continue;
      this.known.add(k);
      fresh.push(f);
      this.reported.push(f);
    }
    e.since = since;
    if (fresh.length) this.opts.onFindings(fresh, e.run, e.key);
    if (!absorb) this.opts.onPass?.(e.run, e.key, [...e.current, ...e.extra], [...settled, ...e.extra]);
  }

  /** Add a finding decided outside the diagnoser (the runner's patience check). */
  report(f: Finding, run: Run, key: string): void {
    const k = `${key}|${findingId(f)}`;
    if (this.known.has(k)) return;
    this.known.add(k);
    this.reported.push(f);
    this.entries.get(run)?.extra.push(f);
    this.opts.onFindings([f], run, key);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
