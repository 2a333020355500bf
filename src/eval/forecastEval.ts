/**
 * The forecaster measured on real curves (`npm run eval`, issue #17 §5): every suitable loss
 * curve of the judged corpus (test/fixtures/judged), the real fixtures (test/fixtures/real) and
 * the scenario runs (test/scenarios) is cut at 30% and at 50% of its steps; the value at its
 * last logged step is forecast from the cut and compared with the value logged there. Two
 * baselines on the same cuts: the last value (mean of the last three points) and one
 * least-squares power law a + b·x^(−c) fitted to the cut.
 *
 * Node-only (node:fs), free of `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fitFamily, FAMILIES, predict } from '../core/forecast/families';
import { forecastCurve } from '../core/forecast/forecast';
import { loadPaths } from '../core/load';
import type { Run, Series } from '../core/model';
import { judgedDir, judgedFile, readJudgedCorpus } from './judgedLoad';
import { readLabels, scenariosDir } from './scenarios';

export type CurveGroup = 'judged' | 'real' | 'scenarios';

export interface EvalCurve {
  group: CurveGroup;
  /** File (relative to the repository) and series name. */
  source: string;
  series: string;
  role: string;
  steps: Float64Array;
  values: Float64Array;
  lr?: { steps: Float64Array; values: Float64Array };
}

/** Least points a curve needs to be cut at 30% and still leave a forecastable curve. */
export const MIN_EVAL_POINTS = 30;
export const CUTS = [0.3, 0.5] as const;

/** Finite, positive, one segment (no restart), enough points: a curve the evaluation can use. */
export function suitable(s: Series): boolean {
  if (s.role !== 'train_loss' && s.role !== 'val_loss') return false;
  if (s.length < MIN_EVAL_POINTS || s.restarts > 0 || s.nonFinite > 0) return false;
  const v = s.values.view();
  for (let i = 0; i < v.length; i++) if (!(v[i] > 0)) return false;
  const st = s.steps.view();
  for (let i = 1; i < st.length; i++) if (!(st[i] > st[i - 1])) return false;
  // A diverged curve gets no forecast by design: not a case to measure.
  const f = forecastCurve(st, v);
  return f.ok || f.reason !== 'diverged';
}

function lrOf(run: Run): EvalCurve['lr'] {
  for (const s of run.series.values()) {
    if (s.role === 'lr' && s.length > 1) return { steps: s.steps.view().slice(), values: s.values.view().slice() };
  }
  return undefined;
}

function curvesOf(run: Run, group: CurveGroup, source: string): EvalCurve[] {
  const out: EvalCurve[] = [];
  const lr = lrOf(run);
  for (const s of run.series.values()) {
    if (!suitable(s)) continue;
    out.push({
      group,
      source,
      series: s.name,
      role: s.role,
      steps: s.steps.view().slice(),
      values: s.values.view().slice(),
      lr,
    });
  }
  return out;
}

/** The real fixtures' files, from test/fixtures/real/MANIFEST.tsv. */
function realFiles(root: string): string[] {
  const dir = path.join(root, 'test', 'fixtures', 'real');
  const man = path.join(dir, 'MANIFEST.tsv');
  if (!fs.existsSync(man)) return [];
  const files = new Set<string>();
  for (const line of fs.readFileSync(man, 'utf8').split('\n').slice(1)) {
    const f = line.split('\t')[0];
    if (f && fs.existsSync(path.join(dir, f))) files.add(path.join(dir, f));
  }
  return [...files].sort();
}

