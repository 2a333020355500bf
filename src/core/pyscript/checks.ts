/**
 * Static checks of a PyTorch training script: the bugs that show up as bad loss curves (double
 * softmax, softmax + NLLLoss, sigmoid + BCELoss, double sigmoid, also through variables within a
 * scope; missing zero_grad, loss tensors accumulated with their graphs, validation in training
 * mode or with autograd on, the guide's L1 sample) and the guide's checklist (scheduler, early
 * stopping for runs of MANY_EPOCHS or more, Adam learning-rate range) as information.
 *
 * Pure: text in, plain `ScriptIssue`s out. Designed for zero false positives on ordinary clean
 * scripts: a check fires only on a pattern it can see completely.
 */
import type { Lang, Severity } from '../diagnose/types';
import {
  deleteLines,
  formatLike,
  insertAt,
  insertLineBefore,
  lineCount,
  lineText,
  type Range,
  replaceTokens,
  tokenRange,
} from './edits';
import { ADAM_FAMILY, isNoGradText, ScriptFacts } from './facts';
import { issueText, type Params } from './messages';
import {
  ancestors,
  type Assignment,
  assignmentOf,
  type Call,
  compact,
  defName,
  endLineOf,
  forIterable,
  functionOf,
  isLoop,
  isName,
  isOp,
  sourceOf,
  subtree,
} from './query';
import type { Stmt } from './reader';
import type { CheckOptions, ScriptEdit, ScriptIssue, ScriptIssueCode } from './types';

/** Check a Python training script. Issues are sorted by position. */
export function checkPythonScript(text: string, opts: CheckOptions = {}): ScriptIssue[] {
  const facts = new ScriptFacts(text);
  const ctx: Ctx = { facts, lang: opts.lang ?? 'en', out: [] };
  const checks: Array<(c: Ctx) => void> = [
    c => checkActivationBeforeLoss(c, 'softmax'),
    c => checkActivationBeforeLoss(c, 'sigmoid'),
    checkZeroGrad,
    checkLossAccumulation,
    checkValidation,
    checkAbsOfParameters,
  ];
  if (opts.checklist !== false) checks.push(checkChecklist);
  for (const check of checks) {
    // One check tripping over unusual code must not hide the others' results.
    try {
      check(ctx);
    } catch (e) {
      if (opts.failFast) throw e;
    }
  }
  return finish(facts, ctx.out);
}

interface Ctx {
  facts: ScriptFacts;
  lang: Lang;
  out: ScriptIssue[];
}

export function makeIssue(
  lang: Lang,
  code: ScriptIssueCode,
  severity: Severity,
  range: Range,
  params: Params,
  edits?: ScriptEdit[],
  paramsZh?: Params,
): ScriptIssue {
  const t = issueText(code, lang, params, paramsZh);
  const issue: ScriptIssue = {
    code,
    severity,
    ...range,
    message: t.message,
    messageEn: t.messageEn,
    messageZh: t.messageZh,
    explanation: t.explanation,
  };
  if (edits && edits.length > 0 && t.fixTitle) issue.fix = { title: t.fixTitle, edits };
  return issue;
}

