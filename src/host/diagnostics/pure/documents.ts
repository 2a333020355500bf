/**
 * Which editor documents are training logs or training scripts. Pure (no vscode).
 */
import { LOSS_ROLES, type Run } from '../../../core/model';

const LOG_NAME_RE = /(^events\.out\.tfevents\.)|(\.(csv|tsv|jsonl|ndjson|json|log|txt|out|err)$)|(^trainer_state\.json$)/i;
const NOT_LOG_RE =
  /^(package(-lock)?\.json|tsconfig.*\.json|jsconfig.*\.json|requirements.*\.txt|config\.json|tokenizer.*\.json|special_tokens_map\.json|vocab\.json|merges\.txt|generation_config\.json|adapter_config\.json|preprocessor_config\.json|settings\.json|launch\.json|tasks\.json|extensions\.json|CMakeLists\.txt|LICENSE.*|README.*|wandb-metadata\.json|wandb-summary\.json|.*\.ipynb)$/i;
const LOG_LANGUAGES = new Set(['log', 'plaintext', 'csv', 'tsv', 'jsonl', 'json', 'jsonc']);

function baseNameOf(p: string): string {
  const parts = p.split(/[\\/]+/).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : p;
}

/**
 * Could this text document be a training log? By name for files (`.log`, `.txt`, `.csv`,
 * `.jsonl`, `trainer_state.json`, ...), by language for untitled documents. The content decides
 * afterwards (`isRecognisedLog`).
 */
export function isLogCandidate(fileName: string, languageId: string, untitled = false): boolean {
  const base = baseNameOf(fileName);
  if (NOT_LOG_RE.test(base)) return false;
  if (LOG_NAME_RE.test(base)) return true;
  if (untitled) return languageId === 'log' || languageId === 'plaintext';
  return languageId === 'log' || (LOG_LANGUAGES.has(languageId) && !/\.[a-z0-9]{1,6}$/i.test(base));
}

/** Did parsing find a training log (a loss series with at least two points)? */
export function isRecognisedLog(runs: readonly Run[]): boolean {
  for (const r of runs) for (const s of r.series.values()) if (LOSS_ROLES.has(s.role) && s.length >= 2) return true;
  return false;
}

/** URI schemes of documents worth analysing (not git diffs, output channels, ...). */
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

export function isAnalysableScheme(scheme: string): boolean {
  return SCHEMES.has(scheme);
}
