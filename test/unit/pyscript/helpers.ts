import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScriptEdit, ScriptIssue } from '../../../src/core/pyscript';

export const SCRIPTS = path.resolve(__dirname, '../../fixtures/scripts');
export const EXAMPLES = path.resolve(__dirname, '../../../examples');

export function script(name: string): string {
  return fs.readFileSync(path.join(SCRIPTS, name), 'utf8');
}

/** Apply edits (1-based lines, 0-based columns, positions in the original text), last first. */
export function applyEdits(text: string, edits: readonly ScriptEdit[]): string {
  const lines = text.split(/(?<=\n)/);
  const offset = (line: number, col: number) => {
    let o = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) o += lines[i].length;
    return o + col;
  };
  const spans = edits
    .map(e => ({ from: offset(e.line, e.column), to: offset(e.endLine, e.endColumn), text: e.newText }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  for (const s of spans) out = out.slice(0, s.from) + s.text + out.slice(s.to);
  return out;
}

/** Apply an issue's quick fix. */
export function fixed(text: string, issue: ScriptIssue | undefined): string {
  if (!issue?.fix) throw new Error(`no fix on ${issue?.code}`);
  return applyEdits(text, issue.fix.edits);
}

/** [code, line] pairs, compact for expectations. */
export function where(issues: readonly ScriptIssue[]): Array<[string, number]> {
  return issues.map(i => [i.code, i.line]);
}

/** The lines that differ between two texts (old -> new), for compact expectations. */
export function diffLines(a: string, b: string): { removed: string[]; added: string[] } {
  const x = a.split('\n');
  const y = b.split('\n');
  let s = 0;
  while (s < x.length && s < y.length && x[s] === y[s]) s++;
  let ex = x.length - 1;
  let ey = y.length - 1;
  while (ex >= s && ey >= s && x[ex] === y[ey]) {
    ex--;
    ey--;
  }
  return { removed: x.slice(s, ex + 1), added: y.slice(s, ey + 1) };
}
