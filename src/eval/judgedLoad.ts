/**
 * Reads the judged real-world corpus (every test/fixtures/judged/<corpus>/MANIFEST.tsv) and runs
 * the engine on each log the way the CLI does (core loader, analyzeRuns, default settings).
 * Scoring is judged.ts.
 *
 * Node-only (node:fs), but free of `vscode`: the eval CLI and the unit test share it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeRuns } from '../core/analyze';
import { loadPaths } from '../core/load';
import { parseManifest, type JudgedEntry, type JudgedFloor, type JudgedLog } from './judged';

/** test/fixtures/judged, from the repository root. */
export function judgedDir(repoRoot: string): string {
  return path.join(repoRoot, 'test', 'fixtures', 'judged');
}

/** The corpus folders that hold a MANIFEST.tsv, sorted. */
export function judgedCorpora(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(d => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'MANIFEST.tsv')))
    .map(d => d.name)
    .sort();
}

export interface JudgedCorpus {
  dir: string;
  entries: JudgedEntry[];
  issues: string[];
}

export function readJudgedCorpus(dir: string): JudgedCorpus {
  const entries: JudgedEntry[] = [];
  const issues: string[] = [];
  for (const corpus of judgedCorpora(dir)) {
    const parsed = parseManifest(fs.readFileSync(path.join(dir, corpus, 'MANIFEST.tsv'), 'utf8'), corpus);
    entries.push(...parsed.entries);
    issues.push(...parsed.issues);
  }
  return { dir, entries, issues };
}

/** Absolute path of an entry's log. */
export function judgedFile(dir: string, e: JudgedEntry): string {
  return path.join(dir, e.corpus, e.file);
}

/** Load one log (single-threaded, so that runs are reproducible) and diagnose it. */
export async function judgeLog(dir: string, e: JudgedEntry): Promise<JudgedLog> {
  const { runs, problems } = await loadPaths([judgedFile(dir, e)], { threads: false });
  const findings = analyzeRuns(runs).map(f => ({ kind: f.kind, severity: f.severity, message: f.message, series: f.series }));
  let loadError: string | undefined;
  if (problems.length) loadError = problems.map(p => p.message).join('; ');
  else if (!runs.length) loadError = 'no run read';
  return { entry: e, findings, loadError };
}

export async function judgeCorpus(corpus: JudgedCorpus): Promise<JudgedLog[]> {
  const out: JudgedLog[] = [];
  for (const e of corpus.entries) out.push(await judgeLog(corpus.dir, e));
  return out;
}

export function readFloor(dir: string): JudgedFloor | undefined {
  const f = path.join(dir, 'FLOOR.json');
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as JudgedFloor) : undefined;
}
