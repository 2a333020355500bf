/**
 * The one folder walker: which files of a run directory are training logs. `analyze DIR`
 * (core/load.ts) and `watch DIR` (runner/tail.ts) both walk with it, so they pick the same files
 * (a test builds a tree and checks).
 *
 * - Entries are visited in name order (code-unit order), depth-first, down to `maxDepth` folders
 *   below the root (default 8).
 * - Skipped folders: `node_modules`, `.git`, `__pycache__`, `.venv`, `venv`, `.trash` (MLflow's
 *   deleted runs), `artifacts`, `wandb-artifacts`.
 * - A Hugging Face `checkpoint-N` folder next to a `trainer_state.json` is skipped: its copy of
 *   the state is a prefix of the final one. Without the final one (training still running or
 *   stopped early) the checkpoints are the only record, and are read.
 * - Files: TensorBoard event files (`events.out.tfevents.*`, not `*.profile-empty`), grouped per
 *   folder; `.csv .tsv .jsonl .json .log .txt .wandb` and `trainer_state.json`, except known
 *   non-logs (package.json, tokenizer and model configs, requirements.txt, README, W&B metadata,
 *   Loss Lens's own run.json, notebooks).
 * - A folder that is an MLflow store is returned as such, not walked.
 *
 * Node-only (node:fs), free of `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMlflowStore } from './formats/mlflow';

const DEFAULT_MAX_DEPTH = 8;

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  '.trash',
  'artifacts',
  'wandb-artifacts',
]);
const LOG_NAME_RE = /(^events\.out\.tfevents\.)|(\.(csv|tsv|jsonl|json|log|txt|wandb)$)|(^trainer_state\.json$)/i;
const NOT_LOG_RE =
  /^(run\.json|package(-lock)?\.json|tsconfig.*\.json|requirements.*\.txt|config\.json|tokenizer.*\.json|special_tokens_map\.json|vocab\.json|merges\.txt|generation_config\.json|adapter_config\.json|preprocessor_config\.json|README.*|LICENSE.*|wandb-metadata\.json|wandb-summary\.json|wandb-events\.jsonl|.*\.ipynb|.*\.profile-empty)$/i;
const CHECKPOINT_RE = /^checkpoint-\d+$/;

/** Is this file name one the walker takes as a training log (TensorBoard event files included)? */
export function isLogFileName(name: string): boolean {
  return LOG_NAME_RE.test(name) && !NOT_LOG_RE.test(name);
}

/** What a walk found, in walk order. */
export type LogEntry =
  /** A log file (any format but TensorBoard's). */
  | { kind: 'file'; file: string }
  /** The TensorBoard event files of one folder, in name order. */
  | { kind: 'tb'; dir: string; files: string[] }
  /** An MLflow store (read as a whole, not walked). */
  | { kind: 'mlflow'; dir: string };

export interface WalkOptions {
  maxDepth?: number;
  /** Called for each folder below the root that the walk enters, before its entries. */
  onDir?: (dir: string) => void;
}

/** The training logs under `root` (a folder). */
export function walkLogs(root: string, opts: WalkOptions = {}): LogEntry[] {
  const out: LogEntry[] = [];
  if (isMlflowStore(root)) {
    out.push({ kind: 'mlflow', dir: root });
    return out;
  }
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const events: string[] = [];
    let hasState = false;
    for (const e of entries) if (e.name === 'trainer_state.json') hasState = true;
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || depth >= maxDepth) continue;
        if (hasState && CHECKPOINT_RE.test(e.name)) continue;
        if (isMlflowStore(full)) {
          out.push({ kind: 'mlflow', dir: full });
          continue;
        }
        opts.onDir?.(full);
        walk(full, depth + 1);
      } else if (e.isFile() && isLogFileName(e.name)) {
        if (e.name.startsWith('events.out.tfevents.')) events.push(full);
        else out.push({ kind: 'file', file: full });
      }
    }
    if (events.length) out.push({ kind: 'tb', dir, files: events });
  };
  walk(root, 0);
  return out;
}
