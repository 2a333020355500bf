/**
 * What a training script is made of, collected once per text: calls, assignments, optimizers,
 * criteria, models, backward / step / zero_grad calls, gradient-free contexts, and value
 * resolution for hyperparameters (`lr=args.lr` -> the argparse default).
 */
import {
  assignmentOf,
  type Assignment,
  type Call,
  collectCalls,
  compact,
  defName,
  descendants,
  functionOf,
  isInside,
  isName,
  isOp,
  numberValue,
  scopeOf,
  stringValue,
} from './query';
import { type PyModule, readPython, type Stmt, type Token } from './reader';

export const OPTIMIZER_CLASSES = new Set([
  'Adam',
  'AdamW',
  'SGD',
  'RMSprop',
  'Adagrad',
  'Adadelta',
  'Adamax',
  'NAdam',
  'RAdam',
  'ASGD',
  'LBFGS',
  'Rprop',
  'SparseAdam',
  'Lion',
  'Lamb',
  'LAMB',
  'Adafactor',
  'AdamW8bit',
  'Adam8bit',
  'PagedAdamW',
  'PagedAdamW8bit',
  'FusedAdam',
]);

export const ADAM_FAMILY = new Set(['Adam', 'AdamW', 'NAdam', 'RAdam', 'Adamax', 'AdamW8bit', 'Adam8bit', 'PagedAdamW', 'PagedAdamW8bit', 'FusedAdam', 'SparseAdam']);

/** Default learning rate of the torch.optim classes that have one. */
export const DEFAULT_LR: Record<string, number> = {
  Adam: 1e-3,
  AdamW: 1e-3,
  NAdam: 2e-3,
  RAdam: 1e-3,
  Adamax: 2e-3,
  RMSprop: 1e-2,
  Adagrad: 1e-2,
  Adadelta: 1.0,
  SGD: 1e-3,
  ASGD: 1e-2,
  Rprop: 1e-2,
};

const LOSS_FUNCTION_RE =
  /^(cross_entropy|binary_cross_entropy(_with_logits)?|nll_loss|mse_loss|l1_loss|smooth_l1_loss|huber_loss|kl_div|poisson_nll_loss|gaussian_nll_loss|cosine_embedding_loss|margin_ranking_loss|hinge_embedding_loss|triplet_margin_loss|ctc_loss|multi_margin_loss|soft_margin_loss|multilabel_soft_margin_loss|\w+_loss|loss_fn|loss_func|lossfn|compute_loss|criterion)$/;
const CRITERION_NAME_RE = /^(self\.)?(criterion|criterion_\w+|\w+_criterion|loss_fn|loss_func|lossfn|loss_function)$/;
const MODEL_NAME_RE = /^(self\.)?(model|net|network|classifier|module|student|teacher)(_\w+)?$/;
const OPT_NAME_RE = /^(opt|optim|optimizer|optimiser)(_?\w+)?$|optimi[sz]er/i;

export interface OptimizerCtor {
  call: Call;
  /** Class name (`Adam`). */
  cls: string;
  /** Variable it is assigned to, when it is. */
  target?: string;
}

export interface CriterionCtor {
  call: Call;
  cls: string;
  target?: string;
}

/** A resolved numeric value and the literal that sets it. */
export interface ResolvedValue {
  value: number;
  /** The literal token(s) in the script [start, end) of `stmt.ll.tokens`. */
  stmt: Stmt;
  start: number;
  end: number;
  /** How it was found. */
  via: 'literal' | 'variable' | 'argparse' | 'parameter-default' | 'dict';
  /** Source text of the literal. */
  text: string;
  /** The command-line flags of an argparse default (`--lr`, `--learning-rate`). */
  flags?: string[];
}