/** Drop suppressed and duplicate issues, sort by position. */
export function finish(facts: ScriptFacts, issues: ScriptIssue[]): ScriptIssue[] {
  const suppressed = new Map<number, Set<string> | 'all'>();
  for (const c of facts.mod.comments) {
    const m = /loss-lens:\s*ignore(?:\[([\w\s,-]+)\])?/i.exec(c.text);
    if (!m) continue;
    suppressed.set(c.line, m[1] ? new Set(m[1].split(',').map(s => s.trim())) : 'all');
  }
  const seen = new Set<string>();
  const out: ScriptIssue[] = [];
  for (const i of issues) {
    const s = suppressed.get(i.line);
    if (s === 'all' || (s && s.has(i.code))) continue;
    const key = `${i.code}:${i.line}:${i.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}

function callRange(c: Call): Range {
  return tokenRange(c.ll.tokens, c.startIdx, c.close + 1);
}

// ---------------------------------------------------------------------------------------------
// Softmax before CrossEntropyLoss, sigmoid before BCELoss

type Activation = 'softmax' | 'sigmoid';

interface ActivationSite {
  call: Call;
  where: 'return' | 'assign' | 'sequential' | 'argument' | 'variable';
  /** For `variable`: the name the loss is given, the loss call's line and the activation's input. */
  variable?: string;
  lossLine?: number;
  input?: string;
  /** Edits removing the activation, when it can be removed mechanically. */
  edits?: ScriptEdit[];
}

const FUNCTIONAL_RECEIVER = /^(F|torch|nn\.functional|torch\.nn\.functional|functional|torch\.special|special)$/;

/** `self.X` attributes holding an nn.Softmax / nn.Sigmoid module. */
function activationAttributes(facts: ScriptFacts, act: Activation): Set<string> {
  const cls = act === 'softmax' ? 'Softmax' : 'Sigmoid';
  const out = new Set<string>();
  for (const a of facts.assignments) {
    if (a.op !== '=' || !a.target) continue;
    const t = a.ll.tokens;
    const c = facts.callsOf(a.stmt).find(x => x.startIdx === a.opIdx + 1 && x.close === t.length - 1);
    if (c && c.name === cls) out.add(a.target);
  }
  return out;
}

/** If tokens [a, b) of a statement are exactly one activation call: the call and its input text. */
function activationCall(
  facts: ScriptFacts,
  stmt: Stmt,
  a: number,
  b: number,
  act: Activation,
  attrs: Set<string>,
): { call: Call; input?: string } | undefined {
  const c = facts.callsOf(stmt).find(x => x.startIdx === a && x.close === b - 1);
  if (!c) return undefined;
  const t = stmt.ll.tokens;
  const firstPositional = c.args.find(x => !x.keyword && x.valueStart === x.start);
  const argText = firstPositional ? sourceOf(facts.mod, t, firstPositional.start, firstPositional.end) : undefined;
  if (attrs.has(c.callee)) return { call: c, input: argText };
  if (c.name !== act) return undefined;
  if (!c.receiver || FUNCTIONAL_RECEIVER.test(c.receiver)) return { call: c, input: argText };
  // Method form: x.softmax(dim=1)
  return { call: c, input: sourceOf(facts.mod, t, c.startIdx, c.nameIdx - 1) };
}

function activationSites(facts: ScriptFacts, act: Activation, lossCall: (c: Call) => boolean): ActivationSite[] {
  const attrs = activationAttributes(facts, act);
  const sites: ActivationSite[] = [];
  // 1. The value returned by the model's forward().
  for (const cls of facts.mod.all) {
    if (cls.keyword !== 'class' || !isModelClass(facts, cls)) continue;
    for (const fwd of cls.children) {
      if (fwd.keyword !== 'def' || !isName(fwd.ll.tokens[1], 'forward')) continue;
      const body = subtree(fwd).slice(1).filter(s => functionOf(s) === fwd);
      for (const ret of body) {
        const t = ret.ll.tokens;
        if (!isName(t[0], 'return') || t.length < 2) continue;
        const direct = activationCall(facts, ret, 1, t.length, act, attrs);
        if (direct) {
          const edits = direct.input !== undefined ? [replaceTokens(t, 1, t.length, direct.input)] : undefined;
          sites.push({ call: direct.call, where: 'return', edits });
          continue;
        }
        if (t.length === 2 && t[1].type === 'name') {
          const v = t[1].value;
          const assign = body
            .map(s => assignmentOf(s))
            .filter(x => x && x.op === '=' && x.target === v && x.ll.line < ret.ll.line)
            .pop();
          if (!assign) continue;
          const at = assign.ll.tokens;
          const found = activationCall(facts, assign.stmt, assign.opIdx + 1, at.length, act, attrs);
          if (!found) continue;
          let edits: ScriptEdit[] | undefined;
          if (found.input === v && ownsLines(facts, assign.stmt)) {
            edits = [deleteLines(facts, assign.ll.line, assign.ll.endLine)];
          } else if (found.input !== undefined) {
            edits = [replaceTokens(at, assign.opIdx + 1, at.length, found.input)];
          }
          sites.push({ call: found.call, where: 'assign', edits });
        }
      }
    }
  }
  // 2. The last layer of an nn.Sequential.
  const layer = act === 'softmax' ? 'Softmax' : 'Sigmoid';
  for (const seq of facts.calls) {
    if (seq.name !== 'Sequential') continue;
    const positional = seq.args.filter(x => !x.keyword);
    const last = positional[positional.length - 1];
    if (!last) continue;
    const t = seq.ll.tokens;
    const c = facts.callsOf(seq.stmt).find(x => x.startIdx === last.start && x.close === last.end - 1 && x.name === layer);
    if (!c || !isModelSequential(facts, seq)) continue;
    const prev = positional[positional.length - 2];
    let edits: ScriptEdit[] | undefined;
    if (prev) {
      const first = t[last.start];
      const lastTok = t[last.end - 1];
      const after = t[last.end];
      const lineOnly =
        first.line > t[prev.end - 1].endLine &&
        lastTok.endLine < (after && !isOp(after, ',') ? after.line : (t[last.end + 1]?.line ?? Infinity)) &&
        lineText(facts, first.line).slice(0, first.col).trim() === '';
      if (lineOnly) {
        edits = [deleteLines(facts, first.line, lastTok.endLine)];
      } else {
        const p = t[prev.end - 1];
        edits = [{ line: p.endLine, column: p.endCol, endLine: lastTok.endLine, endColumn: lastTok.endCol, newText: '' }];
      }
    }
    sites.push({ call: c, where: 'sequential', edits });
  }
  // 3. Applied to the loss function's input: criterion(torch.sigmoid(out), y).
  for (const lc of facts.calls) {
    if (!lossCall(lc)) continue;
    const a0 = lc.args[0];
    if (!a0 || a0.keyword) continue;
    const found = activationCall(facts, lc.stmt, a0.start, a0.end, act, attrs);
    if (!found) continue;
    const edits = found.input !== undefined ? [replaceTokens(lc.ll.tokens, a0.start, a0.end, found.input)] : undefined;
    sites.push({ call: found.call, where: 'argument', edits });
  }
  // 4. Through variables: `probs = F.softmax(logits, dim=1)` ... `criterion(probs, y)`.
  for (const lc of facts.calls) {
    if (!lossCall(lc)) continue;
    const a0 = lc.args[0];
    if (!a0 || a0.keyword || a0.end - a0.start !== 1 || lc.ll.tokens[a0.start].type !== 'name') continue;
    const flow = activationThroughVariables(facts, lc.stmt, lc.ll.tokens[a0.start].value, act, attrs);
    if (!flow) continue;
    // The fix hands the loss the activation's input, when that input still holds the same value.
    const input = flow.input;
    const edits =
      input !== undefined &&
      /^[\w.]+$/.test(input) &&
      !flow.assign.targets.includes(input.split('.')[0]) &&
      !reassignedBetween(facts, input.split('.')[0], flow.assign.stmt, lc.stmt) &&
      !updatedBetween(facts, input, flow.assign.stmt, lc.stmt)
        ? [replaceTokens(lc.ll.tokens, a0.start, a0.end, input)]
        : undefined;
    sites.push({ call: flow.call, where: 'variable', edits, variable: flow.variable, lossLine: lc.ll.line, input });
  }
  return mergeSites(sites);
}

/**
 * Message parameters of a value that reaches the loss through a variable: `variable` and the
 * loss call's `lossLine`; with `withInput`, the `input` (logits) the fix gives the loss.
 */
function flowParams(site: ActivationSite, withInput = true): Params {
  if (site.where !== 'variable' || !site.variable || site.lossLine === undefined) return {};
  const p: Params = { variable: site.variable, lossLine: String(site.lossLine) };
  if (withInput && site.edits && site.input) p.input = site.input;
  return p;
}

/** One site per activation call; the edits of a call reached by several loss calls are merged. */
function mergeSites(sites: ActivationSite[]): ActivationSite[] {
  const byCall = new Map<Call, ActivationSite>();
  for (const s of sites) {
    const seen = byCall.get(s.call);
    if (!seen) {
      byCall.set(s.call, { ...s, edits: s.edits ? [...s.edits] : undefined });
    } else if (seen.where === 'variable' && s.where === 'variable') {
      seen.edits = seen.edits && s.edits ? [...seen.edits, ...s.edits] : undefined;
    }
  }
  return [...byCall.values()];
}

/**
 * Follow a name back through plain assignments of the same scope (`p = probs`, at most three
 * hops) to an activation call: `probs = F.softmax(logits, dim=1)`.
 */
function activationThroughVariables(
  facts: ScriptFacts,
  at: Stmt,
  name: string,
  act: Activation,
  attrs: Set<string>,
): { call: Call; input?: string; assign: Assignment; variable: string } | undefined {
  let stmt = at;
  let v = name;
  for (let hop = 0; hop < 4; hop++) {
    const a = facts.lastAssignmentBefore(v, stmt);
    if (!a || updatedBetween(facts, v, a.stmt, stmt)) return undefined;
    const t = a.ll.tokens;
    const found = activationCall(facts, a.stmt, a.opIdx + 1, t.length, act, attrs);
    if (found) return { call: found.call, input: found.input, assign: a, variable: name };
    if (t.length !== a.opIdx + 2 || t[a.opIdx + 1].type !== 'name') return undefined;
    stmt = a.stmt;
    v = t[a.opIdx + 1].value;
  }
  return undefined;
}

/**
 * Is `name` changed in place (`probs += 1`, `probs[m] = 0`, `probs.clamp_(...)`) between two
 * statements of a scope?
 */
function updatedBetween(facts: ScriptFacts, name: string, from: Stmt, to: Stmt): boolean {
  const scope = facts.scope(from);
  const between = (s: Stmt) => s.ll.line > from.ll.line && s.ll.line < to.ll.line && facts.scope(s) === scope;
  return (
    facts.assignments.some(
      a => between(a.stmt) && (a.op !== '=' ? a.targets.includes(name) : (a.target ?? '').startsWith(`${name}[`)),
    ) || facts.calls.some(c => c.receiver === name && /^[a-z]\w*[^_]_$/.test(c.name) && between(c.stmt))
  );
}

/** Is `name` assigned (any way) between two statements of the same scope? */
function reassignedBetween(facts: ScriptFacts, name: string, from: Stmt, to: Stmt): boolean {
  const scope = facts.scope(from);
  return facts.assignments.some(
    a => a.ll.line > from.ll.line && a.ll.line <= to.ll.line && facts.scope(a.stmt) === scope && a.stmt !== to && a.targets.includes(name),
  ) || forTargetsBetween(facts, name, from, to);
}

/** Is `name` a loop variable of a `for` header between two statements? */
function forTargetsBetween(facts: ScriptFacts, name: string, from: Stmt, to: Stmt): boolean {
  return facts.mod.all.some(s => {
    if (s.keyword !== 'for' || s.ll.line <= from.ll.line || s.ll.line > to.ll.line) return false;
    const it = forIterable(s);
    return s.ll.tokens.slice(1, it ? it[0] - 1 : s.colon).some(x => isName(x, name));
  });
}

const MODEL_CLASS_NAME_RE = /(net|model|classifier|cnn|mlp|network|regressor|resnet|transformer|lstm|rnn|gru)\d*$/i;
const MODEL_VAR_RE = /^(self\.)?(model|net|network|classifier|clf|student|teacher)(_\w+)?$/i;

/**
 * Is a module class the model being trained (not a building block such as an attention layer,
 * whose softmax is legitimate)? Not when another module instantiates it; yes when it is
 * assigned to a model variable or its parameters go to an optimizer, when its name says it is a
 * model, or when it is the only module class of the script.
 */
function isModelClass(facts: ScriptFacts, cls: Stmt): boolean {
  const name = defName(cls);
  if (!name) return false;
  const uses = facts.callsNamed(name);
  if (uses.some(u => ancestors(u.stmt).some(p => p.keyword === 'class'))) return false;
  for (const u of uses) {
    const a = assignmentOf(u.stmt);
    if (a?.target && (MODEL_VAR_RE.test(a.target) || feedsOptimizer(facts, a.target))) return true;
  }
  if (MODEL_CLASS_NAME_RE.test(name)) return true;
  return facts.mod.all.filter(x => x.keyword === 'class' && facts.moduleClasses.has(defName(x) ?? '')).length === 1 && facts.moduleClasses.has(name);
}

function feedsOptimizer(facts: ScriptFacts, target: string): boolean {
  return facts.optimizers.some(o => {
    const a = o.call.args[0];
    return !!a && compact(o.call.ll.tokens, a.start, a.end) === `${target}.parameters()`;
  });
}

/**
 * Is an nn.Sequential the model's output (so a final softmax reaches the loss)? Yes when it is
 * assigned to a model variable (or one whose parameters are optimised), returned by a function,
 * or stored in `self.X` and `self.X(...)` is what a forward() returns.
 */
function isModelSequential(facts: ScriptFacts, seq: Call): boolean {
  const t = seq.ll.tokens;
  const whole = seq.close === t.length - 1;
  if (isName(t[0], 'return')) return whole && seq.startIdx === 1;
  const a = assignmentOf(seq.stmt);
  if (!a || a.op !== '=' || !a.target || !whole || seq.startIdx !== a.opIdx + 1) return false;
  if (!a.target.startsWith('self.')) return MODEL_VAR_RE.test(a.target) || feedsOptimizer(facts, a.target);
  const cls = ancestors(seq.stmt).find(p => p.keyword === 'class');
  if (!cls || !isModelClass(facts, cls)) return false;
  for (const fwd of cls.children) {
    if (fwd.keyword !== 'def' || !isName(fwd.ll.tokens[1], 'forward')) continue;
    for (const ret of subtree(fwd).slice(1)) {
      const rt = ret.ll.tokens;
      if (!isName(rt[0], 'return')) continue;
      if (facts.callsOf(ret).some(c => c.callee === a.target && c.startIdx === 1 && c.close === rt.length - 1)) return true;
    }
  }
  return false;
}

/** Is a statement alone on its physical lines (so deleting the lines deletes just it)? */
function ownsLines(facts: ScriptFacts, s: Stmt): boolean {
  if (s.ll.tokens.some(x => isOp(x, ';') && x.depth === 0)) return false;
  const others = facts.mod.logical.filter(l => l !== s.ll && l.endLine >= s.ll.line && l.line <= s.ll.endLine);
  return others.length === 0 && lineText(facts, s.ll.line).slice(0, s.ll.tokens[0].col).trim() === '';
}

function checkActivationBeforeLoss(ctx: Ctx, act: Activation): void {
  const { facts } = ctx;
  if (act === 'softmax') {
    const ceVars = new Set(facts.criteria.filter(c => c.cls === 'CrossEntropyLoss' && c.target).map(c => c.target as string));
    const hasCe = facts.criteria.some(c => c.cls === 'CrossEntropyLoss') || facts.callsNamed('cross_entropy').length > 0;
    checkSoftmaxBeforeNll(ctx);
    if (!hasCe) return;
    const isCeCall = (c: Call) => ceVars.has(c.callee) || c.name === 'cross_entropy';
    const loss = facts.criteria.some(c => c.cls === 'CrossEntropyLoss') ? 'nn.CrossEntropyLoss' : 'F.cross_entropy';
    for (const site of activationSites(facts, 'softmax', isCeCall)) {
      ctx.out.push(makeIssue(ctx.lang, 'softmax-before-cross-entropy', 'warning', callRange(site.call), { loss, ...flowParams(site) }, site.edits));
    }
    return;
  }
  checkSigmoidBeforeBceWithLogits(ctx);
  const bceCtors = facts.criteria.filter(c => c.cls === 'BCELoss');
  const bceFns = facts.callsNamed('binary_cross_entropy');
  if (bceCtors.length === 0 && bceFns.length === 0) return;
  const bceVars = new Set(bceCtors.filter(c => c.target).map(c => c.target as string));
  const isBceCall = (c: Call) => bceVars.has(c.callee) || c.name === 'binary_cross_entropy';
  const sites = activationSites(facts, 'sigmoid', isBceCall);
  if (sites.length === 0) return;
  const first = bceCtors[0]?.call ?? bceFns[0];
  const isCtor = bceCtors.length > 0;
  const loss = isCtor ? 'nn.BCELoss' : 'F.binary_cross_entropy';
  const replacement = isCtor ? 'nn.BCEWithLogitsLoss' : 'F.binary_cross_entropy_with_logits';
  const inModel = sites.some(s => s.where !== 'argument' && s.where !== 'variable');
  const safe = sites.every(s => s.edits) && !(inModel && thresholdsProbabilities(facts));
  let edits: ScriptEdit[] | undefined;
  if (safe) {
    edits = [];
    for (const c of bceCtors) edits.push(replaceTokens(c.call.ll.tokens, c.call.nameIdx, c.call.nameIdx + 1, 'BCEWithLogitsLoss'));
    for (const c of bceFns) edits.push(replaceTokens(c.ll.tokens, c.nameIdx, c.nameIdx + 1, 'binary_cross_entropy_with_logits'));
    for (const s of sites) edits.push(...(s.edits ?? []));
  }
  const range = tokenRange(first.ll.tokens, first.startIdx, first.nameIdx + 1);
  const flows = sites.filter(x => x.where === 'variable');
  const input = flows.length === sites.length ? flows[0].input : undefined;
  ctx.out.push(makeIssue(ctx.lang, 'sigmoid-before-bce', 'warning', range, { loss, replacement, ...(input ? { input } : {}) }, edits));
}

/**
 * Softmax outputs given to NLLLoss / F.nll_loss, which expect log-probabilities: the loss is
 * then minus a probability (between -1 and 0) instead of a log-likelihood. The fix is
 * log_softmax.
 */
function checkSoftmaxBeforeNll(ctx: Ctx): void {
  const { facts } = ctx;
  const nll = facts.criteria.filter(c => c.cls === 'NLLLoss');
  if (nll.length === 0 && facts.callsNamed('nll_loss').length === 0) return;
  const nllVars = new Set(nll.filter(c => c.target).map(c => c.target as string));
  const isNllCall = (c: Call) => nllVars.has(c.callee) || c.name === 'nll_loss';
  const loss = nll.length > 0 ? 'nn.NLLLoss' : 'F.nll_loss';
  const attrs = activationAttributes(facts, 'softmax');
  for (const site of activationSites(facts, 'softmax', isNllCall)) {
    // A model that returns probabilities may feed `torch.log(model(x))` to the loss: only the
    // softmax values seen flowing into the loss call are reported.
    if (site.where !== 'argument' && site.where !== 'variable') continue;
    const c = site.call;
    const t = c.ll.tokens;
    let edits: ScriptEdit[] | undefined;
    if (c.name === 'softmax' && !attrs.has(c.callee)) edits = [replaceTokens(t, c.nameIdx, c.nameIdx + 1, 'log_softmax')];
    else if (c.name === 'Softmax') edits = [replaceTokens(t, c.nameIdx, c.nameIdx + 1, 'LogSoftmax')];
    ctx.out.push(makeIssue(ctx.lang, 'softmax-before-nll-loss', 'warning', callRange(c), { loss, ...flowParams(site, false) }, edits));
  }
}

/**
 * Sigmoid outputs given to BCEWithLogitsLoss / F.binary_cross_entropy_with_logits, which apply
 * a sigmoid themselves: a double sigmoid, whose loss cannot go below ~0.31 and whose gradients
 * are squashed. The fix gives the loss the logits.
 */
function checkSigmoidBeforeBceWithLogits(ctx: Ctx): void {
  const { facts } = ctx;
  const ctors = facts.criteria.filter(c => c.cls === 'BCEWithLogitsLoss');
  if (ctors.length === 0 && facts.callsNamed('binary_cross_entropy_with_logits').length === 0) return;
  const vars = new Set(ctors.filter(c => c.target).map(c => c.target as string));
  const isCall = (c: Call) => vars.has(c.callee) || c.name === 'binary_cross_entropy_with_logits';
  const loss = ctors.length > 0 ? 'nn.BCEWithLogitsLoss' : 'F.binary_cross_entropy_with_logits';
  const sites = activationSites(facts, 'sigmoid', isCall);
  const thresholds = sites.some(s => s.where !== 'argument' && s.where !== 'variable') && thresholdsProbabilities(facts);
  for (const site of sites) {
    const edits = thresholds && site.where !== 'argument' && site.where !== 'variable' ? undefined : site.edits;
    ctx.out.push(makeIssue(ctx.lang, 'sigmoid-before-bce-with-logits', 'warning', callRange(site.call), { loss, ...flowParams(site) }, edits));
  }
}

/** Does the script turn model outputs into labels with a 0.5 threshold or rounding? */
function thresholdsProbabilities(facts: ScriptFacts): boolean {
  const t = facts.mod.tokens;
  for (let j = 0; j + 1 < t.length; j++) {
    if (t[j].type === 'op' && /^[<>]=?$/.test(t[j].value) && t[j + 1].type === 'number' && Number(t[j + 1].value) === 0.5) return true;
  }
  return facts.callsNamed('round').length > 0;
}

// ---------------------------------------------------------------------------------------------
// Missing zero_grad

function loopsUpToFunction(stmt: Stmt): Stmt[] {
  const out: Stmt[] = [];
  if (isLoop(stmt)) out.push(stmt);
  for (const p of ancestors(stmt)) {
    if (p.keyword === 'def' || p.keyword === 'class') break;
    if (isLoop(p)) out.push(p);
  }
  return out;
}

function checkZeroGrad(ctx: Ctx): void {
  const { facts } = ctx;
  const flagged = new Set<Stmt>();
  for (const b of facts.calls) {
    if (b.name !== 'backward' || !b.receiver) continue;
    for (const loop of loopsUpToFunction(b.stmt)) {
      const under = facts.callsUnder(loop);
      const step = under.find(c => facts.optimizerStepped(c) !== undefined);
      if (!step) continue;
      if (flagged.has(loop)) break;
      const zeroed = under.some(c => facts.isZeroGrad(c)) || subtree(loop).some(s => resetsGrad(s));
      if (!zeroed) {
        flagged.add(loop);
        const opt = facts.optimizerStepped(step) as string;
        const s = b.stmt;
        const edits = [insertLineBefore(facts, s.ll.line, `${s.ll.indentText}${opt}.zero_grad()`)];
        ctx.out.push(makeIssue(ctx.lang, 'missing-zero-grad', 'warning', callRange(b), { opt }, edits));
      }
      break;
    }
  }
}

function resetsGrad(s: Stmt): boolean {
  const t = s.ll.tokens;
  for (let j = 0; j + 3 < t.length; j++) {
    if (isOp(t[j], '.') && isName(t[j + 1], 'grad') && isOp(t[j + 2], '=') && isName(t[j + 3], 'None')) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Loss accumulated as a tensor

function checkLossAccumulation(ctx: Ctx): void {
  const { facts } = ctx;
  for (const a of facts.assignments) {
    if (!a.target || !/^[\w.]+$/.test(a.target)) continue;
    const t = a.ll.tokens;
    let rhs = a.opIdx + 1;
    if (a.op === '=') {
      // total = total + loss
      const n = a.opIdx;
      if (compact(t, rhs, rhs + n) !== a.target || !isOp(t[rhs + n], '+')) continue;
      rhs += n + 1;
    } else if (a.op !== '+=') {
      continue;
    }
    if (loopsUpToFunction(a.stmt).length === 0 || facts.inNoGrad(a.stmt)) continue;
    const scope = facts.scope(a.stmt);
    const backwardNames = new Set(
      facts.callsNamed('backward').filter(c => c.receiver && facts.scope(c.stmt) === scope).map(c => c.receiver as string),
    );
    if (backwardNames.has(a.target) || isLossTensor(facts, a.target, a.stmt, backwardNames)) continue;
    if (rhs >= t.length) continue;
    const base = t[rhs].depth;
    let edit: ScriptEdit | undefined;
    let lossText = '';
    for (let j = rhs; j < t.length && !edit; j++) {
      const tok = t[j];
      if (tok.depth !== base) continue;
      if (tok.type === 'name' && !isOp(t[j - 1], '.') && !isOp(t[j + 1], '.') && !isOp(t[j + 1], '(') && !isOp(t[j + 1], '[')) {
        if (isLossTensor(facts, tok.value, a.stmt, backwardNames)) {
          edit = insertAt(tok.endLine, tok.endCol, '.item()');
          lossText = tok.value;
        }
      }
      if (!edit && tok.type === 'name') {
        const c = facts.callsOf(a.stmt).find(x => x.startIdx === j);
        if (c && facts.isLossFunctionCall(c) && !isOp(t[c.close + 1], '.') && !isOp(t[c.close + 1], '[')) {
          const end = t[c.close];
          edit = insertAt(end.endLine, end.endCol, '.item()');
          lossText = sourceOf(facts.mod, t, c.startIdx, c.close + 1);
        }
      }
    }
    if (!edit) continue;
    const range = tokenRange(t, 0, t.length);
    ctx.out.push(
      makeIssue(ctx.lang, 'loss-accumulated-with-graph', 'warning', range, { target: a.target, op: a.op === '=' ? '= ... +' : a.op, loss: lossText }, [edit]),
    );
  }
}

/** Is `name`, at statement `at`, a loss tensor (still attached to its graph)? */
function isLossTensor(facts: ScriptFacts, name: string, at: Stmt, backwardNames: Set<string>): boolean {
  const last = facts.lastAssignmentBefore(name, at);
  if (last) {
    const t = last.ll.tokens;
    const rhs = compact(t, last.opIdx + 1, t.length);
    if (/\.(item|tolist|numpy)\(\)$|^(float|int|round)\(/.test(rhs) || /^[-+]?[\d.]+([eE][-+]?\d+)?$/.test(rhs)) return false;
    if (/\.detach\(\)$/.test(rhs)) return false;
    const calls = facts.callsOf(last.stmt).filter(c => c.nameIdx > last.opIdx);
    if (calls.some(c => facts.isLossFunctionCall(c)) || /\.loss$|\[['"]loss['"]\]$/.test(rhs)) return true;
  }
  return backwardNames.has(name);
}

// ---------------------------------------------------------------------------------------------
// Validation without eval() / no_grad()

const VAL_PARTS = new Set(['val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'dev', 'holdout']);

function isValidationName(name: string): boolean {
  const parts = name.toLowerCase().split('_').filter(Boolean);
  if (parts.some(p => VAL_PARTS.has(p))) return true;
  return /^(val|valid|test|eval|dev)(loader|dl|set|data|dataset|dataloader|batches|iter)$/i.test(name);
}

function isEvalCall(c: Call): boolean {
  if (c.name === 'eval' && c.receiver && c.args.length === 0) return true;
  if (c.name === 'train' && c.receiver && c.args.length === 1) return compact(c.ll.tokens, c.args[0].valueStart, c.args[0].end) === 'False';
  return false;
}

function checkValidation(ctx: Ctx): void {
  const { facts } = ctx;
  for (const loop of facts.mod.all) {
    const it = forIterable(loop);
    if (!it) continue;
    const t = loop.ll.tokens;
    const iterTokens = t.slice(it[0], it[1]);
    const valish = iterTokens.some(
      x =>
        (x.type === 'name' && isValidationName(x.value)) ||
        (x.type === 'string' && /^[rbu]?['"](val|valid|validation|test|eval|dev)['"]$/i.test(x.value)),
    );
    if (!valish) continue;
    const under = facts.callsUnder(loop);
    if (under.some(c => c.name === 'backward' || facts.optimizerStepped(c))) continue;
    const modelCall = under.find(c => c.nameIdx > (c.stmt === loop ? loop.colon : -1) && facts.isModelCallee(c.callee));
    if (!modelCall) continue;
    const loader = compact(t, it[0], it[1]);
    const model = modelCall.callee;
    const range = tokenRange(t, 0, loop.colon);

    const evalOk =
      under.some(isEvalCall) ||
      facts.holdsHereOrAtCallers(loop, s =>
        facts.sameScope(s).some(x => x.ll.line <= s.ll.line && facts.callsOf(x).some(isEvalCall)),
      );
    if (!evalOk) {
      const edits = [insertLineBefore(facts, loop.ll.line, `${loop.ll.indentText}${model}.eval()`)];
      ctx.out.push(makeIssue(ctx.lang, 'validation-without-eval', 'warning', range, { loader, model }, edits));
    }

    const innerNoGrad = subtree(loop).some(s => s.keyword === 'with' && isNoGradText(compact(s.ll.tokens, 0, s.colon)));
    const noGradOk = innerNoGrad || facts.holdsHereOrAtCallers(loop, s => facts.inNoGrad(s));
    if (!noGradOk) {
      ctx.out.push(makeIssue(ctx.lang, 'validation-without-no-grad', 'warning', range, { loader, model }, wrapInNoGrad(facts, loop)));
    }
  }
}

/** Edits that wrap a block in `with torch.no_grad():` (none when a multi-line string is inside). */
function wrapInNoGrad(facts: ScriptFacts, stmt: Stmt): ScriptEdit[] | undefined {
  const from = stmt.ll.line;
  const to = endLineOf(stmt);
  if (facts.multilineStrings().some(x => x.endLine >= from && x.line <= to)) return undefined;
  const unit = facts.mod.indentUnit;
  const edits: ScriptEdit[] = [insertAt(from, 0, `${stmt.ll.indentText}with torch.no_grad():${facts.eol}${unit}`)];
  for (let l = from + 1; l <= to && l <= lineCount(facts); l++) {
    if (lineText(facts, l).trim() !== '') edits.push(insertAt(l, 0, unit));
  }
  return edits;
}

// ---------------------------------------------------------------------------------------------
// torch.abs(model.parameters())

function checkAbsOfParameters(ctx: Ctx): void {
  const { facts } = ctx;
  for (const c of facts.calls) {
    if ((c.name !== 'abs' && c.name !== 'square') || (c.receiver !== undefined && c.receiver !== 'torch')) continue;
    if (c.args.length !== 1 || c.args[0].keyword) continue;
    const t = c.ll.tokens;
    const arg = compact(t, c.args[0].start, c.args[0].end);
    const m = /^(.+)\.parameters\(\)$/.exec(arg);
    if (!m) continue;
    const owner = sourceOf(facts.mod, t, c.args[0].start, c.args[0].end).replace(/\s*\.\s*parameters\s*\(\s*\)\s*$/, '');
    const per = c.name === 'abs' ? 'p.abs().sum()' : 'p.pow(2).sum()';
    const replacement = `sum(${per} for p in ${owner}.parameters())`;
    // Replace the enclosing torch.sum(...) / .sum() too when there is one.
    let a = c.startIdx;
    let b = c.close + 1;
    const outer = facts.callsOf(c.stmt).find(
      w => w.name === 'sum' && (w.receiver === 'torch' || w.receiver === undefined) && w.args.length === 1 && w.args[0].start === c.startIdx && w.args[0].end === c.close + 1,
    );
    if (outer) {
      a = outer.startIdx;
      b = outer.close + 1;
    } else if (isOp(t[b], '.') && isName(t[b + 1], 'sum') && isOp(t[b + 2], '(') && isOp(t[b + 3], ')')) {
      b += 4;
    }
    const call = compact(t, a, b);
    ctx.out.push(
      makeIssue(ctx.lang, 'abs-of-parameters', 'error', tokenRange(t, a, b), { call, replacement }, [replaceTokens(t, a, b, replacement)]),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The guide's checklist

const SCHEDULER_NAME_RE =
  /sched|warmup|adjust_learning_rate|lr_lambda|LambdaLR|StepLR|OneCycleLR|CyclicLR|ExponentialLR|PolynomialLR|ReduceLROnPlateau|CosineAnnealing/i;
const EARLY_STOP_NAME_RE = /early_?stop|EarlyStopping|patience|should_stop|stop_training|no_improve|bad_epochs/i;

/** The scopes that assign a learning rate by hand (`group['lr'] = ...`). */
function scopesSettingLr(facts: ScriptFacts): Set<Stmt | undefined> {
  const out = new Set<Stmt | undefined>();
  for (const s of facts.mod.all) {
    const t = s.ll.tokens;
    for (let j = 0; j + 2 < t.length; j++) {
      if (t[j].type === 'string' && /^['"]lr['"]$/.test(t[j].value) && isOp(t[j + 1], ']') && t[j + 2].type === 'op' && /^[*/+-]?=$/.test(t[j + 2].value)) {
        out.add(facts.scope(s));
        break;
      }
    }
  }
  return out;
}

/**
 * Below this many epochs the checklist stays quiet: a short run gains little from a schedule
 * or early stopping, and hints on every small, correct script are noise.
 */
export const MANY_EPOCHS = 20;

function checkChecklist(ctx: Ctx): void {
  const { facts } = ctx;
  checkAdamLr(ctx);
  const backward = facts.callsNamed('backward').filter(c => c.receiver);
  const trains = backward.length > 0 && (facts.optimizers.length > 0 || facts.calls.some(c => facts.optimizerStepped(c)));
  if (!trains) return;

  // The scheduler and early-stopping hints only help a long training: the epoch loop must be in
  // this file and run a known number of epochs, at least MANY_EPOCHS.
  let epochLoop: Stmt | undefined;
  for (const b of backward) {
    const loops = loopsUpToFunction(b.stmt);
    const outer = loops[loops.length - 1];
    if (outer && facts.callsUnder(outer).some(c => facts.optimizerStepped(c))) {
      epochLoop = findEpochLoop(facts, outer, 2);
      break;
    }
  }
  if (!epochLoop) return;
  const epochs = epochCount(facts, epochLoop);
  if (epochs === undefined || epochs < MANY_EPOCHS) return;
  const names = facts.mod.tokens.filter(x => x.type === 'name');

  const firstOpt = facts.optimizers[0];
  if (firstOpt && !names.some(x => SCHEDULER_NAME_RE.test(x.value)) && scopesSettingLr(facts).size === 0) {
    const c = firstOpt.call;
    ctx.out.push(makeIssue(ctx.lang, 'no-lr-scheduler', 'info', tokenRange(c.ll.tokens, c.startIdx, c.nameIdx + 1), {}));
  }

  if (!names.some(x => EARLY_STOP_NAME_RE.test(x.value))) {
    const loop = epochLoop;
    const breaks = subtree(loop).some(s => {
      if (!hasBreak(s)) return false;
      const nearest = isLoop(s) && !isName(s.ll.tokens[0], 'break') ? s : ancestors(s).find(isLoop);
      return nearest === loop;
    });
    if (!breaks) {
      const t = loop.ll.tokens;
      ctx.out.push(makeIssue(ctx.lang, 'no-early-stopping', 'info', tokenRange(t, 0, loop.colon), {}));
    }
  }
}

/**
 * How many times a `for ... in range(...)` loop runs, when its bounds resolve to numbers
 * (literals, variables, argparse defaults, `args.epochs + 1`). Undefined otherwise.
 */
export function epochCount(facts: ScriptFacts, loop: Stmt): number | undefined {
  const it = forIterable(loop);
  if (!it) return undefined;
  const c = facts.callsOf(loop).find(x => x.name === 'range' && x.callee === 'range' && x.startIdx === it[0] && x.close === it[1] - 1);
  if (!c) return undefined;
  const pos = c.args.filter(x => !x.keyword && x.valueStart === x.start);
  if (pos.length === 0 || pos.length > 3) return undefined;
  const value = (a: (typeof pos)[number]) => boundValue(facts, loop, a.start, a.end);
  const start = pos.length > 1 ? value(pos[0]) : 0;
  const stop = value(pos.length > 1 ? pos[1] : pos[0]);
  const step = pos.length > 2 ? value(pos[2]) : 1;
  if (start === undefined || stop === undefined || step === undefined || !(step > 0)) return undefined;
  return Math.max(0, Math.ceil((stop - start) / step));
}

/** Value of a range bound: something `facts.resolve` reads, optionally `+ n` / `- n`. */
function boundValue(facts: ScriptFacts, stmt: Stmt, a: number, b: number): number | undefined {
  const r = facts.resolve(stmt, a, b);
  if (r) return r.value;
  const t = stmt.ll.tokens;
  if (b - a >= 3 && t[b - 1].type === 'number' && (isOp(t[b - 2], '+') || isOp(t[b - 2], '-'))) {
    const base = facts.resolve(stmt, a, b - 2);
    const n = Number(t[b - 1].value.replace(/_/g, ''));
    if (base && Number.isFinite(n)) return isOp(t[b - 2], '+') ? base.value + n : base.value - n;
  }
  return undefined;
}

/**
 * The epoch loop of a training loop: the loop itself when it is one (it holds another loop, or
 * its header speaks of epochs), else the outermost loop around a call of its function (a
 * `train_one_epoch()` called per epoch). Undefined when the epoch loop is not in this file.
 */
function findEpochLoop(facts: ScriptFacts, outer: Stmt, depth: number): Stmt | undefined {
  const nested = subtree(outer).some(s => s !== outer && isLoop(s));
  if (nested || /epoch/i.test(compact(outer.ll.tokens, 0, outer.colon))) return outer;
  const fn = functionOf(outer);
  if (!fn || depth === 0) return undefined;
  for (const site of facts.callSitesOf(fn)) {
    const loops = loopsUpToFunction(site.stmt);
    if (loops.length > 0) return findEpochLoop(facts, loops[loops.length - 1], depth - 1) ?? loops[loops.length - 1];
  }
  return undefined;
}

function checkAdamLr(ctx: Ctx): void {
  const { facts } = ctx;
  let byHand: Set<Stmt | undefined> | undefined;
  for (const o of facts.optimizers) {
    if (!ADAM_FAMILY.has(o.cls)) continue;
    const c = o.call;
    const arg = c.args.find(x => x.keyword === 'lr') ?? c.args.filter(x => !x.keyword)[1];
    if (!arg) continue;
    byHand ??= scopesSettingLr(facts);
    if (byHand.has(facts.scope(c.stmt))) continue;
    const r = facts.resolve(c.stmt, arg.valueStart, arg.end);
    if (!r || !(r.value > 0)) continue;
    if (r.value >= 1e-4 * (1 - 1e-9) && r.value <= 1e-2 * (1 + 1e-9)) continue;
    // Fine-tuning a pretrained model: 1e-6..1e-4 is the norm there, not a mistake.
    if (r.value >= 1e-6 && r.value < 1e-4 && facts.callsNamed('from_pretrained').length > 0) continue;
    const edits = [replaceTokens(r.stmt.ll.tokens, r.start, r.end, formatLike(1e-3, r.text))];
    ctx.out.push(
      makeIssue(ctx.lang, 'adam-lr-out-of-range', 'info', tokenRange(r.stmt.ll.tokens, r.start, r.end), { opt: o.cls, lr: r.text }, edits),
    );
  }
}

function hasBreak(s: Stmt): boolean {
  return s.ll.tokens.some((x, i) => isName(x, 'break') && (i === 0 || isOp(s.ll.tokens[i - 1], ':') || isOp(s.ll.tokens[i - 1], ';')));
}