/** Every suitable curve of the three groups; a curve seen twice (same values) counts once. */
export async function collectCurves(root: string): Promise<EvalCurve[]> {
  const jobs: Array<{ group: CurveGroup; file: string }> = [];
  const jd = judgedDir(root);
  for (const e of readJudgedCorpus(jd).entries) jobs.push({ group: 'judged', file: judgedFile(jd, e) });
  for (const f of realFiles(root)) jobs.push({ group: 'real', file: f });
  if (fs.existsSync(path.join(scenariosDir(root), 'labels.json'))) {
    for (const s of readLabels(scenariosDir(root))) jobs.push({ group: 'scenarios', file: s.logPath });
  }
  const seen = new Set<string>();
  const out: EvalCurve[] = [];
  for (const j of jobs) {
    const { runs } = await loadPaths([j.file], { threads: false });
    for (const run of runs) {
      for (const c of curvesOf(run, j.group, path.relative(root, j.file))) {
        const key = `${c.values.length}:${Array.from(c.values.subarray(0, 50)).join(',')}:${c.values[c.values.length - 1]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(c);
      }
    }
  }
  return out;
}

export interface CutResult {
  curve: EvalCurve;
  cut: number;
  actual: number;
  ours?: { median: number; low: number; high: number };
  last: number;
  powerLaw: number;
}

/** The last-value baseline: the mean of the last three points. */
export function lastValueBaseline(values: ArrayLike<number>, n: number): number {
  const k = Math.min(3, n);
  let s = 0;
  for (let i = n - k; i < n; i++) s += values[i];
  return s / k;
}

/** The power-law baseline: one least-squares fit of a + b·x^(−c) to all points of the cut. */
export function powerLawBaseline(steps: ArrayLike<number>, values: ArrayLike<number>, n: number, toStep: number): number {
  const diffs: number[] = [];
  for (let i = 1; i < n; i++) diffs.push(steps[i] - steps[i - 1]);
  diffs.sort((a, b) => a - b);
  const origin = steps[0] - (diffs[diffs.length >> 1] || 1);
  const scale = steps[n - 1] - origin;
  const t = new Float64Array(n);
  const w = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) t[i] = (steps[i] - origin) / scale;
  const pow3 = FAMILIES.find(f => f.id === 'pow3');
  if (!pow3) return NaN;
  const f = fitFamily(pow3, t, values, w, n, () => true);
  return f ? predict(f, (toStep - origin) / scale) : NaN;
}

export function evaluateCurve(c: EvalCurve): CutResult[] {
  const out: CutResult[] = [];
  const n = c.values.length;
  const s0 = c.steps[0];
  const sN = c.steps[n - 1];
  for (const cut of CUTS) {
    const limit = s0 + cut * (sN - s0);
    let k = 0;
    while (k < n && c.steps[k] <= limit) k++;
    if (k < 8 || k >= n) continue;
    const steps = c.steps.subarray(0, k);
    const values = c.values.subarray(0, k);
    const f = forecastCurve(steps, values, { to: sN, lr: c.lr });
    out.push({
      curve: c,
      cut,
      actual: c.values[n - 1],
      ours: f.ok ? { median: f.median, low: f.low, high: f.high } : undefined,
      last: lastValueBaseline(values, k),
      powerLaw: powerLawBaseline(steps, values, k, sN),
    });
  }
  return out;
}

/** |ln(predicted / actual)|; Infinity for a prediction that is not positive. */
export function logError(pred: number, actual: number): number {
  return pred > 0 && actual > 0 ? Math.abs(Math.log(pred / actual)) : Infinity;
}

function median(a: number[]): number {
  if (!a.length) return NaN;
  const s = a.slice().sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface ForecastScore {
  label: string;
  curves: number;
  cuts: number;
  /** Cuts the forecaster declined (no forecast); scored with the last value then. */
  declined: number;
  ours: number;
  last: number;
  powerLaw: number;
  /** Share of actual values inside the 80% interval. */
  coverage: number;
}

export function score(label: string, results: CutResult[]): ForecastScore {
  const curves = new Set(results.map(r => `${r.curve.source}#${r.curve.series}`)).size;
  const ours = results.map(r => logError(r.ours ? r.ours.median : r.last, r.actual));
  const inside = results.filter(r => r.ours && r.actual >= r.ours.low && r.actual <= r.ours.high).length;
  return {
    label,
    curves,
    cuts: results.length,
    declined: results.filter(r => !r.ours).length,
    ours: median(ours),
    last: median(results.map(r => logError(r.last, r.actual))),
    powerLaw: median(results.map(r => logError(r.powerLaw, r.actual))),
    coverage: results.length ? inside / results.length : NaN,
  };
}

/**
 * The half (A or B) a curve falls in, by a stable hash (FNV-1a) of its file's name: a change to
 * the method is developed on one half and confirmed on the other, so that the table measures
 * the method rather than how well it was fitted to these particular files.
 */
export function half(source: string): 'A' | 'B' {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) {
    h ^= source.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 1 ? 'B' : 'A';
}

export async function evaluateForecasts(root: string): Promise<{ results: CutResult[]; scores: ForecastScore[] }> {
  const curves = await collectCurves(root);
  const results = curves.flatMap(evaluateCurve);
  const groups: Array<[string, (r: CutResult) => boolean]> = [
    ['judged corpus', r => r.curve.group === 'judged'],
    ['real fixtures', r => r.curve.group === 'real'],
    ['scenario runs', r => r.curve.group === 'scenarios'],
    ['cut at 30 %', r => r.cut === 0.3],
    ['cut at 50 %', r => r.cut === 0.5],
    ['half A (files by hash)', r => half(r.curve.source) === 'A'],
    ['half B (files by hash)', r => half(r.curve.source) === 'B'],
    ['all', () => true],
  ];
  return { results, scores: groups.map(([label, f]) => score(label, results.filter(f))) };
}

export function renderForecastMarkdown(scores: ForecastScore[]): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
  const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '—');
  const rows = scores.map(
    s =>
      `| ${s.label} | ${s.curves} | ${s.cuts} | **${f(s.ours)}** | ${f(s.last)} | ${f(s.powerLaw)} | ${pct(s.coverage)} | ${s.declined} |`,
  );
  return [
    '## Forecasts',
    '',
    'Every finite, positive train or validation loss curve of at least ' +
      `${MIN_EVAL_POINTS} points (judged corpus, real fixtures, scenario runs; diverged curves excluded) ` +
      'is cut at 30 % and at 50 % of its steps, and its last logged value is forecast from the cut. ' +
      'Error: the median |ln(predicted / actual)|. Baselines on the same cuts: the last value (mean of ' +
      'the last three points) and one least-squares power law a + b·x^(−c). Coverage: the share of ' +
      'actual values inside the forecast\'s 80 % interval (goal 70–90 %). Halves A and B split the files ' +
      'by a stable hash of their names (a change is developed on one and confirmed on the other).',
    '',
    '| curves | n curves | cuts | Loss Lens | last value | power law | 80 % coverage | declined |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}
