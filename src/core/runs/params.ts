/**
 * The hyperparameters of a run, from what each format records beside its log:
 *
 * - Loss Lens run folders: `run.json`'s `args` (`--lr 0.5`, `--lr=0.5`, `--flag`).
 * - PyTorch Lightning: `hparams.yaml` (nested keys joined with dots).
 * - Hugging Face: `training_args.json`, then `config.json` for keys not already set.
 * - MLflow: `params/` (read by the MLflow reader into the run's meta as `param.NAME`).
 * - W&B: `config.yaml` (in the run folder or its `files/`), `{value: …}` wrappers unwrapped,
 *   W&B's own `_wandb` entry dropped.
 * - YOLO: `args.yaml`.
 * - TensorBoard: the hparams plugin's session start record in the event files (tbHparams.ts,
 *   read by the index for the names the files above do not set).
 *
 * YAML is read with the `yaml` package. Values keep their type: numbers stay numbers (strings
 * that are numbers, as MLflow and command lines write them, become numbers), booleans and
 * everything else become strings; null, lists and empty values are left out.
 *
 * Node-only (node:fs), free of `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

export type ParamValue = number | string;
export type Params = Record<string, ParamValue>;

/** The files that hold a run's parameters, in the order they are read (earlier wins). */
export const PARAM_FILES = ['run.json', 'hparams.yaml', 'args.yaml', 'training_args.json', 'config.yaml', 'files/config.yaml', 'config.json'];

/** Longest string value kept (longer ones are paths or dumps, not settings). */
const MAX_STRING = 80;
/** Most parameters kept for one run. */
const MAX_PARAMS = 400;
/** Largest parameter file read. */
const MAX_FILE_BYTES = 1 << 20;

/** Does `dir` hold a file with parameters (a sign that it is a run folder)? */
export function hasParamFile(dir: string): boolean {
  return paramFileStats(dir).length > 0;
}

/**
 * The parameter files of `dir` that exist, with their size and modification time (for the
 * index): one listing of the folder, then a stat of each file found.
 */
export function paramFileStats(dir: string): Array<{ file: string; size: number; mtimeMs: number }> {
  let names: Set<string>;
  try {
    names = new Set(fs.readdirSync(dir));
  } catch {
    return [];
  }
  const out: Array<{ file: string; size: number; mtimeMs: number }> = [];
  for (const f of PARAM_FILES) {
    if (!names.has(f.split('/')[0])) continue;
    const full = path.join(dir, f);
    try {
      const st = fs.statSync(full);
      if (st.isFile()) out.push({ file: full, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // not there
    }
  }
  return out;
}

/** The parameters recorded in run folder `dir` (and in `meta`, a run's MLflow params). */
export function readParams(dir: string | undefined, meta: Record<string, string> = {}): Params {
  const out: Params = {};
  const put = (k: string, v: unknown) => {
    if (k in out || Object.keys(out).length >= MAX_PARAMS) return;
    const pv = paramValue(v);
    if (pv !== undefined) out[k] = pv;
  };
  for (const [k, v] of Object.entries(meta)) if (k.startsWith('param.')) put(k.slice(6), v);
  if (!dir) return out;
  for (const f of PARAM_FILES) {
    const full = path.join(dir, f);
    const text = readSmall(full);
    if (text === undefined) continue;
    try {
      if (f === 'run.json') {
        const rec = JSON.parse(text) as { args?: unknown };
        if (Array.isArray(rec.args)) for (const [k, v] of Object.entries(argsToParams(rec.args.map(String)))) put(k, v);
      } else if (f.endsWith('.json')) {
        flatten(JSON.parse(text), '', put, false);
      } else {
        const doc: unknown = parseYaml(text, { uniqueKeys: false, maxAliasCount: 100, logLevel: 'error' });
        flatten(doc, '', put, f.endsWith('config.yaml'));
      }
    } catch {
      // An unreadable parameter file gives no parameters, never a failure of the listing.
    }
  }
  return out;
}

/** `--lr 0.5 --bs=32 --amp` → {lr: 0.5, bs: 32, amp: "true"}; positionals are not parameters. */
export function argsToParams(args: readonly string[]): Params {
  const out: Params = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--?([A-Za-z_][\w.-]*)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const name = m[1].replace(/-/g, '_');
    if (m[2] !== undefined) {
      out[name] = paramValue(m[2]) ?? m[2];
    } else if (i + 1 < args.length && !/^--?[A-Za-z_]/.test(args[i + 1])) {
      out[name] = paramValue(args[++i]) ?? args[i];
    } else out[name] = 'true';
  }
  return out;
}

function flatten(v: unknown, prefix: string, put: (k: string, v: unknown) => void, wandb: boolean): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (wandb && !prefix && (k === '_wandb' || k === 'wandb_version')) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      // W&B's config.yaml wraps each value: {desc: …, value: …}.
      if (wandb && 'value' in o && Object.keys(o).every(n => n === 'value' || n === 'desc')) put(key, o.value);
      else flatten(x, key, put, wandb);
    } else put(key, x);
  }
}

/** A parameter as kept: a finite number, or a short string; undefined for what is not kept. */
export function paramValue(v: unknown): ParamValue | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (!s || s.length > MAX_STRING) return undefined;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  return s;
}

function readSmall(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
