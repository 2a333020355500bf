/**
 * The first picture of a big log: a snapshot whose long series travel as their overviews
 * (core/overview.ts: the first, lowest, highest and last point of each step bucket, every NaN
 * kept) rather than millions of points (pure: no `vscode`). The kept points are real points
 * of the log, with their steps, wall times and lines; a series' `total` tells the webview how
 * many points the log has. The host keeps the full runs (export, reveal).
 */
import { overviewOf } from '../../core/overview';
import type { Run } from '../../core/model';
import type { SeriesPayload, SnapshotMessage } from '../../shared/protocol';

/** The snapshot of `runs` with each long series replaced by its overview. */
export function overviewSnapshot(m: SnapshotMessage, runs: readonly Run[]): SnapshotMessage {
  let changed = false;
  const out = m.runs.map((r, i) => {
    const run = runs[i];
    const series = r.series.map(p => {
      const s = run?.series.get(p.name);
      const keep = s && s.length === p.steps.length ? overviewOf(s) : undefined;
      if (!keep) return p;
      changed = true;
      return pickPoints(p, keep);
    });
    return { ...r, series };
  });
  return changed ? { ...m, runs: out } : m;
}

/** The points `keep` of a series payload, with its full point count as `total`. */
export function pickPoints(s: SeriesPayload, keep: Uint32Array): SeriesPayload {
  const k = keep.length;
  const pick = <T extends Float64Array | Uint32Array>(src: T, out: T): T => {
    for (let t = 0; t < k; t++) out[t] = src[keep[t]];
    return out;
  };
  const p: SeriesPayload = {
    name: s.name,
    role: s.role,
    steps: pick(s.steps, new Float64Array(k)),
    values: pick(s.values, new Float64Array(k)),
    total: s.steps.length,
  };
  if (s.wallTimes) p.wallTimes = pick(s.wallTimes, new Float64Array(k));
  if (s.lines) p.lines = pick(s.lines, new Uint32Array(k));
  return p;
}
