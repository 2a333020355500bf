/**
 * The judged real-world corpus (test/fixtures/judged/<corpus>/MANIFEST.tsv): training logs
 * written by real runs in public repositories, each labelled by hand from its numbers with the
 * kinds a good diagnosis must report (expected), may report (acceptable) and must not report
 * (forbidden). This module parses the manifests and scores findings against them; reading the
 * files and running the engine is judgedLoad.ts.
 *
 * Scoring, per log, on the distinct finding kinds (each at its highest severity):
 * - a kind is a false alarm when it is forbidden (any severity), or when it is raised at warning or
 *   error severity and is neither expected nor acceptable;
 * - an expected kind that was not raised at all (any severity) is a miss;
 * - precision = right / (right + false alarms) and recall = found / expected, counting distinct
 *   (log, kind) pairs, "right" being the expected kinds that were raised.
 *
 * Pure TypeScript (no Node, no vscode): the eval CLI and the unit test share it.
 */
import { FINDING_KINDS, SEVERITY_RANK, type FindingKind, type Severity } from '../core/diagnose/types';

export const MANIFEST_HEADER = ['file', 'repo', 'path', 'commit', 'format', 'expected', 'acceptable', 'forbidden', 'why'] as const;
export const JUDGED_FORMATS = ['trainer_state', 'csv', 'jsonl', 'tfevents', 'stdout'] as const;
export type JudgedFormat = (typeof JUDGED_FORMATS)[number];

export interface JudgedEntry {
  /** The corpus folder (e.g. `structured`, `text`). */
  corpus: string;
  /** Path of the log relative to the corpus folder. */
  file: string;
  repo: string;
  path: string;
  commit: string;
  format: JudgedFormat;
  expected: FindingKind[];
  acceptable: FindingKind[];
  forbidden: FindingKind[];
  why: string;
  /** 1-based line in the manifest. */
  line: number;
}

export interface ManifestParse {
  entries: JudgedEntry[];
  /** Rows or header that break the format, as `corpus/MANIFEST.tsv:line: message`. */
  issues: string[];
}

const KIND_SET: ReadonlySet<string> = new Set(FINDING_KINDS);

function kindList(cell: string, what: string, where: string, issues: string[]): FindingKind[] {
  const s = cell.trim();
  if (s === '-' || s === '') return [];
  const out: FindingKind[] = [];
  for (const raw of s.split(',')) {
    const k = raw.trim();
    if (!KIND_SET.has(k)) issues.push(`${where}: unknown kind '${k}' in ${what}`);
    else if (out.includes(k as FindingKind)) issues.push(`${where}: '${k}' twice in ${what}`);
    else out.push(k as FindingKind);
  }
  return out;
}

/** Parse one MANIFEST.tsv (tab-separated, header exactly MANIFEST_HEADER). */
export function parseManifest(text: string, corpus: string): ManifestParse {
  const issues: string[] = [];
  const entries: JudgedEntry[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = (i: number) => `${corpus}/MANIFEST.tsv:${i + 1}`;
  if (lines[0] !== MANIFEST_HEADER.join('\t')) {
    issues.push(`${at(0)}: header must be exactly: ${MANIFEST_HEADER.join(' <TAB> ')}`);
    return { entries, issues };
  }
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const where = at(i);
    const cells = lines[i].split('\t');
    if (cells.length !== MANIFEST_HEADER.length) {
      issues.push(`${where}: ${cells.length} fields, expected ${MANIFEST_HEADER.length}`);
      continue;
    }
    const [file, repo, pth, commit, format, expected, acceptable, forbidden, why] = cells.map(c => c.trim());
    if (!file) issues.push(`${where}: empty file`);
    if (seen.has(file)) issues.push(`${where}: ${file} listed twice`);
    seen.add(file);
    if (!/^[0-9a-f]{40}$/.test(commit) && commit !== '-') issues.push(`${where}: commit must be 40 hex digits or '-'`);
    if (!(JUDGED_FORMATS as readonly string[]).includes(format)) {
      issues.push(`${where}: format '${format}' is not one of ${JUDGED_FORMATS.join(', ')}`);
    }
    if (!why) issues.push(`${where}: empty why`);
    const e: JudgedEntry = {
      corpus,
      file,
      repo,
      path: pth,
      commit,
      format: format as JudgedFormat,
      expected: kindList(expected, 'expected', where, issues),
      acceptable: kindList(acceptable, 'acceptable', where, issues),
      forbidden: kindList(forbidden, 'forbidden', where, issues),
      why,
      line: i + 1,
    };
    for (const k of e.forbidden) {
      if (e.expected.includes(k) || e.acceptable.includes(k)) issues.push(`${where}: '${k}' is both forbidden and expected/acceptable`);
    }
    for (const k of e.acceptable) if (e.expected.includes(k)) issues.push(`${where}: '${k}' is both expected and acceptable`);
    entries.push(e);
  }
  return { entries, issues };
}

