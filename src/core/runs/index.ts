/**
 * Every run under some paths, as rows (row.ts), with an index that re-reads only what changed.
 *
 * Finding runs: the one folder walker (walk.ts) lists the logs; the logs of one folder are one
 * unit, read with the one loader (load.ts, that folder only) and diagnosed with the one engine
 * (analyze.ts). An MLflow store gives one unit per run directory. A unit's key is its logs' and
 * parameter files' paths, sizes and modification times: a unit whose key is unchanged is not
 * read again. A unit yielding one run is listed under its run folder (the folder itself, or for
 * a W&B `files/` or a Keras `train/` folder, the folder above it when that one holds the
 * parameters); several runs in one folder are listed under their logs, except a run logged twice
 * (the same best loss and step, the same last step), listed once.
 *
 * The index is plain data (`snapshot()` / `restore()`), so the CLI can keep it in a cache file
 * and the extension in memory.
 *
 * Node-only (node:fs), free of `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeRuns } from '../analyze';
import type { DiagnoseSettings } from '../diagnose/settings';
import type { Lang } from '../diagnose/types';
import { findMlflowRuns, readMlflowRun } from '../formats/mlflow';
import { loadPaths, type LoadProblem } from '../load';
import type { Run } from '../model';
import { walkLogs } from '../walk';
import { hasParamFile, PARAM_FILES, paramFileStats, readParams } from './params';
import { buildRow, type RunRow } from './row';
import { readTbHparams } from './tbHparams';

export * from './explain';
export * from './insights';
export * from './listing';
export * from './params';
export * from './row';

/** Bumped when a row's shape or meaning changes: older snapshots are dropped. */
export const INDEX_VERSION = 2;

export interface RunIndexOptions {
  lang?: Lang;
  /** Engine threshold overrides. */
  settings?: Partial<DiagnoseSettings>;
  maxDepth?: number;
}

export interface RunIndexSnapshot {
  version: number;
  /** The language and settings the rows were made with: another pair makes them stale. */
  config: string;
  units: Record<string, { key: string; rows: RunRow[] }>;
}

export interface ListResult {
  rows: RunRow[];
  /** Paths given that could not be read or held no run, and units that could not be read. */
  problems: LoadProblem[];
  /** Units found, how many were read this time (the others came from the index), and how many were forgotten (gone). */
  stats: { units: number; read: number; forgotten: number };
}

/** A folder's logs (or one log named on the command line, or an MLflow run directory). */
interface Unit {
  id: string;
  kind: 'dir' | 'file' | 'mlflow';
  /** The log files, for the key. */
  files: string[];
  /** The run folder parameters are read from. */
  runDir: string;
}

/** Folders that hold part of a run whose parameters sit one level up. */
const SUBFOLDER_RE = /^(files|train|training|validation|val|valid|eval|logs?)$/i;

export class RunIndex {
  private units = new Map<string, { key: string; rows: RunRow[] }>();
  private readonly config: string;

  constructor(private readonly opts: RunIndexOptions = {}) {
    this.config = JSON.stringify([opts.lang ?? 'en', opts.settings ?? {}]);
  }

  snapshot(): RunIndexSnapshot {
    return { version: INDEX_VERSION, config: this.config, units: Object.fromEntries(this.units) };
  }

  /** Take rows from an earlier snapshot (ignored when made by another version or configuration). */
  restore(s: RunIndexSnapshot | undefined): void {
    if (!s || s.version !== INDEX_VERSION || s.config !== this.config || typeof s.units !== 'object') return;
    for (const [id, u] of Object.entries(s.units)) if (u && typeof u.key === 'string' && Array.isArray(u.rows)) this.units.set(id, u);
  }

