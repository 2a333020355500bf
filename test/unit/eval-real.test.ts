/**
 * The judged real-world corpus (test/fixtures/judged/<corpus>/MANIFEST.tsv): every manifest row is
 * well formed and its file is there; the scoring rules; and Loss Lens, with default settings and
 * the CLI's loader, keeps precision, recall and false alarms at warning/error within the floors of
 * test/fixtures/judged/FLOOR.json (today's measured values, rounded down; they only move up).
 * The same code (src/eval/judged.ts, judgedLoad.ts) makes the real-world section of docs/eval.md.
 */
import * as fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/core/diagnose/types';
import {
  MANIFEST_HEADER,
  parseManifest,
  renderJudgedMarkdown,
  scoreJudged,
  type JudgedEntry,
  type JudgedLog,
  type JudgedScore,
} from '../../src/eval/judged';
import { judgeCorpus, judgedCorpora, judgedDir, judgedFile, readFloor, readJudgedCorpus } from '../../src/eval/judgedLoad';
import { REPO_ROOT } from '../helpers';

const DIR = judgedDir(REPO_ROOT);

function entry(over: Partial<JudgedEntry>): JudgedEntry {
  return {
    corpus: 'c',
    file: 'x/log.csv',
    repo: 'o/r',
    path: 'log.csv',
    commit: '-',
    format: 'csv',
    expected: [],
    acceptable: [],
    forbidden: [],
    why: 'w',
    line: 2,
    ...over,
  };
}

describe('manifest parsing', () => {
  const head = MANIFEST_HEADER.join('\t');

  it('reads kinds lists, - for none, and reports malformed rows', () => {
    const text = [
      head,
      ['a/trainer_state.json', 'o/r', 'p/trainer_state.json', 'a'.repeat(40), 'trainer_state', 'overfitting', 'early-stop,plateau', '-', 'why'].join('\t'),
      ['b/log.csv', 'o/r', 'log.csv', 'abc', 'xml', 'overfit', '-', 'non-finite', ''].join('\t'),
      ['c/log.csv', 'o/r', 'log.csv', '-', 'csv', 'plateau', '-', 'plateau', 'w'].join('\t'),
      'only\tthree\tfields',
      '',
    ].join('\n');
    const { entries, issues } = parseManifest(text, 'k');
    expect(entries[0]).toMatchObject({ file: 'a/trainer_state.json', expected: ['overfitting'], acceptable: ['early-stop', 'plateau'], forbidden: [] });
    expect(issues.some(i => i.includes(':3: commit'))).toBe(true);
    expect(issues.some(i => i.includes(":3: format 'xml'"))).toBe(true);
    expect(issues.some(i => i.includes("unknown kind 'overfit'"))).toBe(true);
    expect(issues.some(i => i.includes(':3: empty why'))).toBe(true);
    expect(issues.some(i => i.includes("'plateau' is both forbidden"))).toBe(true);
    expect(issues.some(i => i.includes(':5: 3 fields'))).toBe(true);
  });

  it('rejects a wrong header', () => {
    expect(parseManifest('file\trepo\n', 'k').issues).toHaveLength(1);
  });
});

