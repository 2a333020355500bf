/**
 * MLflow file store (`./mlruns`, the `file:` tracking backend): a directory tree, read with
 * node:fs (not a byte stream, so not a LogParser).
 *
 *   <store>/<experiment_id>/meta.yaml                 experiment (name, artifact_location, ...)
 *   <store>/<experiment_id>/<run_id>/meta.yaml        run (run_id, run_name, status, ...)
 *   <store>/<experiment_id>/<run_id>/metrics/<key>    one point per line: `ts_ms value [step]`
 *   <store>/<experiment_id>/<run_id>/params/<key>     one value per file
 *   <store>/<experiment_id>/<run_id>/tags/<key>       (run name in tags/mlflow.runName)
 *   <store>/<experiment_id>/models/m-<id>/metrics/... MLflow 3 logged-model metrics, lines
 *                                                     `ts value step run_id [dataset digest]`
 *
 * A key containing '/' is stored as nested directories (`metrics/lr/pg0` = key `lr/pg0`).
 * Metric lines are kept in file order (logging order; several points may share a step);
 * values may be `nan`, `inf`, `-inf`. Wall time = ts / 1000 seconds. Deleted experiments
 * (`.trash`) are not read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseName, createRun, reportMalformed, seriesOf, type Run } from '../model';
import { parseNumber } from './numbers';

/** Metric files are read in chunks of this size (never whole: they can be hundreds of MB). */
const METRIC_CHUNK = 1 << 20;
/** How many child directories `isMlflowStore` looks at before giving up on a directory. */
const MAX_CHILDREN_PROBED = 200;

/** Top-level `key: value` pairs of a meta.yaml (quotes removed); undefined if unreadable. */
export function readMetaYaml(file: string): Record<string, string> | undefined {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) return undefined;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z_][\w.-]*):(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    let v = (m[2] ?? '').trim();
    if ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"'))) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter(e => e.isDirectory())
      .map(e => e.name)
      .sort();
  } catch {
    return [];
  }
}

type Kind = 'run' | 'experiment' | 'other';

/** What a directory's meta.yaml says it is (one read). */
function kindOf(meta: Record<string, string> | undefined): Kind {
  if (!meta || meta.model_id !== undefined) return 'other'; // MLflow 3 logged models have run-like dirs
  if (meta.run_id !== undefined || meta.run_uuid !== undefined) return 'run';
  if (meta.experiment_id !== undefined && meta.name !== undefined) return 'experiment';
  return 'other';
}

function metaOf(dir: string): Record<string, string> | undefined {
  return readMetaYaml(path.join(dir, 'meta.yaml'));
}

function runMeta(dir: string): Record<string, string> | undefined {
  const m = metaOf(dir);
  return kindOf(m) === 'run' ? m : undefined;
}

function experimentMeta(dir: string): Record<string, string> | undefined {
  const m = metaOf(dir);
  return kindOf(m) === 'experiment' ? m : undefined;
}

function isRunDir(dir: string): boolean {
  return kindOf(metaOf(dir)) === 'run';
}

function isExperimentDir(dir: string): boolean {
  return kindOf(metaOf(dir)) === 'experiment';
}

/**
 * A run directory that lost its meta.yaml (a partial copy or sync) is still a run when it has
 * metrics/ (and, where the caller cannot tell otherwise, sits in an experiment directory).
 */
function isMetalessRun(dir: string, inExperiment = isExperimentDir(path.dirname(dir))): boolean {
  return inExperiment && !fs.existsSync(path.join(dir, 'meta.yaml')) && isDir(path.join(dir, 'metrics'));
}

/**
 * True when `dir` is part of an MLflow file store that `findMlflowRuns` can read: a store
 * root (`mlruns/`, holding experiment directories), an experiment directory, or one run
 * directory. Cheap enough to call on every directory of a walk (reads a few meta.yaml files).
 */
export function isMlflowStore(dir: string): boolean {
  if (!isDir(dir)) return false;
  if (kindOf(metaOf(dir)) !== 'other') return true;
  if (isMetalessRun(dir)) return true;
  const children = listDirs(dir);
  for (let i = 0; i < children.length && i < MAX_CHILDREN_PROBED; i++) {
    const c = children[i];
    if (c === '.trash' || c === 'models') continue;
    if (isExperimentDir(path.join(dir, c))) return true;
  }
  return false;
}

