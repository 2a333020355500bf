/**
 * The runner's own words (stop reasons, start errors, output notes) and plain-text rendering
 * of findings for a terminal or an output channel. The texts are the `runner.*` section of the
 * core catalogue (src/core/i18n, checked for the same keys and placeholders in both languages);
 * `msg(lang)` gives them typed arguments and the plural / optional variants.
 */
import type { Finding, Lang } from '../core/diagnose/types';
import { t as tr, type MessageKey } from '../core/i18n';
import { fmtBytes, type OutputStats } from './outputLog';

/** Runner messages in `lang` (English when not given). */
export function msg(lang: Lang | undefined) {
  const L: Lang = lang === 'zh-cn' ? 'zh-cn' : 'en';
  const t = (key: MessageKey, params: Record<string, string> = {}) => tr(L, key, params);
  /** A count as the language writes it (English groups thousands). */
  const count = (n: number) => (L === 'en' ? n.toLocaleString('en-US') : String(n));
  const plural = (n: number, one: MessageKey, many: MessageKey) => (n === 1 ? one : many);
  return {
    stopped: (what: string) => t('runner.stopped', { what }),
    userStopped: t('runner.userStopped'),
    atStep: (series: string, step: string, line?: number) =>
      line ? t('runner.atStep.line', { series, step, line: String(line) }) : t('runner.atStep', { series, step }),
    whatToChange: t('runner.whatToChange'),
    cannotStart: (command: string, why: string) => t('runner.cannotStart', { command, why }),
    badCwd: (cwd: string) => t('runner.badCwd', { cwd }),
    notDir: (cwd: string) => t('runner.notDir', { cwd }),
    dropped: (s: OutputStats) => t('runner.dropped', { lines: count(s.droppedLines), bytes: fmtBytes(s.droppedBytes) }),
    cutLines: (n: number, chars: number, max: number) =>
      t(plural(n, 'runner.cutLines.one', 'runner.cutLines.many'), { count: count(n), max: count(max), bytes: fmtBytes(chars) }),
    leftovers: (n: number) => t(plural(n, 'runner.leftovers.one', 'runner.leftovers.many'), { count: String(n) }),
    signalSent: (signal: string, outside: number) =>
      outside
        ? t(plural(outside, 'runner.signalSent.outside.one', 'runner.signalSent.outside.many'), { signal, count: String(outside) })
        : t('runner.signalSent', { signal }),
    survivors: (pids: number[]) => t('runner.survivors', { pids: pids.join(', ') }),
    pseudoRunsFolder: (dir: string, fsRoot: string) => t('runner.pseudoRunsFolder', { dir, fsRoot }),
    siblingBest: (value: string, series: string, run: string) => t('runner.siblingBest', { value, series, run }),
    noSiblingBest: (folder: string) => t('runner.noSiblingBest', { folder }),
    exitCode: (code: string) => t('runner.outcome.exitCode', { code }),
  };
}

export function fmtStep(step: number): string {
  if (!Number.isFinite(step)) return String(step);
  return Number.isInteger(step) ? String(step) : step.toPrecision(6).replace(/\.?0+$/, '');
}

/** One finding as terminal lines: a header with severity and kind, the message, the fixes. */
export function formatFinding(f: Finding, opts: { fixes?: number; indent?: string } = {}): string[] {
  const ind = opts.indent ?? '';
  const where = `${f.series} @ step ${fmtStep(f.step)}${f.line ? ` (line ${f.line})` : ''}`;
  const out = [`${ind}${f.severity.toUpperCase()} ${f.kind}: ${f.title} — ${where}`, `${ind}  ${f.message}`];
  out.push(...formatFixes(f.fixes, opts.fixes ?? 0, ind + '  '));
  return out;
}

/** The first `n` fixes, numbered, with their code snippets indented under them. */
export function formatFixes(fixes: Finding['fixes'], n: number, indent = ''): string[] {
  const out: string[] = [];
  fixes.slice(0, n).forEach((fx, i) => {
    out.push(`${indent}${i + 1}. ${fx.title}${fx.detail ? ` — ${fx.detail}` : ''}`);
    if (fx.code) for (const l of fx.code.split('\n')) out.push(`${indent}     ${l}`);
  });
  return out;
}
