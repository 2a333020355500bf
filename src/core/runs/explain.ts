/**
 * Two runs, explained in one paragraph: what differs in their curves (a finding one has and the
 * other not, or their best losses) and in their configuration (each differing parameter, with
 * the ratio for numbers; then whether everything else is equal). The run in worse shape is the
 * subject: "B's loss became Inf at step 127 and A's did not; B's lr is 10× A's (3 vs 0.3);
 * everything else is equal."
 *
 * Pure: no file system, no `vscode`.
 */
import type { Lang } from '../diagnose/types';
import { fmtRatio, fmtStep, t } from '../i18n';
import { valueText } from './insights';
import { STATUS_RANK, type RunRow } from './row';

/** Most differing parameters named one by one. */
const MAX_DIFFS = 5;
/** A ratio of two numbers is said ("10×") when it is at least this (or at most its inverse). */
const MIN_RATIO = 1.5;

export function explainTwo(a: RunRow, b: RunRow, labels: [string, string], lang: Lang = 'en'): string {
  let [x, y] = [a, b];
  let [nx, ny] = labels;
  // The subject (y) is the run in worse shape.
  if (STATUS_RANK[a.status] > STATUS_RANK[b.status]) {
    [x, y] = [b, a];
    [nx, ny] = [labels[1], labels[0]];
  }
  const parts: string[] = [curves(x, y, nx, ny, lang)];
  parts.push(...config(x, y, nx, ny, lang));
  return parts.filter(Boolean).join(t(lang, 'runs.explain.join')) + t(lang, 'runs.explain.end');
}

function curves(x: RunRow, y: RunRow, nx: string, ny: string, lang: Lang): string {
  const fy = y.findings[0];
  if (fy && y.status !== 'ok' && !x.findings.some(f => f.kind === fy.kind)) {
    const p = { a: nx, b: ny, series: fy.series, step: fmtStep(fy.step), title: fy.title, what: fy.what ?? '' };
    return fy.what ? t(lang, 'runs.explain.became', p) : t(lang, 'runs.explain.finding', p);
  }
  if (fy && y.status !== 'ok') {
    const fx = x.findings.find(f => f.kind === fy.kind)!;
    return t(lang, 'runs.explain.both', { a: nx, b: ny, kind: fy.kind, stepA: fmtStep(fx.step), stepB: fmtStep(fy.step) });
  }
  if (x.best && y.best) {
    const [lo, hi, nlo, nhi] = x.best.value <= y.best.value ? [x, y, nx, ny] : [y, x, ny, nx];
    return t(lang, 'runs.explain.best', {
      a: nlo,
      b: nhi,
      series: lo.best!.series,
      valueA: lo.best!.value,
      stepA: fmtStep(lo.best!.step),
      seriesB: hi.best!.series,
      valueB: hi.best!.value,
      stepB: fmtStep(hi.best!.step),
    });
  }
  return t(lang, 'runs.explain.noCurves', { a: nx, b: ny });
}

function config(x: RunRow, y: RunRow, nx: string, ny: string, lang: Lang): string[] {
  const keys = [...new Set([...Object.keys(x.params), ...Object.keys(y.params)])].sort();
  if (!keys.length) return [];
  const diffs: string[] = [];
  let equal = 0;
  for (const k of keys) {
    const vx = x.params[k];
    const vy = y.params[k];
    if (vx === vy) {
      equal++;
      continue;
    }
    if (vx === undefined) diffs.push(t(lang, 'runs.explain.onlyIn', { run: ny, param: k, value: valueText(vy) }));
    else if (vy === undefined) diffs.push(t(lang, 'runs.explain.onlyIn', { run: nx, param: k, value: valueText(vx) }));
    else if (typeof vx === 'number' && typeof vy === 'number' && vx !== 0 && vy !== 0 && Math.sign(vx) === Math.sign(vy)) {
      const r = vy / vx;
      const p = { a: nx, b: ny, param: k, valueA: valueText(vx), valueB: valueText(vy) };
      if (r >= MIN_RATIO) diffs.push(t(lang, 'runs.explain.times', { ...p, ratio: fmtRatio(r) }));
      else if (r <= 1 / MIN_RATIO) diffs.push(t(lang, 'runs.explain.times', { a: ny, b: nx, param: k, valueA: p.valueB, valueB: p.valueA, ratio: fmtRatio(1 / r) }));
      else diffs.push(t(lang, 'runs.explain.differs', p));
    } else diffs.push(t(lang, 'runs.explain.differs', { a: nx, b: ny, param: k, valueA: valueText(vx), valueB: valueText(vy) }));
  }
  if (!diffs.length) return [t(lang, 'runs.explain.sameConfig')];
  const out = diffs.slice(0, MAX_DIFFS);
  if (diffs.length > MAX_DIFFS) out.push(t(lang, 'runs.explain.moreDiffs', { count: diffs.length - MAX_DIFFS }));
  if (equal) out.push(t(lang, 'runs.explain.restEqual'));
  return out;
}
