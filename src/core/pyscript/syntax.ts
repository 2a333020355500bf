/**
 * Token-pattern helpers over the Python reader's logical lines: calls with their arguments,
 * assignments, dotted "primaries" (`scaler.scale(loss).backward`), scopes and blocks.
 */
import type { LogicalLine, PyModule, Stmt, Token } from './tokenize';

export const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

export interface Arg {
  /** Keyword name for `name=value` arguments. */
  keyword?: string;
  /** Token indices of the whole argument [start, end). */
  start: number;
  end: number;
  /** First token of the value (after `name=`, `*` or `**`). */
  valueStart: number;
}

export interface Call {
  stmt: Stmt;
  ll: LogicalLine;
  /** The callee's last name (`backward` in `loss.backward()`). */
  name: string;
  /** Index of that name token. */
  nameIdx: number;
  /** Compact text of the whole callee (`torch.nn.utils.clip_grad_norm_`). */
  callee: string;
  /** Compact text of what the method is called on (`loss`, `self.model`), if any. */
  receiver?: string;
  /** First token of the callee expression. */
  startIdx: number;
  open: number;
  close: number;
  args: Arg[];
}

export interface Assignment {
  stmt: Stmt;
  ll: LogicalLine;
  /** Compact text of the target (`self.fc`, `lr`); undefined for tuple targets. */
  target?: string;
  /** Names of tuple targets. */
  targets: string[];
  /** `=`, `+=`, `-=`, ... */
  op: string;
  /** Index of the operator token; the value is tokens (opIdx, end). */
  opIdx: number;
}

export function isOp(t: Token | undefined, v: string): boolean {
  return !!t && t.type === 'op' && t.value === v;
}

export function isName(t: Token | undefined, v?: string): boolean {
  return !!t && t.type === 'name' && (v === undefined || t.value === v);
}

/** Index of the bracket closing the one at `open` (or the last token when unbalanced). */
export function matchClose(tokens: Token[], open: number): number {
  const d = tokens[open].depth;
  for (let j = open + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.type === 'op' && (t.value === ')' || t.value === ']' || t.value === '}') && t.depth === d) return j;
  }
  return tokens.length - 1;
}

/** Index of the bracket opening the one at `close` (or -1). */
export function matchOpen(tokens: Token[], close: number): number {
  const d = tokens[close].depth;
  for (let j = close - 1; j >= 0; j--) {
    const t = tokens[j];
    if (t.type === 'op' && (t.value === '(' || t.value === '[' || t.value === '{') && t.depth === d) return j;
  }
  return -1;
}

/** First token of the dotted primary that ends with the name token at `k`. */
export function primaryStart(tokens: Token[], k: number): number {
  let s = k;
  for (;;) {
    if (!isOp(tokens[s - 1], '.')) return s;
    const before = tokens[s - 2];
    if (!before) return s;
    if (before.type === 'name' && !KEYWORDS.has(before.value)) {
      s -= 2;
      continue;
    }
    if (before.type === 'string') return s - 2;
    if (before.type === 'op' && (before.value === ')' || before.value === ']')) {
      const j = matchOpen(tokens, s - 2);
      if (j < 0) return s;
      s = j;
      const b2 = tokens[s - 1];
      if (b2 && b2.type === 'name' && !KEYWORDS.has(b2.value)) s -= 1;
      continue;
    }
    return s;
  }
}