  /** Forget the units whose folder or file is gone (listed earlier under paths not listed now). */
  prune(): number {
    let n = 0;
    for (const id of [...this.units.keys()]) {
      if (!fs.existsSync(id)) {
        this.units.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Every run under `paths`, reading only the units whose files changed since the last call. */
  async list(paths: string[]): Promise<ListResult> {
    const problems: LoadProblem[] = [];
    const rows: RunRow[] = [];
    let read = 0;
    let count = 0;
    let forgotten = 0;
    const seen = new Set<string>();
    for (const p0 of paths) {
      const p = path.resolve(p0);
      let st: fs.Stats;
      try {
        st = fs.statSync(p);
      } catch {
        problems.push({ source: p0, message: 'cannot read: no such file or directory' });
        continue;
      }
      const units = st.isDirectory() ? this.unitsOf(p) : st.isFile() ? [fileUnit(p)] : [];
      const before = rows.length;
      for (const u of units) {
        if (seen.has(u.id)) continue;
        seen.add(u.id);
        count++;
        const key = keyOf(u);
        let entry = this.units.get(u.id);
        if (!entry || entry.key !== key) {
          read++;
          entry = { key, rows: await this.readUnit(u, problems) };
          this.units.set(u.id, entry);
        }
        rows.push(...entry.rows);
      }
      if (rows.length === before) problems.push({ source: p0, message: st.isDirectory() ? 'no run found under this path' : 'no training metrics found in this file' });
      // Forget units under this path that are gone.
      if (st.isDirectory()) {
        const prefix = p.endsWith(path.sep) ? p : p + path.sep;
        for (const id of [...this.units.keys()]) {
          if ((id === p || id.startsWith(prefix)) && !seen.has(id)) {
            this.units.delete(id);
            forgotten++;
          }
        }
      }
    }
    // Two units listed under one folder (a run's train/ and validation/ logs): list them under their logs.
    const byPath = new Map<string, number>();
    for (const r of rows) byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1);
    const out = rows.map(r => ((byPath.get(r.path) ?? 0) > 1 ? { ...r, path: r.source } : r));
    return { rows: out, problems, stats: { units: count, read, forgotten } };
  }

  private unitsOf(root: string): Unit[] {
    const byDir = new Map<string, Unit>();
    const out: Unit[] = [];
    const dirUnit = (dir: string) => {
      let u = byDir.get(dir);
      if (!u) {
        u = { id: dir, kind: 'dir', files: [], runDir: runDirOf(dir, root) };
        byDir.set(dir, u);
        out.push(u);
      }
      return u;
    };
    for (const e of walkLogs(root, { maxDepth: this.opts.maxDepth })) {
      if (e.kind === 'file') dirUnit(path.dirname(e.file)).files.push(e.file);
      else if (e.kind === 'tb') dirUnit(e.dir).files.push(...e.files);
      else for (const r of findMlflowRuns(e.dir)) out.push({ id: r, kind: 'mlflow', files: mlflowFiles(r), runDir: r });
    }
    return out;
  }

  private async readUnit(u: Unit, problems: LoadProblem[]): Promise<RunRow[]> {
    let runs: Run[] = [];
    if (u.kind === 'mlflow') {
      try {
        const r = readMlflowRun(u.id);
        if (r.series.size) runs = [r];
      } catch (e) {
        problems.push({ source: u.id, message: `cannot read MLflow run: ${String(e)}` });
      }
    } else {
      // The folder alone (maxDepth 0): the same logs the walk found in it.
      const loaded = await loadPaths([u.id], { maxDepth: 0, threads: false });
      // A parameter file the walker takes for a log (training_args.json) is not a run.
      runs = loaded.runs.filter(r => !PARAM_FILES.includes(path.basename(r.source)));
    }
    const mtimeMs = newest(u.files);
    const params = runs.length ? readParams(u.runDir) : {};
    // TensorBoard's hparams plugin, for the names the parameter files did not set.
    const events = u.files.filter(f => path.basename(f).startsWith('events.out.tfevents.'));
    if (runs.length && events.length) for (const [k, v] of Object.entries(readTbHparams(events))) if (!(k in params)) params[k] = v;
    const rows = runs.map(run => {
      const findings = analyzeRuns([run], { ...this.opts.settings, lang: this.opts.lang });
      const p = run.format === 'mlflow' ? readParams(undefined, run.meta) : params;
      return buildRow(run, findings, p, { path: run.source, mtimeMs });
    });
    // One run logged twice in its folder (YOLO's results.csv and its event file; Lightning's CSV
    // and TensorBoard loggers sharing version_N): the same best loss at the same step and the
    // same last step (the values within float32 rounding and the CSV's printed digits). The first
    // (the walk lists a folder's event files last) is kept.
    const kept: RunRow[] = [];
    for (const r of rows) if (!kept.some(k => sameRun(k, r))) kept.push(r);
    if (kept.length === 1) kept[0] = { ...kept[0], path: u.kind === 'file' ? u.id : u.runDir };
    return kept;
  }
}

/** Relative difference under which two logged best losses are the same value written twice. */
const SAME_VALUE = 1e-4;

function sameRun(a: RunRow, b: RunRow): boolean {
  if (!a.best || !b.best || a.best.series !== b.best.series || a.best.step !== b.best.step || a.lastStep !== b.lastStep) return false;
  return Math.abs(a.best.value - b.best.value) <= SAME_VALUE * Math.max(Math.abs(a.best.value), Math.abs(b.best.value));
}

function fileUnit(file: string): Unit {
  return { id: file, kind: 'file', files: [file], runDir: path.dirname(file) };
}

/** The run folder of a folder of logs: itself, or the folder above a `files/`, `train/`… part. */
export function runDirOf(dir: string, root: string): string {
  let d = dir;
  for (let i = 0; i < 2; i++) {
    if (d === root || !SUBFOLDER_RE.test(path.basename(d)) || hasParamFile(d)) break;
    const up = path.dirname(d);
    if (!hasParamFile(up) && !/^(offline-)?run-/.test(path.basename(up))) break;
    d = up;
  }
  return d;
}

function mlflowFiles(runDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let es: fs.Dirent[];
    try {
      es = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of es) {
      const f = path.join(d, e.name);
      if (e.isDirectory() && depth < 4) walk(f, depth + 1);
      else if (e.isFile()) out.push(f);
    }
  };
  out.push(path.join(runDir, 'meta.yaml'));
  walk(path.join(runDir, 'metrics'), 0);
  walk(path.join(runDir, 'params'), 0);
  walk(path.join(runDir, 'tags'), 0);
  return out;
}

/** Paths, sizes and modification times of a unit's files and of its run folder's parameter files. */
function keyOf(u: Unit): string {
  const parts: string[] = [];
  for (const f of u.files) {
    try {
      const st = fs.statSync(f);
      parts.push(`${f}|${st.size}|${st.mtimeMs}`);
    } catch {
      parts.push(`${f}|-`);
    }
  }
  if (u.kind !== 'mlflow') for (const p of paramFileStats(u.runDir)) parts.push(`${p.file}|${p.size}|${p.mtimeMs}`);
  return parts.join('\n');
}

function newest(files: string[]): number {
  let m = 0;
  for (const f of files) {
    try {
      m = Math.max(m, fs.statSync(f).mtimeMs);
    } catch {
      // gone
    }
  }
  return m;
}
