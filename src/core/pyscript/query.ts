/**
 * Queries over the parsed script: calls with their arguments and assignments (read from the
 * lezer syntax tree), scopes and blocks, and small token-level helpers (compact text, literal
 * values). Token indices are indices into a statement's `ll.tokens`.
 */
import type { SyntaxNode } from '@lezer/common';
import type { LogicalLine, PyModule, Stmt, Token } from './reader';

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

/** Token of a statement starting at `offset` (binary search in its tokens). */
function tokenAt(t: Token[], offset: number): number {
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Last token of a statement ending at or before `offset`. */
function tokenBefore(t: Token[], offset: number): number {
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[mid].end <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Every call of a statement (a clause: of its header), in the order of the callee names. */
export function callsIn(stmt: Stmt): Call[] {
  const t = stmt.ll.tokens;
  const from = t[0].start;
  const to = t[t.length - 1].end;
  const out: Call[] = [];
  const c = stmt.node.cursor();
  const visit = (): void => {
    do {
      if (c.to <= from || c.from >= to || c.name === 'Body' || c.name === 'MatchBody') continue;
      if (c.name === 'CallExpression') {
        const call = callOf(stmt, c.node);
        if (call) out.push(call);
      }
      if (c.firstChild()) {
        visit();
        c.parent();
      }
    } while (c.nextSibling());
  };
  if (c.firstChild()) visit();
  return out.sort((a, b) => a.nameIdx - b.nameIdx);
}

/** The calls of every statement, in one walk over the tree (calls in decorators are left out). */
export function collectCalls(mod: PyModule): Map<Stmt, Call[]> {
  const out = new Map<Stmt, Call[]>();
  const tokens = mod.tokens;
  const c = mod.tree.cursor();
  do {
    if (c.name !== 'CallExpression') continue;
    const i = tokenAt(tokens, c.from);
    const stmt = tokens[i]?.start === c.from ? tokens[i].stmt : undefined;
    if (!stmt) continue;
    const call = callOf(stmt, c.node);
    if (!call) continue;
    const list = out.get(stmt);
    if (list) list.push(call);
    else out.set(stmt, [call]);
  } while (c.next());
  for (const list of out.values()) if (list.length > 1) list.sort((a, b) => a.nameIdx - b.nameIdx);
  return out;
}

function callOf(stmt: Stmt, node: SyntaxNode): Call | undefined {
  const callee = node.firstChild;
  const argList = node.lastChild;
  if (!callee || !argList || argList.name !== 'ArgList' || callee === argList) return undefined;
  let nameNode: SyntaxNode | null = null;
  if (callee.name === 'VariableName') nameNode = callee;
  else if (callee.name === 'MemberExpression' && callee.lastChild?.name === 'PropertyName') nameNode = callee.lastChild;
  if (!nameNode) return undefined;
  const t = stmt.ll.tokens;
  const startIdx = tokenAt(t, callee.from);
  const nameIdx = tokenAt(t, nameNode.from);
  const open = tokenAt(t, argList.from);
  const close = tokenBefore(t, argList.to);
  if (t[nameIdx]?.start !== nameNode.from || t[open]?.start !== argList.from || close < open) return undefined;
  return {
    stmt,
    ll: stmt.ll,
    name: t[nameIdx].value,
    nameIdx,
    callee: compact(t, startIdx, nameIdx + 1),
    receiver: nameIdx - startIdx >= 2 ? compact(t, startIdx, nameIdx - 1) : undefined,
    startIdx,
    open,
    close,
    args: isOp(t[close], ')') ? splitArgs(t, open, close) : splitArgs(t, open, close + 1),
  };
}

/** The assignment made by a statement (`x = ...`, `x: T = ...`, `x += ...`), if it is one. */
export function assignmentOf(stmt: Stmt): Assignment | undefined {
  const node = stmt.node;
  if (stmt.keyword || (node.name !== 'AssignStatement' && node.name !== 'UpdateStatement')) return undefined;
  const t = stmt.ll.tokens;
  let first: SyntaxNode | undefined;
  let last: SyntaxNode | undefined;
  let targetEnd: number | undefined;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'TypeDef' && targetEnd === undefined) targetEnd = c.from;
    if (c.name === 'AssignOp' || c.name === 'UpdateOp') {
      first ??= c;
      last = c;
    }
  }
  if (!first || !last) return undefined;
  const end = tokenAt(t, targetEnd ?? first.from);
  const opIdx = tokenAt(t, last.from);
  if (end === 0) return undefined;
  const simple = !t.slice(0, end).some(x => isOp(x, ',') && x.depth === 0);
  const names = t.slice(0, end).filter((x, m) => x.type === 'name' && !isOp(t[m - 1], '.')).map(x => x.value);
  const target = simple ? compact(t, 0, end) : undefined;
  return { stmt, ll: stmt.ll, target, targets: target ? [target] : names, op: t[opIdx].value, opIdx };
}
