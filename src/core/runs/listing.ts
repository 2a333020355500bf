/**
 * The runs listing as the CLI and the view show it: sorting, the parameters worth showing, and
 * the JSON contract of `loss-lens runs --json` (DESIGN.md):
 * `{"runs":[{"path","status","worst","best":{"series","value","step"}|null,"lastStep","params"}],
 * "insights":[{"kind","param","message"}]}`.
 *
 * Pure: no file system, no `vscode`.
 */
import type { Insight } from './insights';
import { STATUS_RANK, type RunRow, type RunStatus } from './row';
import type { Params } from './params';

export type RunSort = 'best' | 'status' | 'recency';

export const RUN_SORTS: readonly RunSort[] = ['best', 'status', 'recency'];

/**
 * `best`: the lowest best loss first (runs with an error last, runs with no loss after them);
 * `status`: errors first, then warnings, then ok, each by best loss; `recency`: newest first.
 */
export function sortRows(rows: readonly RunRow[], by: RunSort = 'best'): RunRow[] {
  const bestOf = (r: RunRow) => r.best?.value ?? Infinity;
  const byBest = (a: RunRow, b: RunRow) => bestOf(a) - bestOf(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const out = [...rows];
  if (by === 'best') out.sort((a, b) => Number(a.status === 'error') - Number(b.status === 'error') || byBest(a, b));
  else if (by === 'status') out.sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status] || byBest(a, b));
  else out.sort((a, b) => b.mtimeMs - a.mtimeMs || byBest(a, b));
  return out;
}

/** The parameters whose values differ between the rows (what tells the runs apart), most varied first. */
export function keyParams(rows: readonly RunRow[], max = 6): string[] {
  const values = new Map<string, Set<string>>();
  for (const r of rows)
    {for (const [k, v] of Object.entries(r.params)) {
      let s = values.get(k);
      if (!s) values.set(k, (s = new Set()));
      s.add(String(v));
    }}
  const missing = (k: string) => rows.some(r => r.params[k] === undefined);
  return [...values.entries()]
    .filter(([k, s]) => s.size > 1 || (s.size === 1 && rows.length > 1 && missing(k)))
    .sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([k]) => k);
}

export interface RunsJson {
  runs: Array<{
    path: string;
    status: RunStatus;
    worst: string | null;
    best: { series: string; value: number; step: number } | null;
    lastStep: number | null;
    params: Params;
  }>;
  insights: Array<{ kind: string; param: string | null; message: string }>;
}

export function runsJson(rows: readonly RunRow[], insights: readonly Insight[]): RunsJson {
  return {
    runs: rows.map(r => ({
      path: r.path,
      status: r.status,
      worst: r.worst,
      best: r.best ? { series: r.best.series, value: r.best.value, step: r.best.step } : null,
      lastStep: r.lastStep,
      params: r.params,
    })),
    insights: insights.map(i => ({ kind: i.kind, param: i.param, message: i.message })),
  };
}
