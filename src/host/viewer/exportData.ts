/**
 * Full-resolution exports of the runs (never the decimated chart data), pure: CSV in long
 * format (run,series,step,value,wall_time; names that look like formulas guarded) and JSON
 * with one object per series.
 * NaN and +-Infinity are written as NaN / Infinity / -Infinity (Python's float() and pandas
 * read them back); a point without a wall time has an empty wall_time.
 */
import type { Finding } from '../../core/diagnose/types';
import type { Run } from '../../core/model';

const CSV_HEADER = 'run,series,step,value,wall_time';

/** Full precision, shortest round-trip form. */
export function numText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/**
 * A text cell (run or series name, from the logs): RFC 4180 quoting when needed, and a cell that
 * a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR first) is written as text:
 * a leading `'`, quoted.
 */
export function csvField(s: string): string {
  if (/^[=+\-@\t\r]/.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Display names that tell runs apart (the source path when two runs share a name). */
function runLabels(runs: Run[]): string[] {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return runs.map(r => ((count.get(r.name) ?? 0) > 1 ? r.source : r.name));
}

/** CSV text, produced in chunks (large runs do not build one giant array of lines). */
export function* csvChunks(runs: Run[], rowsPerChunk = 50_000): Generator<string> {
  const labels = runLabels(runs);
  let buf: string[] = [CSV_HEADER];
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const runField = csvField(labels[r]);
    for (const s of run.series.values()) {
      const prefix = `${runField},${csvField(s.name)},`;
      const st = s.steps.view();
      const va = s.values.view();
      const wt = s.wallTimes?.view();
      for (let i = 0; i < st.length; i++) {
        const w = wt && Number.isFinite(wt[i]) ? numText(wt[i]) : '';
        buf.push(`${prefix}${numText(st[i])},${numText(va[i])},${w}`);
        if (buf.length >= rowsPerChunk) {
          yield buf.join('\n') + '\n';
          buf = [];
        }
      }
    }
  }
  yield buf.length ? buf.join('\n') + '\n' : '';
}

export function toCsv(runs: Run[]): string {
  let out = '';
  for (const c of csvChunks(runs)) out += c;
  return out;
}

export interface JsonExport {
  format: 'loss-lens-series';
  version: 1;
  runs: Array<{
    name: string;
    source: string;
    format: string;
    series: Array<{
      name: string;
      role: string;
      steps: Array<number | string>;
      values: Array<number | string>;
      wallTimes?: Array<number | string | null>;
      lines?: number[];
    }>;
    events: Run['events'];
  }>;
  findings?: Finding[];
}

function jsonNum(v: number): number | string {
  return Number.isFinite(v) ? v : numText(v);
}

function toJsonExport(runs: Run[], findings?: Finding[]): JsonExport {
  const labels = runLabels(runs);
  return {
    format: 'loss-lens-series',
    version: 1,
    runs: runs.map((run, r) => ({
      name: labels[r],
      source: run.source,
      format: run.format,
      series: [...run.series.values()].map(s => {
        const out: JsonExport['runs'][number]['series'][number] = {
          name: s.name,
          role: s.role,
          steps: Array.from(s.steps.view(), jsonNum),
          values: Array.from(s.values.view(), jsonNum),
        };
        if (s.wallTimes) out.wallTimes = Array.from(s.wallTimes.view(), v => (Number.isFinite(v) ? v : null));
        if (s.lines) out.lines = Array.from(s.lines.view());
        return out;
      }),
      events: run.events,
    })),
    ...(findings ? { findings } : {}),
  };
}

/** JSON text; non-finite numbers anywhere (evidence included) become strings. */
export function toJson(runs: Run[], findings?: Finding[]): string {
  return JSON.stringify(
    toJsonExport(runs, findings),
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? numText(v) : v),
  );
}
