/** Building text edits from tokens and lines, and formatting numbers the way a script writes them. */
import type { ScriptFacts } from './facts';
import type { Token } from './reader';
import type { ScriptEdit } from './types';

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Range covering tokens [a, b). */
export function tokenRange(t: Token[], a: number, b: number): Range {
  const first = t[a];
  const last = t[Math.max(a, b - 1)];
  return { line: first.line, column: first.col, endLine: last.endLine, endColumn: last.endCol };
}

export function replaceTokens(t: Token[], a: number, b: number, newText: string): ScriptEdit {
  return { ...tokenRange(t, a, b), newText };
}

export function insertAt(line: number, column: number, newText: string): ScriptEdit {
  return { line, column, endLine: line, endColumn: column, newText };
}

/** Text of a physical line (1-based), without its line break. */
export function lineText(facts: ScriptFacts, line: number): string {
  const ls = facts.mod.lineStarts;
  const start = ls[line - 1] ?? facts.text.length;
  const end = line < ls.length ? ls[line] : facts.text.length;
  return facts.text.slice(start, end).replace(/\r?\n$|\r$/, '');
}

export function lineCount(facts: ScriptFacts): number {
  return facts.mod.lineStarts.length;
}

/** Insert a whole line (given without its line break) before physical line `line`. */
export function insertLineBefore(facts: ScriptFacts, line: number, text: string): ScriptEdit {
  return insertAt(line, 0, text + facts.eol);
}

/** Insert a whole line (given without its line break) after physical line `line`. */
export function insertLineAfter(facts: ScriptFacts, line: number, text: string): ScriptEdit {
  if (line < lineCount(facts)) return insertAt(line + 1, 0, text + facts.eol);
  const len = lineText(facts, line).length;
  return insertAt(line, len, facts.eol + text);
}

/** Delete physical lines [from, to] entirely. */
export function deleteLines(facts: ScriptFacts, from: number, to: number): ScriptEdit {
  if (to < lineCount(facts)) return { line: from, column: 0, endLine: to + 1, endColumn: 0, newText: '' };
  if (from > 1) {
    const prevLen = lineText(facts, from - 1).length;
    return { line: from - 1, column: prevLen, endLine: to, endColumn: lineText(facts, to).length, newText: '' };
  }
  return { line: from, column: 0, endLine: to, endColumn: lineText(facts, to).length, newText: '' };
}

/**
 * Format a number like the literal it replaces: scientific when the original was (`5e-1` ->
 * `1e-3`), plain decimals otherwise (`0.5` -> `0.001`). Three significant digits at most.
 */
export function formatLike(value: number, original = 'e'): string {
  const v = Number(value.toPrecision(3));
  if (/[eE]/.test(original)) return sci(v);
  if (v !== 0 && (Math.abs(v) < 1e-5 || Math.abs(v) >= 1e6)) return sci(v);
  let s = String(v);
  if (/e/.test(s)) s = v.toFixed(10).replace(/0+$/, '');
  if (!/[.e]/.test(s) && /\./.test(original)) s += '.0';
  return s;
}

function sci(v: number): string {
  return v.toExponential().replace('e+', 'e');
}
