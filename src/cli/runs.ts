/**
 * `loss-lens runs PATH... [--json] [--sort best|status|recency] [--lang en|zh-cn] [--no-cache]`:
 * every run under the paths, ranked, with the sweep insights (core/runs).
 *
 * The index of what was read is kept in a cache file, so a second listing re-reads only the
 * runs whose files changed (path, size and modification time): `$LOSS_LENS_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/loss-lens`, else `~/.cache/loss-lens`, file `runs-index.json`. `--no-cache`
 * neither reads nor writes it.
 *
 * Exit codes: 0 ok; 2 a path could not be read or held no run, or bad usage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Lang } from '../core/diagnose/types';
import { fmtNum, fmtStep, t } from '../core/i18n';
import { toJson } from '../core/summary';
import {
  keyParams,
  RUN_SORTS,
  RunIndex,
  type RunIndexSnapshot,
  runLabels,
  runsJson,
  type RunSort,
  sortRows,
  sweepInsights,
  valueText,
} from '../core/runs';
import { langOption, parseOptions, UsageError, type OptionSpecs } from './options';
import { termSafe } from './terminal';

export const RUNS_USAGE = `Usage:
  loss-lens runs PATH... [--json] [--sort best|status|recency] [--lang en|zh-cn] [--no-cache]

Lists every run under the paths (Loss Lens run folders, lightning_logs/version_N, TensorBoard run
directories, mlruns, Hugging Face output folders, wandb/run-*, YOLO runs/*/exp*, single logs),
ranked, with its status, worst finding, best loss, last step and parameters, then the sweep
insights (which parameter separates the broken runs from the healthy ones, which setting gives
the best loss, whether the best run is still improving).

The index of what was read is cached in $LOSS_LENS_CACHE_DIR, else $XDG_CACHE_HOME/loss-lens,
else ~/.cache/loss-lens (runs-index.json): a second listing re-reads only changed runs.

Exit codes: 0 ok; 2 a path could not be read or held no run.`;

const RUNS_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  sort: { type: 'string' },
  lang: { type: 'string' },
  'no-cache': { type: 'boolean' },
};

/** Where `loss-lens runs` keeps its index. */
export function runsCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LOSS_LENS_CACHE_DIR || (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'loss-lens') : path.join(os.homedir(), '.cache', 'loss-lens'));
  return path.join(dir, 'runs-index.json');
}

export async function runsCommand(argv: string[]): Promise<number> {
  let paths: string[];
  let json: boolean;
  let lang: Lang;
  let sort: RunSort = 'best';
  let cache: boolean;
  try {
    const { values: v, positionals } = parseOptions(argv, RUNS_OPTIONS);
    if (v.help) {
      process.stdout.write(RUNS_USAGE + '\n');
      return 0;
    }
    json = v.json === true;
    lang = langOption(v.lang as string | undefined);
    cache = v['no-cache'] !== true;
    if (v.sort !== undefined) {
      if (!RUN_SORTS.includes(v.sort as RunSort)) throw new UsageError(`--sort must be best, status or recency (got ${String(v.sort)})`);
      sort = v.sort as RunSort;
    }
    paths = positionals;
    if (!paths.length) throw new UsageError('no PATH given');
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`loss-lens runs: ${termSafe(e.message)}\n\n${RUNS_USAGE}\n`);
      return 2;
    }
    throw e;
  }

  const index = new RunIndex({ lang });
  const cacheFile = runsCacheFile();
  if (cache) index.restore(readCache(cacheFile));
  const listed = await index.list(paths);
  // Written again only when something was read or forgotten.
  if (cache && (index.prune() > 0 || listed.stats.read > 0 || listed.stats.forgotten > 0)) writeCache(cacheFile, index.snapshot());

  // Paths as the user gave them: relative to the working folder when all of them were relative.
  const relative = paths.every(p => !path.isAbsolute(p));
  const shown = relative ? listed.rows.map(r => ({ ...r, path: path.relative(process.cwd(), r.path) || '.' })) : listed.rows;
  const rows = sortRows(shown, sort);
  const insights = sweepInsights(rows, lang);
  for (const p of listed.problems) process.stderr.write(`loss-lens: ${termSafe(p.source)}: ${termSafe(p.message)}\n`);
  if (json) process.stdout.write(toJson(runsJson(rows, insights)) + '\n');
  else printTable(rows, insights, lang);
  // Exit 2 when a path named on the command line gave nothing (listed.problems holds those first).
  const unreadable = listed.problems.some(p => paths.includes(p.source));
  return unreadable || rows.length === 0 ? 2 : 0;
}

function readCache(file: string): RunIndexSnapshot | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunIndexSnapshot;
  } catch {
    return undefined;
  }
}

/** Write the index atomically (temp file + rename); a cache that cannot be written is no error. */
function writeCache(file: string, snap: RunIndexSnapshot): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(snap));
    fs.renameSync(tmp, file);
  } catch {
    // read-only home, full disk: the next listing reads everything again
  }
}

function printTable(rows: ReturnType<typeof sortRows>, insights: ReturnType<typeof sweepInsights>, lang: Lang): void {
  const w = (s: string) => process.stdout.write(s + '\n');
  const color = process.stdout.isTTY && !process.env.NO_COLOR;
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const count = (s: string) => rows.filter(r => r.status === s).length;
  w(t(lang, 'runs.cli.header', { count: String(rows.length), errors: String(count('error')), warnings: String(count('warning')), ok: String(count('ok')) }));
  if (!rows.length) return;
  const labels = runLabels(rows).map(termSafe);
  const keys = keyParams(rows);
  const icon = { ok: c('32', '✓'), warning: c('33;1', '!'), error: c('31;1', '✗') } as const;
  const cells = rows.map((r, i) => [
    t(lang, `runs.status.${r.status}`),
    labels[i],
    r.worst ?? '',
    r.best ? `${termSafe(r.best.series)} ${fmtNum(r.best.value)} (${fmtStep(r.best.step)})` : '',
    r.lastStep === null ? '' : fmtStep(r.lastStep),
    keys.filter(k => r.params[k] !== undefined).map(k => `${termSafe(k)}=${termSafe(valueText(r.params[k]))}`).join(' '),
  ]);
  const head = ['status', 'run', 'worst', 'best', 'lastStep', 'params'].map(k => t(lang, `runs.col.${k}` as 'runs.col.run'));
  const widths = head.map((h, j) => Math.min(j === 1 ? 48 : 40, Math.max(width(h), ...cells.map(r => width(r[j])))));
  const line = (cols: string[]) => cols.map((s, j) => (j === cols.length - 1 ? s : padTo(s, widths[j]))).join('  ');
  w('   ' + c('1', line(head)));
  rows.forEach((r, i) => w(` ${icon[r.status]} ${line(cells[i])}`));
  w('');
  w(c('1', t(lang, 'runs.cli.insights')));
  if (!insights.length) w('  ' + t(lang, 'runs.cli.noInsights'));
  for (const ins of insights) w(`  • ${termSafe(ins.message)}`);
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

function padTo(s: string, n: number): string {
  const wd = width(s);
  if (wd > n) {
    let out = '';
    for (const ch of s) {
      if (width(out + ch) > n - 1) break;
      out += ch;
    }
    return out + '…';
  }
  return s + ' '.repeat(n - wd);
}
