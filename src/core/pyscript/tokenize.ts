/**
 * A tokenizer-level Python reader: enough of Python's lexical structure to reason about training
 * scripts without a full parser. It knows comments, strings (prefixes, triple quotes, f-strings
 * with nested replacement fields), numbers, names and operators, joins physical lines into logical
 * lines (open brackets and backslash continuations), and builds the indentation tree of
 * statements (loops, functions, classes, with-blocks, ...).
 *
 * Positions: lines are 1-based (like `Finding.line`), columns are 0-based UTF-16 offsets into the
 * line (like VS Code's `Position.character`). Never throws: unterminated strings end at the end of
 * their line (or of the file for triple-quoted ones), unbalanced brackets are tolerated.
 */

export type TokenType = 'name' | 'number' | 'string' | 'op';

export interface Token {
  type: TokenType;
  value: string;
  /** Offsets into the source text. */
  start: number;
  end: number;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  /** Bracket depth before this token (for a closing bracket: the depth inside it). */
  depth: number;
}

export interface Comment {
  text: string;
  line: number;
  col: number;
}

/** One logical line: the tokens of a statement, possibly spread over several physical lines. */
export interface LogicalLine {
  tokens: Token[];
  /** First and last physical line of the statement (1-based). */
  line: number;
  endLine: number;
  /** Column of the first token (the indentation width in characters). */
  indent: number;
  /** The indentation as written (spaces and tabs). */
  indentText: string;
}

const COMPOUND = new Set([
  'if',
  'elif',
  'else',
  'for',
  'while',
  'try',
  'except',
  'finally',
  'with',
  'def',
  'class',
  'match',
  'case',
]);

/** A statement in the indentation tree. */
export interface Stmt {
  ll: LogicalLine;
  /** The compound keyword (`for`, `def`, `with`, ... ; `async` is skipped), if any. */
  keyword?: string;
  /** Index in `ll.tokens` of the ':' that ends a compound header (-1 when not compound). */
  colon: number;
  /** Statements of the indented body (empty for simple statements and one-line bodies). */
  children: Stmt[];
  parent?: Stmt;
  /** Decorator lines (`@torch.no_grad()`) attached to a `def` or `class`. */
  decorators: LogicalLine[];
}

export interface PyModule {
  text: string;
  /** Offset of the start of each physical line (index 0 = line 1). */
  lineStarts: number[];
  tokens: Token[];
  comments: Comment[];
  logical: LogicalLine[];
  /** Top-level statements. */
  body: Stmt[];
  /** Every statement, in source order. */
  all: Stmt[];
  /** The indentation unit used by the file (`'    '` when nothing is indented). */
  indentUnit: string;
}

const OPS3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPS2 = new Set([
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '->',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
  ':=',
  '<<',
  '>>',
]);

const NAME_START = /[A-Za-z_\u00c0-\uffff]/;
const NAME_CHAR = /[A-Za-z0-9_\u00c0-\uffff]/;
const NUMBER_RE =
  /0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?/y;
const STRING_PREFIX_RE = /(?:[rRbBuUfFtT]{1,2})?(?='|")/y;

/** Read a Python source text. */
export function readPython(text: string): PyModule {
  const lineStarts = computeLineStarts(text);
  const { tokens, comments, logical } = tokenize(text, lineStarts);
  const { body, all } = buildTree(logical);
  return { text, lineStarts, tokens, comments, logical, body, all, indentUnit: detectIndentUnit(logical) };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 1-based line and 0-based column of an offset. */
export function positionOf(lineStarts: number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - lineStarts[lo] };
}

/** Offset of a (1-based line, 0-based column) position. */
export function offsetOf(lineStarts: number[], line: number, col: number): number {
  const l = Math.max(1, Math.min(line, lineStarts.length));
  return lineStarts[l - 1] + col;
}

function isNewline(c: string): boolean {
  return c === '\n' || c === '\r';
}

function tokenize(
  text: string,
  lineStarts: number[],
): { tokens: Token[]; comments: Comment[]; logical: LogicalLine[] } {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const logical: LogicalLine[] = [];
  let current: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;

  const push = (type: TokenType, start: number, end: number, d = depth) => {
    const a = positionOf(lineStarts, start);
    const b = positionOf(lineStarts, end);
    const t: Token = {
      type,
      value: text.slice(start, end),
      start,
      end,
      line: a.line,
      col: a.col,
      endLine: b.line,
      endCol: b.col,
      depth: d,
    };
    tokens.push(t);
    current.push(t);
  };
  const flush = () => {
    if (current.length === 0) return;
    const first = current[0];
    const last = current[current.length - 1];
    const ls = lineStarts[first.line - 1];
    logical.push({
      tokens: current,
      line: first.line,
      endLine: last.endLine,
      indent: first.col,
      indentText: text.slice(ls, first.start).replace(/[^ \t\f]/g, ' '),
    });
    current = [];
  };

  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && (isNewline(text[i + 1] ?? '') || i + 1 === n)) {
      // Explicit line joining.
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (isNewline(c)) {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (depth === 0) flush();
      continue;
    }
    if (c === '#') {
      let j = i;
      while (j < n && !isNewline(text[j])) j++;
      const p = positionOf(lineStarts, i);
      comments.push({ text: text.slice(i, j), line: p.line, col: p.col });
      i = j;
      continue;
    }
    STRING_PREFIX_RE.lastIndex = i;
    const sp = STRING_PREFIX_RE.exec(text);
    if (sp && (sp[0].length === 0 || NAME_START.test(c))) {
      const prefix = sp[0];
      const end = scanString(text, i + prefix.length, /[fFtT]/.test(prefix));
      push('string', i, end);
      i = end;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < n && NAME_CHAR.test(text[j])) j++;
      push('name', i, j);
      i = j;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      const j = m && m[0].length > 0 ? i + m[0].length : i + 1;
      push('number', i, j);
      i = j;
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    if (OPS3.has(three)) {
      push('op', i, i + 3);
      i += 3;
      continue;
    }
    if (OPS2.has(two)) {
      push('op', i, i + 2);
      i += 2;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      push('op', i, i + 1);
      depth++;
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      push('op', i, i + 1);
      if (depth > 0) depth--;
      tokens[tokens.length - 1].depth = depth;
      i++;
      continue;
    }
    push('op', i, i + 1);
    i++;
  }
  flush();
  return { tokens, comments, logical };
}