/** The part of a finding the scoring reads. */
export interface JudgedFinding {
  kind: FindingKind;
  severity: Severity;
  message: string;
  series?: string;
}

export interface JudgedLog {
  entry: JudgedEntry;
  findings: JudgedFinding[];
  /** Set when the log could not be read (every expected kind then counts as missed). */
  loadError?: string;
}

export interface JudgedItem {
  /** `corpus/file`. */
  log: string;
  kind: FindingKind;
  /** Highest severity raised (false alarms; absent for misses). */
  severity?: Severity;
  /** Start of the finding's message (false alarms) or the label's why (misses). */
  message: string;
  /** false alarm: forbidden kind, or an unexpected kind at warning/error. */
  reason?: 'forbidden' | 'unexpected';
}

export interface JudgedKindRow {
  kind: FindingKind;
  /** Logs expecting the kind. */
  expected: number;
  found: number;
  missed: number;
  falseAlarms: number;
  falseAlarmsAtWarning: number;
  precision?: number;
  recall?: number;
}

export interface JudgedLogOutcome {
  log: string;
  format: JudgedFormat;
  raised: Map<FindingKind, Severity>;
  found: FindingKind[];
  missed: FindingKind[];
  falseAlarms: FindingKind[];
  loadError?: string;
}

export interface JudgedScore {
  logs: number;
  corpora: Map<string, number>;
  formats: Map<JudgedFormat, number>;
  /** Expected (log, kind) pairs, and those found. */
  expected: number;
  found: number;
  falseAlarms: number;
  /** False alarms whose kind was raised at warning or error severity. */
  falseAlarmsAtWarning: number;
  precision?: number;
  recall?: number;
  perKind: JudgedKindRow[];
  perLog: JudgedLogOutcome[];
  falseAlarmList: JudgedItem[];
  missList: JudgedItem[];
  loadErrors: Array<{ log: string; message: string }>;
}

const ratio = (a: number, b: number): number | undefined => (b > 0 ? a / b : undefined);

/** The first sentence-ish of a message, at most `n` characters. */
export function messageHead(s: string, n = 110): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= n ? one : `${one.slice(0, n - 1).trimEnd()}…`;
}

export function scoreJudged(logs: readonly JudgedLog[]): JudgedScore {
  const perKind = new Map<FindingKind, JudgedKindRow>(
    FINDING_KINDS.map(kind => [kind, { kind, expected: 0, found: 0, missed: 0, falseAlarms: 0, falseAlarmsAtWarning: 0 }]),
  );
  const score: JudgedScore = {
    logs: logs.length,
    corpora: new Map(),
    formats: new Map(),
    expected: 0,
    found: 0,
    falseAlarms: 0,
    falseAlarmsAtWarning: 0,
    perKind: [],
    perLog: [],
    falseAlarmList: [],
    missList: [],
    loadErrors: [],
  };
  for (const { entry: e, findings, loadError } of logs) {
    const log = `${e.corpus}/${e.file}`;
    score.corpora.set(e.corpus, (score.corpora.get(e.corpus) ?? 0) + 1);
    score.formats.set(e.format, (score.formats.get(e.format) ?? 0) + 1);
    if (loadError) score.loadErrors.push({ log, message: loadError });
    // Distinct kinds, each at its highest severity (with that finding's message).
    const top = new Map<FindingKind, JudgedFinding>();
    for (const f of findings) {
      const prev = top.get(f.kind);
      if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]) top.set(f.kind, f);
    }
    const out: JudgedLogOutcome = {
      log,
      format: e.format,
      raised: new Map([...top].map(([k, f]) => [k, f.severity])),
      found: [],
      missed: [],
      falseAlarms: [],
      loadError,
    };
    for (const k of e.expected) {
      const row = perKind.get(k)!;
      row.expected++;
      score.expected++;
      if (top.has(k)) {
        row.found++;
        score.found++;
        out.found.push(k);
      } else {
        row.missed++;
        out.missed.push(k);
        score.missList.push({ log, kind: k, message: messageHead(loadError ? `not read: ${loadError}` : e.why) });
      }
    }
    for (const [k, f] of top) {
      const forbidden = e.forbidden.includes(k);
      const atWarning = SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning;
      const allowed = e.expected.includes(k) || e.acceptable.includes(k);
      if (!forbidden && (allowed || !atWarning)) continue;
      const row = perKind.get(k)!;
      row.falseAlarms++;
      score.falseAlarms++;
      if (atWarning) {
        row.falseAlarmsAtWarning++;
        score.falseAlarmsAtWarning++;
      }
      out.falseAlarms.push(k);
      score.falseAlarmList.push({
        log,
        kind: k,
        severity: f.severity,
        message: messageHead(f.message),
        reason: forbidden ? 'forbidden' : 'unexpected',
      });
    }
    score.perLog.push(out);
  }
  for (const row of perKind.values()) {
    row.precision = ratio(row.found, row.found + row.falseAlarms);
    row.recall = ratio(row.found, row.expected);
    if (row.expected + row.falseAlarms > 0) score.perKind.push(row);
  }
  score.precision = ratio(score.found, score.found + score.falseAlarms);
  score.recall = ratio(score.found, score.expected);
  return score;
}