describe('scoring', () => {
  const log = (e: Partial<JudgedEntry>, findings: JudgedLog['findings'], loadError?: string): JudgedLog => ({
    entry: entry(e),
    findings,
    loadError,
  });
  const f = (kind: JudgedLog['findings'][number]['kind'], severity: 'info' | 'warning' | 'error') => ({ kind, severity, message: `${kind} ${severity}` });

  it('counts distinct kinds: right, misses, forbidden at any severity, unexpected only at warning/error', () => {
    const s = scoreJudged([
      // expected found (twice: counts once), acceptable warning, unexpected info: no false alarm
      log({ file: 'a', expected: ['overfitting'], acceptable: ['plateau'] }, [
        f('overfitting', 'info'),
        f('overfitting', 'warning'),
        f('plateau', 'warning'),
        f('not-converged', 'info'),
      ]),
      // forbidden info: false alarm (not at warning); unexpected warning: false alarm; miss
      log({ file: 'b', expected: ['non-finite', 'restart'], forbidden: ['early-stop'] }, [
        f('early-stop', 'info'),
        f('loss-spike', 'error'),
        f('restart', 'info'),
      ]),
      // not read: every expected kind missed
      log({ file: 'c', expected: ['divergence'] }, [], 'cannot read'),
    ]);
    expect(s.expected).toBe(4);
    expect(s.found).toBe(2);
    expect(s.falseAlarms).toBe(2);
    expect(s.falseAlarmsAtWarning).toBe(1);
    expect(s.precision).toBeCloseTo(2 / 4);
    expect(s.recall).toBeCloseTo(2 / 4);
    expect(s.missList.map(m => `${m.log} ${m.kind}`)).toEqual(['c/b non-finite', 'c/c divergence']);
    expect(s.falseAlarmList.map(m => `${m.log} ${m.kind} ${m.severity} ${m.reason}`)).toEqual([
      'c/b early-stop info forbidden',
      'c/b loss-spike error unexpected',
    ]);
    expect(s.loadErrors).toEqual([{ log: 'c/c', message: 'cannot read' }]);
    const row = (k: string) => s.perKind.find(r => r.kind === k);
    expect(row('overfitting')).toMatchObject({ expected: 1, found: 1, falseAlarms: 0, precision: 1, recall: 1 });
    expect(row('loss-spike')).toMatchObject({ expected: 0, falseAlarms: 1, falseAlarmsAtWarning: 1, precision: 0 });
    expect(row('plateau')).toBeUndefined();
    const md = renderJudgedMarkdown(s);
    expect(md).toContain('## Real-world logs (judged)');
    expect(md).toContain('| `c/b` | `loss-spike` | error | unexpected |');
  });

  it('keeps the highest severity of a kind', () => {
    const s = scoreJudged([log({ file: 'a' }, [f('oscillation', 'info'), f('oscillation', 'warning')])]);
    expect(s.falseAlarmsAtWarning).toBe(1);
    expect(s.falseAlarmList[0].severity).toBe('warning');
  });
});

describe('the judged corpus', () => {
  const corpus = readJudgedCorpus(DIR);

  it('has well-formed manifests whose files all exist', () => {
    expect(judgedCorpora(DIR)).toContain('structured');
    expect(corpus.issues).toEqual([]);
    expect(corpus.entries.length).toBeGreaterThanOrEqual(50);
    const missing = corpus.entries.filter(e => !fs.existsSync(judgedFile(DIR, e))).map(e => `${e.corpus}/${e.file}`);
    expect(missing).toEqual([]);
    for (const e of corpus.entries) {
      for (const k of [...e.expected, ...e.acceptable, ...e.forbidden]) expect(FINDING_KINDS).toContain(k);
      expect(fs.statSync(judgedFile(DIR, e)).size).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
  });

  describe('Loss Lens on it', () => {
    let logs: JudgedLog[];
    let score: JudgedScore;
    beforeAll(async () => {
      logs = await judgeCorpus(corpus);
      score = scoreJudged(logs);
    }, 120_000);

    it('reads every log', () => {
      expect(score.loadErrors).toEqual([]);
    });

    it('stays within the floors of FLOOR.json', () => {
      const floor = readFloor(DIR);
      expect(floor).toBeDefined();
      const report = `precision ${score.precision?.toFixed(3)}, recall ${score.recall?.toFixed(3)}, false alarms at warning/error ${score.falseAlarmsAtWarning}`;
      expect(score.precision ?? 0, report).toBeGreaterThanOrEqual(floor!.precision);
      expect(score.recall ?? 0, report).toBeGreaterThanOrEqual(floor!.recall);
      expect(score.falseAlarmsAtWarning, report).toBeLessThanOrEqual(floor!.falseAlarmsAtWarning);
    });

    it('is deterministic', async () => {
      const again = scoreJudged(await judgeCorpus(corpus));
      expect(renderJudgedMarkdown(again)).toBe(renderJudgedMarkdown(score));
    });
  });
});