/** Run directories of a store root, an experiment directory, or a run directory. */
export function findMlflowRuns(dir: string): string[] {
  if (isRunDir(dir) || isMetalessRun(dir)) return [dir];
  const runsOf = (exp: string) =>
    listDirs(exp)
      .filter(c => c !== 'models' && c !== '.trash')
      .map(c => path.join(exp, c))
      .filter(d => isRunDir(d) || isMetalessRun(d, true));
  if (isExperimentDir(dir)) return runsOf(dir);
  const out: string[] = [];
  for (const c of listDirs(dir)) {
    if (c === '.trash' || c === 'models') continue;
    const exp = path.join(dir, c);
    if (isExperimentDir(exp)) out.push(...runsOf(exp));
  }
  return out;
}

/** Files under `dir`, as keys relative to it joined with '/' (nested directories = '/'). */
function listKeys(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const key = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (depth < 16) walk(path.join(d, e.name), key, depth + 1);
      } else if (e.isFile()) out.push(key);
    }
  };
  walk(dir, '', 0);
  return out;
}

function readSmallText(file: string, max = 1024 * 1024): string | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > max) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

interface MetricLine {
  ts: number;
  value: number;
  step: number;
  runId: string | undefined;
  line: number;
}

/**
 * Parse a metric file's text: one point per line, 2 to 6 space-separated fields
 * `timestamp_ms value [step [run_id [dataset_name dataset_digest]]]`. Bad lines are returned
 * in `bad` (1-based line numbers).
 */
export function parseMetricLines(text: string): { points: MetricLine[]; bad: number[] } {
  const points: MetricLine[] = [];
  const bad: number[] = [];
  const lines = new MetricLineReader(
    p => points.push(p),
    l => bad.push(l),
  );
  lines.push(text);
  lines.end();
  return { points, bad };
}

/** Metric lines from text fed in pieces (a line may be cut between two pieces). */
class MetricLineReader {
  private carry = '';
  private lineNo = 0;
  constructor(
    private readonly onPoint: (p: MetricLine) => void,
    private readonly onBad: (line: number) => void,
  ) {}

  push(text: string): void {
    let start = 0;
    const t = text;
    if (this.carry) {
      const nl = t.indexOf('\n');
      if (nl < 0) {
        this.carry += t;
        return;
      }
      this.line(this.carry + t.slice(0, nl));
      this.carry = '';
      start = nl + 1;
    }
    for (;;) {
      const nl = t.indexOf('\n', start);
      if (nl < 0) break;
      this.line(t.slice(start, nl));
      start = nl + 1;
    }
    if (start < t.length) this.carry = t.slice(start);
  }

  end(): void {
    if (this.carry) this.line(this.carry);
    this.carry = '';
  }

  private line(raw: string): void {
    const lineNo = ++this.lineNo;
    const line = raw.trim();
    if (!line) return;
    const f = line.split(/\s+/);
    if (f.length < 2 || f.length > 6) {
      this.onBad(lineNo);
      return;
    }
    const ts = Number(f[0]);
    const value = parseNumber(f[1]);
    const step = f.length >= 3 ? Number(f[2]) : 0;
    if (!Number.isFinite(ts) || value === undefined || !Number.isFinite(step)) {
      this.onBad(lineNo);
      return;
    }
    this.onPoint({ ts, value, step, runId: f.length >= 4 ? f[3] : undefined, line: lineNo });
  }
}

/**
 * Stream a metric file's points (chunk by chunk: memory stays bounded whatever its size).
 * Throws when the file cannot be opened or read.
 */
function readMetricPoints(file: string, onPoint: (p: MetricLine) => void, onBad: (line: number) => void): void {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new Error('not a regular file');
  const fd = fs.openSync(file, 'r');
  try {
    const reader = new MetricLineReader(onPoint, onBad);
    const decoder = new TextDecoder('utf-8');
    const buf = new Uint8Array(METRIC_CHUNK);
    let pos = 0;
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, pos);
      if (got <= 0) break;
      pos += got;
      reader.push(decoder.decode(buf.subarray(0, got), { stream: true }));
    }
    reader.push(decoder.decode());
    reader.end();
  } finally {
    fs.closeSync(fd);
  }
}