export class ScriptFacts {
  readonly mod: PyModule;
  readonly calls: Call[] = [];
  readonly callsByStmt = new Map<Stmt, Call[]>();
  readonly assignments: Assignment[] = [];
  readonly optimizers: OptimizerCtor[] = [];
  readonly criteria: CriterionCtor[] = [];
  readonly moduleClasses = new Set<string>();
  readonly modelVars = new Set<string>();
  readonly optimizerVars = new Set<string>();
  readonly criterionVars = new Set<string>();
  readonly defsByName = new Map<string, Stmt[]>();
  readonly eol: string;

  constructor(readonly text: string) {
    this.mod = readPython(text);
    this.eol = /\r\n/.test(text) ? '\r\n' : '\n';
    const callsByStmt = collectCalls(this.mod);
    for (const s of this.mod.all) {
      const cs = callsByStmt.get(s) ?? [];
      this.callsByStmt.set(s, cs);
      this.calls.push(...cs);
      const a = assignmentOf(s);
      if (a) this.assignments.push(a);
      if (s.keyword === 'def' || s.keyword === 'class') {
        const n = defName(s);
        if (n) {
          const list = this.defsByName.get(n) ?? [];
          list.push(s);
          this.defsByName.set(n, list);
        }
      }
      if (s.keyword === 'class') {
        const t = s.ll.tokens;
        const n = defName(s);
        if (n && t.slice(2, s.colon).some(x => x.type === 'name' && /Module$/.test(x.value))) this.moduleClasses.add(n);
      }
    }
    for (const c of this.calls) {
      const a = assignmentOf(c.stmt);
      const target = a && a.op === '=' && c.startIdx === a.opIdx + 1 ? a.target : undefined;
      if (OPTIMIZER_CLASSES.has(c.name) && (/^(torch\.)?optim\./.test(c.callee) || c.callee === c.name || /^(bnb|apex|torch_optimizer|timm)\b/.test(c.callee))) {
        this.optimizers.push({ call: c, cls: c.name, target });
        if (target) this.optimizerVars.add(target);
      } else if (/^(nn\.|torch\.nn\.)?\w+Loss$/.test(c.callee)) {
        this.criteria.push({ call: c, cls: c.name, target });
        if (target) this.criterionVars.add(target);
      }
    }
    for (const a of this.assignments) {
      if (a.op !== '=' || !a.target) continue;
      const valueCalls = (this.callsByStmt.get(a.stmt) ?? []).filter(c => c.nameIdx > a.opIdx);
      if (
        valueCalls.some(
          c =>
            c.name === 'Sequential' ||
            this.moduleClasses.has(c.name) ||
            /from_pretrained$|^create_model$|^get_model$|^build_model$/.test(c.name) ||
            /^(torchvision\.)?models\./.test(c.callee) ||
            (c.receiver !== undefined && this.modelVars.has(c.receiver) && /^(to|cuda|float|half|double)$/.test(c.name)),
        )
      ) {
        this.modelVars.add(a.target);
      }
    }
  }

  private readonly scopes = new Map<Stmt, Stmt | undefined>();
  private byName?: Map<string, Call[]>;
  private byTarget?: Map<string, Assignment[]>;
  private byScope?: Map<Stmt | undefined, Stmt[]>;

  /** The function or class holding a statement (memoised `scopeOf`). */
  scope(stmt: Stmt): Stmt | undefined {
    if (this.scopes.has(stmt)) return this.scopes.get(stmt);
    const s = scopeOf(stmt);
    this.scopes.set(stmt, s);
    return s;
  }

