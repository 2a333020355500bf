/**
 * Words for runs the runner started: what tells them apart (the arguments recorded in run.json,
 * only those that differ when several are compared), how each ended ("finished", "stopped: NaN
 * at step 15") and why it was stopped, as one sentence ("Stopped at step 15: the loss became
 * NaN. Try: lower the learning rate; clip the gradient norm"). Used by the run folder's name,
 * the viewer's picker, title and legend, the notifications and the CLI, so all say the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Lang } from '../core/diagnose/types';
import { t } from '../core/i18n';
import { argPairs, argText, scriptArgs } from '../core/pyscript/runArgs';
import { fmtStep } from './messages';
import type { RunRecord } from './runFolder';

export { argPairs, argText, argValue, scriptArgs, type ArgPair } from '../core/pyscript/runArgs';

/**
 * A run folder's name after its timestamp: the run's name and its arguments, compact and
 * file-system safe (`train_example-lr0.5-epochs10`); createRunFolder bounds the length.
 */
export function runFolderName(name: string, args: readonly string[]): string {
  const tag = argPairs(scriptArgs(args).rest)
    .map(p => `${p.flag.replace(/^-+/, '')}${p.value ?? ''}`)
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
  return tag ? `${name}-${tag.slice(0, 40)}` : name;
}

/** The run folder whose run.json lists `log` (its output.log or a followed file), with the record. */
export function runRecordOf(log: string): { dir: string; record: RunRecord } | undefined {
  const dir = path.dirname(log);
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
  if (!isRunRecord(record)) return undefined;
  const logs = (record.logs ?? []).map(l => path.resolve(dir, l));
  return logs.includes(path.resolve(log)) ? { dir, record } : undefined;
}

/** Does parsed JSON look like a runner's run.json? */
export function isRunRecord(r: unknown): r is RunRecord {
  const x = r as RunRecord;
  return !!x && typeof x === 'object' && typeof x.command === 'string' && Array.isArray(x.args);
}

/** The training script a run record names, as an absolute path (resolved against its cwd). */
export function recordScript(rec: RunRecord): string | undefined {
  const s = scriptArgs(rec.args).script;
  if (!s || !/\.py$/i.test(s)) return undefined;
  return path.resolve(rec.cwd || '.', s);
}

/** What a stopping finding saw, in a few words: "the loss became NaN", else its title. */
export function stopWhat(f: Finding, lang: Lang = 'en'): string {
  if (f.kind === 'non-finite' && typeof f.evidence.what === 'string') return t(lang, 'runner.what.nonFinite', { series: f.series, value: f.evidence.what });
  return t(lang, 'runner.what.other', { title: f.title });
}

/** A fix title inside a sentence: "lower the learning rate" (an acronym keeps its capital). */
function inSentence(title: string, lang: Lang): string {
  return lang === 'en' && /^[A-Z][a-z]/.test(title) ? title[0].toLowerCase() + title.slice(1) : title;
}

/** "Stopped at step 15: the loss became NaN. Try: lower the learning rate; clip the gradient norm" */
export function stopSentence(f: Finding, lang: Lang = 'en', fixes = 2): string {
  const head = t(lang, 'runner.stopSentence', { step: fmtStep(f.step), what: stopWhat(f, lang) });
  const tries = f.fixes.slice(0, fixes).map(x => inSentence(x.title, lang));
  return tries.length ? `${head}${lang === 'zh-cn' ? '' : ' '}${t(lang, 'runner.stopTry', { fixes: tries.join(lang === 'zh-cn' ? '；' : '; ') })}` : head;
}

/** How a recorded run ended: "finished", "stopped: NaN at step 15", "exit code 1", ... */
export function runOutcome(rec: RunRecord, lang: Lang = 'en'): string {
  const stop = rec.stoppedBy;
  if (stop?.by === 'finding' && stop.finding) {
    const f = stop.finding;
    const what = f.kind === 'non-finite' && typeof f.evidence.what === 'string' ? f.evidence.what : f.kind;
    return t(lang, 'runner.outcome.stopped', { what, step: fmtStep(f.step) });
  }
  if (stop?.by === 'user' || rec.status === 'stopped') return t(lang, 'runner.outcome.stoppedByUser');
  if (rec.status === 'running') return t(lang, 'runner.outcome.running');
  if (rec.status === 'failed') return t(lang, 'runner.outcome.failed');
  if (rec.exitCode === 0) return t(lang, 'runner.outcome.finished');
  if (rec.signal) return t(lang, 'runner.outcome.exitCode', { code: rec.signal });
  return rec.exitCode === undefined || rec.exitCode === null ? t(lang, 'runner.outcome.running') : t(lang, 'runner.outcome.exitCode', { code: String(rec.exitCode) });
}