/** Read one run directory of a file store into a Run (format 'mlflow'). */
export function readMlflowRun(runDir: string): Run {
  const meta = runMeta(runDir) ?? readMetaYaml(path.join(runDir, 'meta.yaml')) ?? {};
  const runId = meta.run_id || meta.run_uuid || baseName(runDir);
  const tagName = readSmallText(path.join(runDir, 'tags', 'mlflow.runName'))?.trim();
  const name = tagName || meta.run_name || runId;
  const run = createRun(runDir, 'mlflow', name);
  if (!fs.existsSync(path.join(runDir, 'meta.yaml'))) {
    run.events.push({ type: 'note', message: 'the run has no meta.yaml: its id is taken from its folder name' });
  }
  run.meta['mlflow.run_id'] = runId;
  if (meta.experiment_id) run.meta['mlflow.experiment_id'] = meta.experiment_id;
  const exp = experimentMeta(path.dirname(runDir));
  if (exp?.name) run.meta['mlflow.experiment_name'] = exp.name;
  if (meta.status) run.meta['mlflow.status'] = meta.status;
  if (meta.start_time) run.meta['mlflow.start_time'] = meta.start_time;
  if (meta.end_time) run.meta['mlflow.end_time'] = meta.end_time;
  if (meta.lifecycle_stage && meta.lifecycle_stage !== 'active') run.meta['mlflow.lifecycle_stage'] = meta.lifecycle_stage;

  const paramsDir = path.join(runDir, 'params');
  for (const key of listKeys(paramsDir)) {
    const v = readSmallText(path.join(paramsDir, ...key.split('/')));
    if (v !== undefined) run.meta[`param.${key}`] = v.replace(/\r?\n$/, '');
  }

  const metricsDir = path.join(runDir, 'metrics');
  for (const key of listKeys(metricsDir)) {
    readMetricFile(run, key, path.join(metricsDir, ...key.split('/')), undefined);
  }

  readModelMetrics(run, runDir, runId);
  for (const s of run.series.values()) s.trim();
  return run;
}

function readMetricFile(run: Run, key: string, file: string, onlyRunId: string | undefined): number {
  let n = 0;
  try {
    readMetricPoints(
      file,
      p => {
        if (onlyRunId !== undefined && p.runId !== onlyRunId) return;
        seriesOf(run, key).push(p.step, p.value, p.ts / 1000, p.line);
        n++;
      },
      line => reportMalformed(run, `metric '${key}': line ${line} is not 'timestamp value [step]'`, { line }),
    );
  } catch (e) {
    reportMalformed(run, `cannot read metric file for '${key}': ${String(e)}`);
  }
  return n;
}

/** The identity of a point for de-duplication: step, value (NaN = NaN, -0 != 0) and wall time. */
function pointKey(step: number, value: number, wall: number | undefined): string {
  return `${step} ${Object.is(value, -0) ? '-0' : value} ${wall}`;
}

/**
 * MLflow 3 logs a run's metrics a second time under the logged model that the run produced
 * (`<experiment>/models/m-<id>/metrics/<key>`, lines with a 4th field = run id). Points that
 * belong to this run and are not already in its own metric files are added; the others are
 * ignored. A note says what was found.
 */
function readModelMetrics(run: Run, runDir: string, runId: string): void {
  const modelsDir = path.join(path.dirname(runDir), 'models');
  const models = listDirs(modelsDir).filter(m => m.startsWith('m-'));
  if (models.length === 0) return;
  let dup = 0;
  let added = 0;
  const usedModels: string[] = [];
  // Per key, the points the run already has (its own, and those added here): one hash look-up
  // per logged-model point, not a scan of the series (which was quadratic).
  const known = new Map<string, Set<string>>();
  const knownOf = (key: string): Set<string> => {
    let set = known.get(key);
    if (!set) {
      set = new Set<string>();
      const s = run.series.get(key);
      if (s) {
        const st = s.steps.view();
        const va = s.values.view();
        const wt = s.wallTimes?.view();
        for (let i = 0; i < st.length; i++) set.add(pointKey(st[i], va[i], wt ? wt[i] : undefined));
      }
      known.set(key, set);
    }
    return set;
  };
  for (const m of models) {
    const dir = path.join(modelsDir, m);
    const mm = readMetaYaml(path.join(dir, 'meta.yaml'));
    if (mm?.source_run_id && mm.source_run_id !== runId) continue;
    const metricsDir = path.join(dir, 'metrics');
    let used = false;
    for (const key of listKeys(metricsDir)) {
      try {
        readMetricPoints(
          path.join(metricsDir, ...key.split('/')),
          p => {
            if (p.runId !== runId) return;
            used = true;
            const set = knownOf(key);
            const s = run.series.get(key);
            // A series without wall times matches on step and value alone.
            const id = pointKey(p.step, p.value, s && !s.wallTimes ? undefined : p.ts / 1000);
            if (set.has(id)) dup++;
            else {
              seriesOf(run, key).push(p.step, p.value, p.ts / 1000);
              set.add(id);
              added++;
            }
          },
          () => {},
        );
      } catch {
        // An unreadable copy: the run's own metrics stand.
      }
    }
    if (used) usedModels.push(m);
  }
  if (usedModels.length === 0) return;
  run.events.push({
    type: 'note',
    message:
      `MLflow 3 logged-model metrics (${usedModels.join(', ')}): ${dup} point(s) repeat the run's own metrics` +
      (added ? `, ${added} point(s) added` : ''),
  });
}
