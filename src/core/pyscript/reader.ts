/**
 * The Python reader: a real, error-tolerant parse of the script with @lezer/python, turned into
 * what the checks work on:
 *
 * - `tokens`: the leaves of the syntax tree in source order (a string or f-string is one token,
 *   comments are kept apart), each with its bracket depth inside its statement;
 * - `all` / `body`: the statements, nested as the tree nests them. A compound statement is split
 *   into its clauses (`if` / `elif` / `else`, `try` / `except` / `finally`, ...), each a `Stmt`
 *   whose `ll.tokens` are its header up to the `:` and whose `children` are its body; the
 *   statements of a `a; b` line are separate statements;
 * - `tree`: the lezer tree itself, for the queries that walk nodes (calls, assignments).
 *
 * Positions: lines are 1-based (like `Finding.line`), columns are 0-based UTF-16 offsets into the
 * line (like VS Code's `Position.character`). Never throws: lezer recovers from syntax errors.
 */
import type { SyntaxNode, Tree, TreeCursor } from '@lezer/common';
import { parser } from '@lezer/python';

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
  /** Bracket depth inside its statement (a bracket has the depth of the text around it). */
  depth: number;
  /** The statement whose `ll.tokens` hold this token (none for decorators and stray tokens). */
  stmt?: Stmt;
  /** Index in `stmt.ll.tokens`. */
  idx: number;
}

export interface Comment {
  text: string;
  line: number;
  col: number;
}

/** The tokens of one statement (or clause header), possibly spread over several physical lines. */
export interface LogicalLine {
  tokens: Token[];
  /** First and last physical line (1-based). */
  line: number;
  endLine: number;
  /** Column of the first token. */
  indent: number;
  /** The indentation of the statement's first line, as written (spaces and tabs). */
  indentText: string;
}

/** A statement, or one clause of a compound statement. */
export interface Stmt {
  ll: LogicalLine;
  /** The compound keyword (`for`, `def`, `with`, `elif`, ... ; `async` is skipped), if any. */
  keyword?: string;
  /** Index in `ll.tokens` of the ':' that ends a compound header (-1 when not compound). */
  colon: number;
  /** Statements of the body (a one-line body `for x in y: pass` included). */
  children: Stmt[];
  parent?: Stmt;
  /** Decorator lines (`@torch.no_grad()`) attached to a `def` or `class`. */
  decorators: LogicalLine[];
  /** The syntax node: the statement, or for a clause its compound statement. */
  node: SyntaxNode;
}

export interface PyModule {
  text: string;
  tree: Tree;
  /** Offset of the start of each physical line (index 0 = line 1). */
  lineStarts: number[];
  tokens: Token[];
  comments: Comment[];
  /** Statement and decorator lines, in source order. */
  logical: LogicalLine[];
  /** Top-level statements. */
  body: Stmt[];
  /** Every statement, in source order. */
  all: Stmt[];
  /** The indentation unit used by the file (`'    '` when nothing is indented). */
  indentUnit: string;
}

/** A leaf starting with a letter or '_' is a name or a keyword (no Python operator is non-ASCII). */
function isNameStart(c: number): boolean {
  return c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0xaa;
}
const BODY = new Set(['Body', 'MatchBody']);
/** The nodes that hold a body (split into clauses). */
const COMPOUND = new Set([
  'IfStatement',
  'WhileStatement',
  'ForStatement',
  'TryStatement',
  'WithStatement',
  'FunctionDefinition',
  'ClassDefinition',
  'MatchStatement',
  'MatchClause',
]);