/** Compact text of tokens [a, b): no whitespace except between two words. */
export function compact(tokens: Token[], a: number, b: number): string {
  let out = '';
  const end = Math.min(b, tokens.length);
  for (let i = Math.max(0, a); i < end; i++) {
    const t = tokens[i];
    const prev = tokens[i - 1];
    if (
      i > a &&
      prev &&
      /[A-Za-z0-9_'"]$/.test(prev.value) &&
      /^[A-Za-z0-9_'"]/.test(t.value)
    ) {
      out += ' ';
    }
    out += t.value;
  }
  return out;
}

/** Source text of tokens [a, b) as written. */
export function sourceOf(mod: PyModule, tokens: Token[], a: number, b: number): string {
  if (b <= a) return '';
  return mod.text.slice(tokens[a].start, tokens[b - 1].end);
}

export function splitArgs(tokens: Token[], open: number, close: number): Arg[] {
  const args: Arg[] = [];
  const d = tokens[open].depth + 1;
  let start = open + 1;
  const finish = (end: number) => {
    if (end <= start) return;
    let keyword: string | undefined;
    let valueStart = start;
    if (isName(tokens[start]) && isOp(tokens[start + 1], '=')) {
      keyword = tokens[start].value;
      valueStart = start + 2;
    } else if (isOp(tokens[start], '*') || isOp(tokens[start], '**')) {
      valueStart = start + 1;
    }
    args.push({ keyword, start, end, valueStart });
  };
  for (let j = open + 1; j < close; j++) {
    if (isOp(tokens[j], ',') && tokens[j].depth === d) {
      finish(j);
      start = j + 1;
    }
  }
  finish(close);
  return args;
}

/** Every call in a logical line. */
export function callsIn(stmt: Stmt): Call[] {
  const ll = stmt.ll;
  const t = ll.tokens;
  const out: Call[] = [];
  for (let k = 0; k < t.length - 1; k++) {
    if (t[k].type !== 'name' || KEYWORDS.has(t[k].value) || !isOp(t[k + 1], '(')) continue;
    const startIdx = primaryStart(t, k);
    const open = k + 1;
    const close = matchClose(t, open);
    out.push({
      stmt,
      ll,
      name: t[k].value,
      nameIdx: k,
      callee: compact(t, startIdx, k + 1),
      receiver: k - startIdx >= 2 ? compact(t, startIdx, k - 1) : undefined,
      startIdx,
      open,
      close,
      args: splitArgs(t, open, close),
    });
  }
  return out;
}

const AUG = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);

/** The assignment made by a statement, if it is one. */
export function assignmentOf(stmt: Stmt): Assignment | undefined {
  if (stmt.keyword) return undefined;
  const t = stmt.ll.tokens;
  const base = t[0].depth;
  for (let j = 0; j < t.length; j++) {
    const tok = t[j];
    if (tok.type !== 'op' || tok.depth !== base) continue;
    if (tok.value === '=' || AUG.has(tok.value)) {
      if (j === 0) return undefined;
      let end = j;
      for (let m = 0; m < j; m++) {
        if (isOp(t[m], ':') && t[m].depth === base) {
          end = m;
          break;
        }
      }
      const names: string[] = [];
      let simple = true;
      for (let m = 0; m < end; m++) {
        if (isOp(t[m], ',') && t[m].depth === base) simple = false;
        if (t[m].type === 'name' && !isOp(t[m - 1], '.')) names.push(t[m].value);
      }
      return {
        stmt,
        ll: stmt.ll,
        target: simple ? compact(t, 0, end) : undefined,
        targets: simple ? [compact(t, 0, end)] : names,
        op: tok.value,
        opIdx: j,
      };
    }
    if (tok.value === 'lambda') return undefined;
  }
  return undefined;
}

/** Statements of a subtree, in source order (the root excluded). */
export function descendants(stmt: Stmt): Stmt[] {
  const out: Stmt[] = [];
  const walk = (s: Stmt) => {
    for (const c of s.children) {
      out.push(c);
      walk(c);
    }
  };
  walk(stmt);
  return out;
}

/** The statement and its subtree. */
export function subtree(stmt: Stmt): Stmt[] {
  return [stmt, ...descendants(stmt)];
}

export function ancestors(stmt: Stmt): Stmt[] {
  const out: Stmt[] = [];
  for (let p = stmt.parent; p; p = p.parent) out.push(p);
  return out;
}

/** The function or class whose body holds the statement (undefined: module level). */
export function scopeOf(stmt: Stmt): Stmt | undefined {
  for (let p = stmt.parent; p; p = p.parent) if (p.keyword === 'def' || p.keyword === 'class') return p;
  return undefined;
}

/** The function a statement belongs to (undefined at module or class level). */
export function functionOf(stmt: Stmt): Stmt | undefined {
  for (let p = stmt.parent; p; p = p.parent) {
    if (p.keyword === 'def') return p;
    if (p.keyword === 'class') return undefined;
  }
  return undefined;
}

/** Name of a `def` / `class` statement. */
export function defName(stmt: Stmt): string | undefined {
  const t = stmt.ll.tokens;
  const k = isName(t[0], 'async') ? 1 : 0;
  return t[k + 1]?.type === 'name' ? t[k + 1].value : undefined;
}

export function isLoop(stmt: Stmt): boolean {
  return stmt.keyword === 'for' || stmt.keyword === 'while';
}

/** Token index range of a `for` loop's iterable: tokens between `in` and the header colon. */
export function forIterable(stmt: Stmt): [number, number] | undefined {
  if (stmt.keyword !== 'for') return undefined;
  const t = stmt.ll.tokens;
  for (let j = 0; j < stmt.colon; j++) {
    if (isName(t[j], 'in') && t[j].depth === t[0].depth) return [j + 1, stmt.colon];
  }
  return undefined;
}

/** Does a statement sit lexically inside `ancestor`? */
export function isInside(stmt: Stmt, ancestor: Stmt): boolean {
  for (let p = stmt.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** Last physical line of a statement including its body. */
export function endLineOf(stmt: Stmt): number {
  let end = stmt.ll.endLine;
  for (const c of stmt.children) end = Math.max(end, endLineOf(c));
  return end;
}

/** Literal numeric value of tokens [a, b) (`1e-3`, `-0.5`, `float("inf")`), or undefined. */
export function numberValue(tokens: Token[], a: number, b: number): number | undefined {
  if (b - a === 1 && tokens[a].type === 'number') return parseNumber(tokens[a].value);
  if (b - a === 2 && isOp(tokens[a], '-') && tokens[a + 1].type === 'number') {
    const v = parseNumber(tokens[a + 1].value);
    return v === undefined ? undefined : -v;
  }
  const text = compact(tokens, a, b);
  if (/^(float\(['"]inf['"]\)|math\.inf|torch\.inf|np\.inf|numpy\.inf)$/.test(text)) return Infinity;
  return undefined;
}

export function parseNumber(s: string): number | undefined {
  if (/[jJ]$/.test(s)) return undefined;
  const v = Number(s.replace(/_/g, ''));
  return Number.isFinite(v) ? v : undefined;
}

/** The string value of a simple string literal token (no f-strings), or undefined. */
export function stringValue(t: Token | undefined): string | undefined {
  if (!t || t.type !== 'string') return undefined;
  const m = /^([rRbBuU]{0,2})('''|"""|'|")([\s\S]*)\2$/.exec(t.value);
  if (!m) return undefined;
  return m[3];
}
