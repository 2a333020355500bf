/**
 * Sweep insights: across runs that share parameter names, which parameter separates the broken
 * runs (status error) from the healthy ones, which setting gives the best loss, and whether the
 * best run is still improving. Silent when the evidence is thin: too few runs, no separation
 * that chance would not explain (a one-sided Fisher exact test), groups of a single run.
 *
 * Ordered strongest first: separations by their p-value, then the best setting (by how often
 * its runs beat the others'), then the best run's trend.
 *
 * Pure: no file system, no `vscode`.
 */
import type { Lang } from '../diagnose/types';
import { fmtNum, fmtStep, t } from '../i18n';
import type { ParamValue } from './params';
import type { RunRow } from './row';

export type InsightKind = 'separates-broken' | 'best-setting' | 'still-improving' | 'stopped-improving' | 'cannot-beat-best';

export interface Insight {
  kind: InsightKind;
  /** The parameter the insight is about (null for the best run's trend). */
  param: string | null;
  message: string;
  /** 0..1, for ordering (not part of the JSON contract). */
  strength: number;
}

/** Fewest runs sharing a parameter before anything is said about it. */
export const MIN_SWEEP_RUNS = 4;
/** Largest one-sided Fisher p-value of a broken/healthy split that is reported. */
export const MAX_SEPARATION_P = 0.05;
/** Fewest runs in each group compared for the best setting. */
export const MIN_GROUP_RUNS = 2;
/** Smallest share of (best group, other group) run pairs in which the best group's run has the lower loss. */
export const MIN_BEST_SHARE = 0.8;
/** Fewest points of the best run's loss before its trend is judged. */
export const MIN_TREND_POINTS = 5;
/** Most separation insights reported. */
const MAX_SEPARATIONS = 3;

/** Short names for rows: their paths without the part all of them share. */
export function runLabels(rows: readonly RunRow[]): string[] {
  if (rows.length === 0) return [];
  const split = rows.map(r => r.path.split(/[\\/]/));
  let common = 0;
  if (rows.length > 1) {
    const min = Math.min(...split.map(s => s.length)) - 1;
    while (common < min && split.every(s => s[common] === split[0][common])) common++;
  } else common = Math.max(0, split[0].length - 2);
  return split.map(s => s.slice(common).join('/') || s[s.length - 1]);
}

export function sweepInsights(rows: readonly RunRow[], lang: Lang = 'en'): Insight[] {
  if (rows.length < 2) return [];
  const out: Insight[] = [];
  out.push(...separations(rows, lang));
  const best = bestSetting(rows, lang);
  if (best) out.push(best);
  const trend = bestTrend(rows, lang);
  if (trend) out.push(trend);
  const beat = cannotBeatBest(rows, lang);
  if (beat) out.push(beat);
  return out;
}

/** Most runs named in the cannot-beat-best insight. */
const MAX_NAMED = 5;

/**
 * The runs that cannot beat the best run: the low end of the 80% interval of their forecast at
 * their planned end stays above the best run's best logged loss (both validation losses, or
 * both training losses). Finishing them cannot produce a better model (predictive early
 * stopping); silent when no run is in that position.
 */
function cannotBeatBest(rows: readonly RunRow[], lang: Lang): Insight | undefined {
  const labels = runLabels(rows);
  const withBest = rows.map((r, i) => ({ r, i })).filter(x => x.r.best);
  if (withBest.length < 2) return undefined;
  // the best run among those judged on the same role as the majority (validation first)
  const role = withBest.some(x => x.r.best!.role === 'val_loss') ? 'val_loss' : 'train_loss';
  const same = withBest.filter(x => x.r.best!.role === role);
  let top = same[0];
  for (const x of same) if (x.r.best!.value < top.r.best!.value) top = x;
  const best = top.r.best!;
  const lost = same.filter(x => x !== top && x.r.forecast && x.r.forecast.series === x.r.best!.series && x.r.forecast.low > best.value);
  if (lost.length === 0) return undefined;
  lost.sort((a, b) => b.r.forecast!.low - a.r.forecast!.low);
  const names = lost.slice(0, MAX_NAMED).map(x => {
    const f = x.r.forecast!;
    return t(lang, 'runs.insight.cannotBeat.item', { run: labels[x.i], low: fmtNum(f.low), high: fmtNum(f.high), step: fmtStep(f.toStep) });
  });
  const more = lost.length - names.length;
  return {
    kind: 'cannot-beat-best',
    param: null,
    message: t(lang, more > 0 ? 'runs.insight.cannotBeat.more' : 'runs.insight.cannotBeat', {
      count: lost.length,
      best: labels[top.i],
      value: fmtNum(best.value),
      series: best.series,
      step: fmtStep(best.step),
      runs: names.join(t(lang, 'runs.explain.join')),
      more,
    }),
    strength: 0.5,
  };
}

