import { computeLineStarts } from './reader';
import type { ScriptEdit } from './types';

/**
 * Apply non-overlapping edits (positions relative to `text`) and return the new text. Edits at
 * the same position are applied in the order given.
 */
export function applyScriptEdits(text: string, edits: readonly ScriptEdit[]): string {
  const starts = computeLineStarts(text);
  const off = (line: number, col: number) => {
    if (line > starts.length) return text.length;
    return Math.min(text.length, starts[line - 1] + col);
  };
  const spans = edits
    .map((e, i) => ({ from: off(e.line, e.column), to: off(e.endLine, e.endColumn), text: e.newText, i }))
    .sort((a, b) => a.from - b.from || a.i - b.i);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.from < at) throw new Error('overlapping edits');
    out += text.slice(at, s.from) + s.text;
    at = s.to;
  }
  return out + text.slice(at);
}