/** Read a Python source text. */
export function readPython(text: string): PyModule {
  const tree = parser.parse(text);
  const lineStarts = computeLineStarts(text);
  const { tokens, comments } = leaves(text, tree, lineStarts);
  const mod: PyModule = { text, tree, lineStarts, tokens, comments, logical: [], body: [], all: [], indentUnit: '    ' };
  new StatementBuilder(mod).block(tree.topNode, undefined);
  mod.logical.sort((a, b) => a.tokens[0].start - b.tokens[0].start);
  mod.indentUnit = detectIndentUnit(mod.all);
  return mod;
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

/** The leaves of the tree as tokens, and the comments. */
function leaves(text: string, tree: Tree, lineStarts: number[]): { tokens: Token[]; comments: Comment[] } {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  // Positions are computed walking forward: leaves come in source order.
  let line = 0;
  const pos = (offset: number) => {
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
    return { line: line + 1, col: offset - lineStarts[line] };
  };
  let at = 0;
  const push = (type: TokenType, start: number, end: number) => {
    const a = pos(start);
    const b = pos(end);
    tokens.push({ type, value: text.slice(start, end), start, end, line: a.line, col: a.col, endLine: b.line, endCol: b.col, depth: 0, idx: -1 });
    at = end;
  };
  /** Text no leaf covers (an operator lezer keeps anonymous, such as `->`). */
  const gap = (to: number) => {
    if (to <= at) return;
    const re = /[^\s\\]+/g;
    const s = text.slice(at, to);
    const base = at;
    for (let m = re.exec(s); m; m = re.exec(s)) push('op', base + m.index, base + m.index + m[0].length);
    at = to;
  };
  const c: TreeCursor = tree.cursor();
  for (;;) {
    const name = c.name;
    let descend = true;
    if (name === 'Comment') {
      gap(c.from);
      const p = pos(c.from);
      comments.push({ text: text.slice(c.from, c.to), line: p.line, col: p.col });
      at = c.to;
      descend = false;
    } else if (name === 'String' || name === 'FormatString') {
      gap(c.from);
      push('string', c.from, c.to);
      descend = false;
    } else if (name === 'Number') {
      gap(c.from);
      push('number', c.from, c.to);
      descend = false;
    }
    if (descend && c.firstChild()) continue;
    if (descend && c.to > c.from && c.from >= at) {
      // A leaf: a name, a keyword or an operator.
      gap(c.from);
      push(isNameStart(text.charCodeAt(c.from)) ? 'name' : 'op', c.from, c.to);
    }
    while (!c.nextSibling()) {
      if (!c.parent()) {
        gap(text.length);
        return { tokens, comments };
      }
    }
  }
}

class StatementBuilder {
  constructor(private readonly mod: PyModule) {}

  /** Index of the first token starting at or after `offset`. */
  private lower(offset: number): number {
    const t = this.mod.tokens;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private line(from: number, to: number, owner?: Stmt): LogicalLine | undefined {
    const tokens = this.mod.tokens.slice(this.lower(from), this.lower(to));
    if (tokens.length === 0) return undefined;
    let depth = 0;
    tokens.forEach((x, i) => {
      x.stmt = owner;
      x.idx = i;
      if (x.type === 'op' && (x.value === '(' || x.value === '[' || x.value === '{')) {
        x.depth = depth++;
      } else if (x.type === 'op' && (x.value === ')' || x.value === ']' || x.value === '}')) {
        depth = Math.max(0, depth - 1);
        x.depth = depth;
      } else {
        x.depth = depth;
      }
    });
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    const ls = this.mod.lineStarts[first.line - 1];
    const indentText = /^[ \t\f]*/.exec(this.mod.text.slice(ls, first.start))?.[0] ?? '';
    const ll: LogicalLine = { tokens, line: first.line, endLine: last.endLine, indent: first.col, indentText };
    this.mod.logical.push(ll);
    return ll;
  }

  private add(stmt: Stmt, parent: Stmt | undefined): void {
    (parent ? parent.children : this.mod.body).push(stmt);
    this.mod.all.push(stmt);
    for (const x of stmt.ll.tokens) x.stmt = stmt;
  }

  /** The statements of a module or a body. */
  block(node: SyntaxNode, parent: Stmt | undefined): void {
    for (let c = node.firstChild; c; c = c.nextSibling) this.statement(c, parent, []);
  }

  private statement(node: SyntaxNode, parent: Stmt | undefined, decorators: LogicalLine[]): void {
    const name = node.name;
    if (name === 'Comment' || name === ':' || name === ';') return;
    if (name === 'StatementGroup') {
      this.block(node, parent);
      return;
    }
    if (name === 'DecoratedStatement') {
      const decos: LogicalLine[] = [];
      for (let c = node.firstChild; c; c = c.nextSibling) {
        if (c.name === 'Decorator') {
          const ll = this.line(c.from, c.to);
          if (ll) decos.push(ll);
        } else {
          this.statement(c, parent, decos);
        }
      }
      return;
    }
    if (COMPOUND.has(name) && (node.getChild('Body') || node.getChild('MatchBody'))) {
      this.compound(node, parent, decorators);
      return;
    }
    const ll = this.line(node.from, node.to);
    if (ll) this.add({ ll, colon: -1, children: [], parent, decorators: [], node }, parent);
  }

  /** A compound statement: one `Stmt` per clause (header up to its ':', then its body). */
  private compound(node: SyntaxNode, parent: Stmt | undefined, decorators: LogicalLine[]): void {
    let from = -1;
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (from < 0) from = c.from;
      if (!BODY.has(c.name)) continue;
      const colon = c.firstChild?.name === ':' ? c.firstChild : undefined;
      const ll = this.line(from, colon ? colon.to : c.from);
      from = -1;
      if (!ll) {
        this.block(c, parent);
        continue;
      }
      const t = ll.tokens;
      const k = t[0].value === 'async' && t.length > 1 ? 1 : 0;
      const keyword = t[k].type === 'name' ? t[k].value : undefined;
      const stmt: Stmt = {
        ll,
        keyword,
        colon: colon ? t.length - 1 : -1,
        children: [],
        parent,
        decorators: keyword === 'def' || keyword === 'class' ? decorators : [],
        node,
      };
      this.add(stmt, parent);
      this.block(c, stmt);
    }
  }
}

function detectIndentUnit(all: Stmt[]): string {
  for (const s of all) {
    const p = s.parent;
    if (!p || s.ll.line === p.ll.endLine) continue;
    if (s.ll.indentText.length > p.ll.indentText.length && s.ll.indentText.startsWith(p.ll.indentText)) {
      return s.ll.indentText.slice(p.ll.indentText.length);
    }
  }
  return '    ';
}