export interface LabelInput {
  /** The run's name as read (file or folder name). */
  name: string;
  source: string;
  /** The runner's record, when the run is a runner run. */
  record?: RunRecord;
  /** Its run folder. */
  dir?: string;
  /** Hyperparameters its format records (MLflow `params/`): name -> value. */
  params?: Record<string, string>;
}

/** `train_example --lr 0.5`: the record's name and all its arguments (one run on its own). */
export function runLabel(rec: RunRecord): string {
  const args = argPairs(scriptArgs(rec.args).rest).map(argText);
  return [rec.name, ...args].join(' ');
}

/**
 * Labels that tell compared runs apart. A runner run is named by its script and the arguments
 * that differ between the compared runner runs (all of them when it is alone), else by its run
 * folder's time; a run whose format records hyperparameters (MLflow) gets those that differ
 * from the other such runs'; other runs keep their name, prefixed by their folder where two
 * share a name.
 */
export function runLabels(items: readonly LabelInput[]): string[] {
  const runner = items.filter(i => i.record);
  const pairs = new Map<LabelInput, Map<string, string>>();
  for (const i of runner) {
    const m = new Map<string, string>();
    for (const p of argPairs(scriptArgs(i.record!.args).rest)) m.set(p.flag, argText(p));
    pairs.set(i, m);
  }
  const flags = new Set<string>();
  for (const m of pairs.values()) for (const f of m.keys()) flags.add(f);
  const differing = [...flags].filter(f => runner.length < 2 || new Set(runner.map(i => pairs.get(i)!.get(f) ?? '')).size > 1);
  // Runs whose format records hyperparameters: the ones that differ between them.
  const withParams = items.filter(i => !i.record && i.params && Object.keys(i.params).length > 0);
  const keys = new Set<string>();
  for (const i of withParams) for (const k of Object.keys(i.params!)) keys.add(k);
  const differingParams =
    withParams.length < 2 ? [] : [...keys].sort().filter(k => new Set(withParams.map(i => i.params![k] ?? '')).size > 1);
  const labels = items.map(i => {
    if (!i.record) {
      const ps = i.params ? differingParams.filter(k => i.params![k] !== undefined).map(k => `${k}=${i.params![k]}`) : [];
      return ps.length ? `${i.name} ${ps.slice(0, 4).join(' ')}` : i.name;
    }
    const m = pairs.get(i)!;
    const args = differing.flatMap(f => (m.has(f) ? [m.get(f)!] : []));
    if (args.length || runner.length < 2) return [i.record.name, ...args].join(' ');
    return `${i.record.name} · ${folderTime(i.dir ?? path.dirname(i.source))}`;
  });
  // Still the same (two plain logs called metrics.csv, two identical runs): add the folder.
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  return labels.map((l, k) => {
    if ((count.get(l) ?? 0) < 2) return l;
    const i = items[k];
    return i.record ? `${l} · ${path.basename(i.dir ?? path.dirname(i.source))}` : `${path.basename(path.dirname(i.source))}/${l}`;
  });
}

/** `20250102-153045` of a run folder named `20250102-153045-train-lr0.5`, else its name. */
function folderTime(dir: string): string {
  const b = path.basename(dir);
  return /^\d{8}-\d{6}/.exec(b)?.[0] ?? b;
}

/** The last non-empty lines of a run's error output, for a notification (at most `max` characters). */
export function lastLines(lines: readonly string[], n = 3, max = 400): string {
  const kept = lines.map(l => l.trimEnd()).filter(l => l.trim() !== '').slice(-n);
  const s = kept.join(' ⏎ ');
  return s.length > max ? '…' + s.slice(s.length - max + 1) : s;
}