/** The parameter names with at least MIN_SWEEP_RUNS runs and two different values. */
function sweptParams(rows: readonly RunRow[]): string[] {
  const values = new Map<string, Set<ParamValue>>();
  const counts = new Map<string, number>();
  for (const r of rows)
    {for (const [k, v] of Object.entries(r.params)) {
      let s = values.get(k);
      if (!s) values.set(k, (s = new Set()));
      s.add(v);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }}
  return [...values.keys()].filter(k => (counts.get(k) ?? 0) >= MIN_SWEEP_RUNS && (values.get(k)?.size ?? 0) >= 2).sort();
}

interface Split {
  param: string;
  /** The runs on the side where they broke, and the others. */
  bad: RunRow[];
  good: RunRow[];
  badBroken: number;
  goodBroken: number;
  p: number;
  /** How the bad side is described: ≥ a value, ≤ a value, or = a value. */
  side: { op: '≥' | '≤' | '='; value: ParamValue; otherOp: '≤' | '≥' | '≠'; otherValue: ParamValue };
}

function separations(rows: readonly RunRow[], lang: Lang): Insight[] {
  const splits: Split[] = [];
  for (const param of sweptParams(rows)) {
    const have = rows.filter(r => r.params[param] !== undefined);
    const broken = have.filter(isBroken).length;
    if (broken < 2 || have.length - broken < 2) continue;
    const s = bestSplit(param, have);
    if (s && s.p <= MAX_SEPARATION_P) splits.push(s);
  }
  splits.sort((a, b) => a.p - b.p || b.bad.length + b.good.length - (a.bad.length + a.good.length) || (a.param < b.param ? -1 : 1));
  const out: Insight[] = [];
  const said = new Set<string>();
  for (const s of splits) {
    // A parameter that splits the runs exactly as a stronger one does says nothing new.
    const sig = s.bad.map(r => r.path).sort().join('\n');
    if (said.has(sig)) continue;
    said.add(sig);
    out.push({ kind: 'separates-broken', param: s.param, message: separationMessage(s, lang), strength: 1 - s.p });
    if (out.length >= MAX_SEPARATIONS) break;
  }
  return out;
}

function isBroken(r: RunRow): boolean {
  return r.status === 'error';
}

function bestSplit(param: string, have: RunRow[]): Split | undefined {
  const numeric = have.every(r => typeof r.params[param] === 'number');
  const candidates: Array<{ bad: RunRow[]; good: RunRow[]; side: Split['side'] }> = [];
  if (numeric) {
    const vals = [...new Set(have.map(r => r.params[param] as number))].sort((a, b) => a - b);
    for (let i = 0; i + 1 < vals.length; i++) {
      const lo = vals[i];
      const hi = vals[i + 1];
      const high = have.filter(r => (r.params[param] as number) >= hi);
      const low = have.filter(r => (r.params[param] as number) <= lo);
      candidates.push({ bad: high, good: low, side: { op: '≥', value: hi, otherOp: '≤', otherValue: lo } });
      candidates.push({ bad: low, good: high, side: { op: '≤', value: lo, otherOp: '≥', otherValue: hi } });
    }
  } else {
    for (const v of new Set(have.map(r => r.params[param]))) {
      const inG = have.filter(r => r.params[param] === v);
      const outG = have.filter(r => r.params[param] !== v);
      candidates.push({ bad: inG, good: outG, side: { op: '=', value: v, otherOp: '≠', otherValue: v } });
    }
  }
  let best: Split | undefined;
  for (const c of candidates) {
    const badBroken = c.bad.filter(isBroken).length;
    const goodBroken = c.good.filter(isBroken).length;
    // The bad side must be mostly broken, and more so than the other side.
    if (badBroken < 2 || badBroken * 2 < c.bad.length || badBroken / c.bad.length <= goodBroken / c.good.length) continue;
    const p = fisherOneSided(badBroken, c.bad.length - badBroken, goodBroken, c.good.length - goodBroken);
    if (!best || p < best.p) best = { param, bad: c.bad, good: c.good, badBroken, goodBroken, p, side: c.side };
  }
  return best;
}

/**
 * One-sided Fisher exact test of a 2×2 table [[a, b], [c, d]] (rows: bad side, other side;
 * columns: broken, healthy): the probability, with the margins fixed, of at least `a` broken
 * runs on the bad side.
 */
export function fisherOneSided(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const row1 = a + b;
  const col1 = a + c;
  const lf = logFactorials(n);
  const pOf = (x: number) =>
    Math.exp(lf[row1] + lf[n - row1] + lf[col1] + lf[n - col1] - lf[n] - lf[x] - lf[row1 - x] - lf[col1 - x] - lf[n - row1 - col1 + x]);
  let p = 0;
  for (let x = a; x <= Math.min(row1, col1); x++) p += pOf(x);
  return Math.min(1, p);
}