// ---------------------------------------------------------------------------------------------
// Markdown

const f2 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
const esc = (s: string) => s.replace(/\|/g, '\\|');

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const counts = <K extends string>(m: Map<K, number>) =>
  [...m]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The judged-corpus section of docs/eval.md (and of `npm run eval`'s output). */
export function renderJudgedMarkdown(score: JudgedScore): string {
  const out: string[] = [];
  out.push('## Real-world logs (judged)');
  out.push('');
  out.push(
    `${score.logs} training logs written by real runs in public repositories (\`test/fixtures/judged/*/MANIFEST.tsv\`: ` +
      `${counts(score.corpora)}; formats: ${counts(score.formats)}), each labelled by hand from its numbers with the kinds ` +
      'a diagnosis must report (expected), may report (acceptable) and must not report (forbidden). ' +
      'Loss Lens reads each file with the CLI\'s loader and default settings. Per log, each finding kind counts once, at its ' +
      'highest severity. A false alarm: a forbidden kind at any severity, or a kind neither expected nor acceptable at warning ' +
      'or error. A miss: an expected kind not reported at any severity. Precision = right / (right + false alarms) and ' +
      'recall = found / expected, over distinct (log, kind) pairs.',
  );
  out.push('');
  out.push(
    table(
      ['logs', 'expected', 'found', 'missed', 'false alarms', 'of them at warning/error', 'precision', 'recall'],
      [
        [
          String(score.logs),
          String(score.expected),
          String(score.found),
          String(score.expected - score.found),
          String(score.falseAlarms),
          String(score.falseAlarmsAtWarning),
          f2(score.precision),
          f2(score.recall),
        ],
      ],
    ),
  );
  out.push('');
  out.push('### Per kind');
  out.push('');
  out.push(
    table(
      ['kind', 'expected', 'found', 'missed', 'false alarms', 'at warning/error', 'precision', 'recall'],
      score.perKind.map(r => [
        `\`${r.kind}\``,
        String(r.expected),
        String(r.found),
        String(r.missed),
        String(r.falseAlarms),
        String(r.falseAlarmsAtWarning),
        f2(r.precision),
        f2(r.recall),
      ]),
    ),
  );
  out.push('');
  out.push(`### False alarms (${score.falseAlarmList.length})`);
  out.push('');
  out.push(
    score.falseAlarmList.length
      ? table(
          ['log', 'kind', 'severity', 'why', 'message'],
          score.falseAlarmList.map(i => [`\`${i.log}\``, `\`${i.kind}\``, i.severity ?? '', i.reason ?? '', i.message]),
        )
      : 'None.',
  );
  out.push('');
  out.push(`### Misses (${score.missList.length})`);
  out.push('');
  out.push(
    score.missList.length
      ? table(['log', 'kind', 'label (why)'], score.missList.map(i => [`\`${i.log}\``, `\`${i.kind}\``, i.message]))
      : 'None.',
  );
  if (score.loadErrors.length) {
    out.push('');
    out.push(`### Not read (${score.loadErrors.length})`);
    out.push('');
    out.push(table(['log', 'problem'], score.loadErrors.map(l => [`\`${l.log}\``, l.message])));
  }
  out.push('');
  return out.join('\n');
}

/** Floors kept in test/fixtures/judged/FLOOR.json (they only move up). */
export interface JudgedFloor {
  precision: number;
  recall: number;
  /** The most false alarms at warning/error allowed. */
  falseAlarmsAtWarning: number;
}