/**
 * Scan a string literal whose opening quote is at `q`; returns the offset after it. f-strings
 * (and t-strings) skip their replacement fields, which may contain nested strings and braces.
 */
function scanString(text: string, q: number, formatted: boolean): number {
  const quote = text[q];
  const triple = text[q + 1] === quote && text[q + 2] === quote;
  let i = q + (triple ? 3 : 1);
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (!triple && isNewline(c)) return i; // unterminated: ends at the line end
    if (c === quote) {
      if (!triple) return i + 1;
      if (text[i + 1] === quote && text[i + 2] === quote) return i + 3;
    }
    if (formatted && c === '{') {
      if (text[i + 1] === '{') {
        i += 2;
        continue;
      }
      i = scanField(text, i + 1, triple);
      continue;
    }
    i++;
  }
  return n;
}

/** Skip an f-string replacement field starting after its '{'; returns the offset after its '}'. */
function scanField(text: string, start: number, outerTriple: boolean): number {
  let i = start;
  let depth = 0;
  let inSpec = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (!outerTriple && isNewline(c)) return i;
    if (c === '}' && depth === 0) return i + 1;
    if (c === '{') {
      if (inSpec) {
        i = scanField(text, i + 1, outerTriple);
        continue;
      }
      depth++;
    } else if (c === '}' || c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
    } else if (c === '(' || c === '[') {
      depth++;
    } else if (!inSpec && (c === "'" || c === '"')) {
      i = scanString(text, i, false);
      continue;
    } else if (!inSpec && depth === 0 && c === ':' && text[i + 1] !== '=') {
      inSpec = true;
    }
    i++;
  }
  return n;
}

function headerInfo(ll: LogicalLine): { keyword?: string; colon: number } {
  const t = ll.tokens;
  let k = 0;
  if (t[0]?.type === 'name' && t[0].value === 'async' && t[1]?.type === 'name') k = 1;
  const first = t[k];
  if (!first || first.type !== 'name' || !COMPOUND.has(first.value)) return { colon: -1 };
  // Soft keywords: `match` / `case` only when the line ends a header.
  for (let j = k + 1; j < t.length; j++) {
    if (t[j].type === 'op' && t[j].value === ':' && t[j].depth === 0) {
      if ((first.value === 'match' || first.value === 'case') && j !== t.length - 1) return { colon: -1 };
      return { keyword: first.value, colon: j };
    }
  }
  return { colon: -1 };
}

function buildTree(logical: LogicalLine[]): { body: Stmt[]; all: Stmt[] } {
  const body: Stmt[] = [];
  const all: Stmt[] = [];
  const stack: Stmt[] = [];
  let decorators: LogicalLine[] = [];
  for (const ll of logical) {
    while (stack.length > 0 && stack[stack.length - 1].ll.indent >= ll.indent) stack.pop();
    const parent = stack[stack.length - 1];
    if (ll.tokens[0].type === 'op' && ll.tokens[0].value === '@') {
      decorators.push(ll);
      continue;
    }
    const h = headerInfo(ll);
    const stmt: Stmt = {
      ll,
      keyword: h.keyword,
      colon: h.colon,
      children: [],
      parent,
      decorators: h.keyword === 'def' || h.keyword === 'class' ? decorators : [],
    };
    decorators = [];
    (parent ? parent.children : body).push(stmt);
    all.push(stmt);
    if (h.keyword && h.colon === ll.tokens.length - 1) stack.push(stmt);
  }
  return { body, all };
}

function detectIndentUnit(logical: LogicalLine[]): string {
  for (let i = 1; i < logical.length; i++) {
    const prev = logical[i - 1];
    const cur = logical[i];
    if (cur.indent > prev.indent && cur.indentText.startsWith(prev.indentText)) {
      const unit = cur.indentText.slice(prev.indentText.length);
      if (unit.length > 0) return unit;
    }
  }
  return '    ';
}