  /** Calls whose last name is `name`. */
  callsNamed(name: string): Call[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const c of this.calls) {
        const list = this.byName.get(c.name);
        if (list) list.push(c);
        else this.byName.set(c.name, [c]);
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** Plain (`=`) assignments to a simple target, in source order. */
  assignmentsTo(target: string): Assignment[] {
    if (!this.byTarget) {
      this.byTarget = new Map();
      for (const a of this.assignments) {
        if (a.op !== '=' || !a.target) continue;
        const list = this.byTarget.get(a.target);
        if (list) list.push(a);
        else this.byTarget.set(a.target, [a]);
      }
    }
    return this.byTarget.get(target) ?? [];
  }

  /** The latest plain assignment to `target` before statement `at`, in the same scope. */
  lastAssignmentBefore(target: string, at: Stmt): Assignment | undefined {
    const scope = this.scope(at);
    let found: Assignment | undefined;
    for (const a of this.assignmentsTo(target)) {
      if (a.ll.line >= at.ll.line) break;
      if (this.scope(a.stmt) === scope) found = a;
    }
    return found;
  }

  private multiline?: Token[];

  /** String tokens spanning several lines. */
  multilineStrings(): Token[] {
    this.multiline ??= this.mod.tokens.filter(x => x.type === 'string' && x.endLine > x.line);
    return this.multiline;
  }

  callsOf(stmt: Stmt): Call[] {
    return this.callsByStmt.get(stmt) ?? [];
  }

  /** Calls in a statement's whole subtree (the statement included). */
  callsUnder(stmt: Stmt): Call[] {
    const out = [...this.callsOf(stmt)];
    for (const d of descendants(stmt)) out.push(...this.callsOf(d));
    return out;
  }

  isModelCallee(callee: string): boolean {
    return this.modelVars.has(callee) || MODEL_NAME_RE.test(callee);
  }

  isCriterionCallee(callee: string): boolean {
    return this.criterionVars.has(callee) || CRITERION_NAME_RE.test(callee);
  }

  isLossFunctionCall(c: Call): boolean {
    return this.isCriterionCallee(c.callee) || LOSS_FUNCTION_RE.test(c.name);
  }

  /** The optimizer variable a `.step()` call steps, or undefined when it is not an optimizer step. */
  optimizerStepped(c: Call): string | undefined {
    if (c.name !== 'step' || !c.receiver) return undefined;
    const r = c.receiver;
    if (/sched/i.test(r)) return undefined;
    if (/(^|\.)scaler$/i.test(r) || /scaler/i.test(r)) {
      const a = c.args[0];
      return a ? compact(c.ll.tokens, a.start, a.end) : undefined;
    }
    const last = r.split('.').pop() ?? r;
    if (this.optimizerVars.has(r) || OPT_NAME_RE.test(last)) return r;
    return undefined;
  }

  isZeroGrad(c: Call): boolean {
    return c.name === 'zero_grad' || (c.name === 'zero_' && /\.grad(\.data)?$/.test(c.receiver ?? ''));
  }

  /** Statements that reset gradients without a zero_grad call (`p.grad = None`). */
  resetsGradients(stmt: Stmt): boolean {
    const a = assignmentOf(stmt);
    return !!a && a.op === '=' && /\.grad$/.test(a.target ?? '') && compact(stmt.ll.tokens, a.opIdx + 1, stmt.ll.tokens.length) === 'None';
  }

  /** Is the statement inside a `with torch.no_grad()` / `inference_mode` block or a decorated function? */
  inNoGrad(stmt: Stmt): boolean {
    for (let p = stmt.parent; p; p = p.parent) {
      if (p.keyword === 'with' && isNoGradText(compact(p.ll.tokens, 0, p.colon))) return true;
      if (p.keyword === 'def' && p.decorators.some(d => isNoGradText(compact(d.tokens, 0, d.tokens.length)))) return true;
    }
    // torch.set_grad_enabled(False) earlier in the same scope.
    const scope = this.scope(stmt);
    for (const c of this.callsNamed('set_grad_enabled')) {
      if (c.ll.line > stmt.ll.line || this.scope(c.stmt) !== scope) continue;
      if (c.stmt.keyword === 'with') continue;
      const a = c.args[0];
      if (a && compact(c.ll.tokens, a.start, a.end) === 'False') return true;
    }
    return false;
  }

  /** Call sites of a function defined in this file (by name). */
  callSitesOf(fn: Stmt): Call[] {
    const name = defName(fn);
    if (!name) return [];
    return this.callsNamed(name).filter(c => !isInside(c.stmt, fn) && c.stmt !== fn);
  }

  /**
   * Does `test` hold for a statement, either directly or (when it sits in a function) at every
   * call site of that function in this file (two levels up)? Functions never called here are
   * judged on their own.
   */
  holdsHereOrAtCallers(stmt: Stmt, test: (s: Stmt) => boolean, depth = 2): boolean {
    if (test(stmt)) return true;
    if (depth === 0) return false;
    const fn = functionOf(stmt);
    if (!fn) return false;
    const sites = this.callSitesOf(fn);
    if (sites.length === 0) return false;
    return sites.every(site => this.holdsHereOrAtCallers(site.stmt, test, depth - 1));
  }

  /** Statements of the same scope as `stmt` (nested functions and classes excluded). */
  sameScope(stmt: Stmt): Stmt[] {
    if (!this.byScope) {
      this.byScope = new Map();
      for (const s of this.mod.all) {
        const k = this.scope(s);
        const list = this.byScope.get(k);
        if (list) list.push(s);
        else this.byScope.set(k, [s]);
      }
    }
    return this.byScope.get(this.scope(stmt)) ?? [];
  }

  /** Is there an import of torch (`import torch`, `from torch ...`)? */
  importsTorch(): boolean {
    return this.mod.all.some(s => {
      const t = s.ll.tokens;
      return (isName(t[0], 'import') || isName(t[0], 'from')) && isName(t[1], 'torch');
    });
  }

  /** Resolve the numeric value of tokens [a, b) of a statement (literal, variable, argparse default, ...). */
  resolve(stmt: Stmt, a: number, b: number, depth = 0): ResolvedValue | undefined {
    const t = stmt.ll.tokens;
    if (b <= a || depth > 4) return undefined;
    const lit = numberValue(t, a, b);
    if (lit !== undefined) {
      return { value: lit, stmt, start: a, end: b, via: 'literal', text: this.text.slice(t[a].start, t[b - 1].end) };
    }
    // A name: the latest assignment before this statement in the same scope, else a parameter
    // default of the enclosing function, else a module-level assignment.
    if (b - a === 1 && t[a].type === 'name') {
      const name = t[a].value;
      const before = this.lastAssignmentBefore(name, stmt);
      if (before) return this.resolveAssigned(before, depth);
      const fn = functionOf(stmt);
      if (fn) {
        const d = parameterDefault(fn, name);
        if (d) {
          const r = this.resolve(fn, d[0], d[1], depth + 1);
          if (r) return { ...r, via: r.via === 'literal' ? 'parameter-default' : r.via };
        }
      }
      const global = this.assignmentsTo(name).filter(x => this.scope(x.stmt) === undefined).pop();
      if (global && global.stmt !== stmt) return this.resolveAssigned(global, depth);
      return undefined;
    }
    // An attribute of parsed arguments or a config object: `args.lr`, `cfg.learning_rate`.
    if (b - a === 3 && t[a].type === 'name' && isOp(t[a + 1], '.') && t[a + 2].type === 'name') {
      const r = this.argparseDefault(t[a + 2].value);
      if (r) return r;
      return this.dictValue(t[a + 2].value);
    }
    // A subscript with a string key: `config["lr"]`.
    if (b - a === 4 && isOp(t[a + 1], '[') && isOp(t[a + 3], ']')) {
      const key = stringValue(t[a + 2]);
      if (key) return this.argparseDefault(key) ?? this.dictValue(key);
    }
    return undefined;
  }

  private resolveAssigned(x: Assignment, depth: number): ResolvedValue | undefined {
    const r = this.resolve(x.stmt, x.opIdx + 1, x.ll.tokens.length, depth + 1);
    if (!r) return undefined;
    return { ...r, via: r.via === 'literal' ? 'variable' : r.via };
  }

  /** `add_argument("--lr", "--learning-rate", default=0.5)` whose destination is `dest`. */
  argparseDefault(dest: string): ResolvedValue | undefined {
    for (const c of this.callsNamed('add_argument')) {
      const t = c.ll.tokens;
      const flags = c.args.filter(x => !x.keyword && x.end - x.start === 1).map(x => stringValue(t[x.start]) ?? '');
      const destArg = c.args.find(x => x.keyword === 'dest');
      let d = destArg ? stringValue(t[destArg.valueStart]) : undefined;
      if (!d) {
        const long = flags.find(f => f.startsWith('--')) ?? flags.find(f => !f.startsWith('-')) ?? flags[0];
        d = long?.replace(/^-+/, '').replace(/-/g, '_');
      }
      if (d !== dest) continue;
      const def = c.args.find(x => x.keyword === 'default');
      if (!def) return undefined;
      const r = this.resolve(c.stmt, def.valueStart, def.end, 3);
      return r ? { ...r, via: 'argparse', flags: flags.filter(f => f.startsWith('-')) } : undefined;
    }
    return undefined;
  }

  /** A literal dict entry `"key": number` or `dict(key=number)` anywhere in the script. */
  dictValue(key: string): ResolvedValue | undefined {
    for (const s of this.mod.all) {
      const t = s.ll.tokens;
      for (let j = 0; j + 2 < t.length; j++) {
        if (stringValue(t[j]) === key && isOp(t[j + 1], ':') && t[j].depth > t[0].depth) {
          const end = valueEnd(t, j + 2);
          const v = numberValue(t, j + 2, end);
          if (v !== undefined) return { value: v, stmt: s, start: j + 2, end, via: 'dict', text: this.text.slice(t[j + 2].start, t[end - 1].end) };
        }
      }
    }
    for (const c of this.callsNamed('dict')) {
      const arg = c.args.find(x => x.keyword === key);
      if (!arg) continue;
      const v = numberValue(c.ll.tokens, arg.valueStart, arg.end);
      if (v !== undefined) {
        const t = c.ll.tokens;
        return { value: v, stmt: c.stmt, start: arg.valueStart, end: arg.end, via: 'dict', text: this.text.slice(t[arg.valueStart].start, t[arg.end - 1].end) };
      }
    }
    return undefined;
  }
}

export function isNoGradText(s: string): boolean {
  return /\b(no_grad|inference_mode)\b|set_grad_enabled\(False\)/.test(s);
}

/** Token range [start, end) of a parameter's default value in a `def` header. */
export function parameterDefault(fn: Stmt, name: string): [number, number] | undefined {
  const t = fn.ll.tokens;
  let open = -1;
  for (let j = 0; j < t.length; j++) {
    if (isOp(t[j], '(')) {
      open = j;
      break;
    }
  }
  if (open < 0) return undefined;
  const d = t[open].depth + 1;
  for (let j = open + 1; j + 1 < t.length; j++) {
    if (t[j].depth !== d || !isName(t[j], name)) continue;
    // name [: annotation] = default
    let k = j + 1;
    if (isOp(t[k], ':')) {
      while (k < t.length && !(isOp(t[k], '=') && t[k].depth === d) && !(isOp(t[k], ',') && t[k].depth === d) && !(isOp(t[k], ')') && t[k].depth === d - 1)) k++;
    }
    if (!isOp(t[k], '=')) return undefined;
    return [k + 1, valueEnd(t, k + 1)];
  }
  return undefined;
}

/** End (exclusive) of a value starting at `a`: the next ',' / closing bracket at the same depth. */
function valueEnd(t: Token[], a: number): number {
  const d = t[a]?.depth ?? 0;
  let j = a;
  while (j < t.length) {
    const x = t[j];
    if (x.depth === d && x.type === 'op' && (x.value === ',' || x.value === ':')) break;
    if (x.type === 'op' && (x.value === ')' || x.value === ']' || x.value === '}') && x.depth < d) break;
    j++;
  }
  return j;
}

/** Quick test: does a Python text look like a PyTorch training script? */
export function looksLikeTrainingScript(text: string): boolean {
  if (!/^\s*(import\s+torch\b|from\s+torch\b)/m.test(text)) return false;
  return /\.backward\s*\(/.test(text) || /\boptimi[sz]er\b|\boptim\.\w+\s*\(/.test(text);
}