function logFactorials(n: number): number[] {
  const out = [0];
  for (let i = 1; i <= n; i++) out.push(out[i - 1] + Math.log(i));
  return out;
}

function separationMessage(s: Split, lang: Lang): string {
  const kinds = new Map<string, number>();
  for (const r of s.bad) if (isBroken(r) && r.worst) kinds.set(r.worst, (kinds.get(r.worst) ?? 0) + 1);
  const kindList = [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => (n > 1 ? `${k} ×${n}` : k))
    .join(', ');
  const params = {
    broken: s.badBroken,
    count: s.bad.length,
    param: s.param,
    op: s.side.op,
    value: valueText(s.side.value),
    kinds: kindList,
    others: s.good.length,
    otherOp: s.side.otherOp,
    otherValue: valueText(s.side.otherValue),
    otherBroken: s.goodBroken,
  };
  const head = t(lang, 'runs.insight.separates', params);
  const tail = s.goodBroken === 0 ? t(lang, 'runs.insight.separates.none', params) : t(lang, 'runs.insight.separates.some', params);
  return t(lang, 'runs.insight.separates.full', { head, tail });
}

export function valueText(v: ParamValue): string {
  return typeof v === 'number' ? fmtNum(v) : v;
}

/** Rows whose best loss is of the role most of them have (validation when enough have one). */
function comparable(rows: readonly RunRow[]): RunRow[] {
  const withBest = rows.filter(r => r.best);
  const val = withBest.filter(r => r.best!.role === 'val_loss');
  return val.length >= MIN_SWEEP_RUNS || val.length * 2 >= withBest.length ? val : withBest.filter(r => r.best!.role === 'train_loss');
}

function bestSetting(rows: readonly RunRow[], lang: Lang): Insight | undefined {
  const pool = comparable(rows).filter(r => !isBroken(r));
  if (pool.length < MIN_SWEEP_RUNS) return undefined;
  let top: { param: string; value: ParamValue; share: number; median: number; n: number; next: { value: ParamValue; median: number } } | undefined;
  for (const param of sweptParams(pool)) {
    const groups = new Map<ParamValue, number[]>();
    for (const r of pool) {
      const v = r.params[param];
      if (v === undefined) continue;
      let g = groups.get(v);
      if (!g) groups.set(v, (g = []));
      g.push(r.best!.value);
    }
    const gs = [...groups.entries()].filter(([, xs]) => xs.length >= MIN_GROUP_RUNS).map(([value, xs]) => ({ value, xs, median: median(xs) }));
    if (gs.length < 2) continue;
    gs.sort((a, b) => a.median - b.median);
    const [b, ...rest] = gs;
    let wins = 0;
    let pairs = 0;
    for (const o of rest)
      {for (const x of b.xs)
        {for (const y of o.xs) {
          pairs++;
          if (x < y) wins++;
        }}}
    const share = pairs ? wins / pairs : 0;
    if (share < MIN_BEST_SHARE || !(b.median < rest[0].median)) continue;
    if (!top || share > top.share || (share === top.share && b.xs.length > top.n)) {
      top = { param, value: b.value, share, median: b.median, n: b.xs.length, next: { value: rest[0].value, median: rest[0].median } };
    }
  }
  if (!top) return undefined;
  const role = pool[0].best!.role;
  const message = t(lang, role === 'val_loss' ? 'runs.insight.bestSetting.val' : 'runs.insight.bestSetting.train', {
    param: top.param,
    value: valueText(top.value),
    median: top.median,
    count: top.n,
    nextValue: valueText(top.next.value),
    nextMedian: top.next.median,
  });
  return { kind: 'best-setting', param: top.param, message, strength: top.share };
}

function bestTrend(rows: readonly RunRow[], lang: Lang): Insight | undefined {
  const pool = comparable(rows);
  if (pool.length < 2) return undefined;
  let best = pool[0];
  for (const r of pool) if (r.best!.value < best.best!.value) best = r;
  if (best.bestPoints < MIN_TREND_POINTS) return undefined;
  const labels = runLabels(rows);
  const name = labels[rows.indexOf(best)];
  const b = best.best!;
  const params = { run: name, series: b.series, value: b.value, step: fmtStep(b.step), last: fmtStep(best.lastStep ?? b.step) };
  return best.bestAtEnd
    ? { kind: 'still-improving', param: null, message: t(lang, 'runs.insight.stillImproving', params), strength: 0.5 }
    : { kind: 'stopped-improving', param: null, message: t(lang, 'runs.insight.stoppedImproving', params), strength: 0.4 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
